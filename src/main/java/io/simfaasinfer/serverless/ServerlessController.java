package io.simfaasinfer.serverless;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.engine.Event;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.metrics.LatencyStats;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.routing.Router;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The serverless fleet of one simulation. Owns the instance slots (each a {@link Replica} with its
 * own scheduler and KV cache), their lifecycle, the global queue and the autoscaler; the
 * {@code Simulator} hands it arrivals, finished iterations and the serverless events.
 *
 * <ul>
 *   <li>An arriving request goes to a ready instance with room (chosen by {@code cluster.router}
 *       among the first {@code desired} ready ones, the surplus taking overflow only, so it drains),
 *       else waits in the global queue (FIFO; a full queue rejects it). A request that finds no
 *       instance alive pokes the autoscaler at once (Knative's activator).</li>
 *   <li>The autoscaler is evaluated every {@code evaluation_interval_s} (and, for reactive policies,
 *       whenever a request queues); the fleet starts instances up to its answer (clamped to
 *       [min, max]), loading from the configured checkpoint tier, or from the host cache tier when
 *       the slot's host released the model within {@code host_cache_ttl_s}.</li>
 *   <li>An instance left idle for {@code keep_alive_s} is released while more instances are alive
 *       than the autoscaler wants (never below {@code min_instances}, the warm pool ready at t = 0).</li>
 * </ul>
 */
public final class ServerlessController {

    /** How the controller asks the simulator to let a replica schedule its next iteration. */
    @FunctionalInterface
    public interface ScheduleRequester {
        void requestSchedule(Replica replica, long now);
    }

    private record Waiting(Request request, long coveredAtEnqueueNs) {
    }

    private final ServerlessConfig cfg;
    private final Instance[] instances;
    private final Dispatcher dispatcher;
    private final FleetLedger ledger = new FleetLedger();
    private final EventQueue queue;
    private final MetricsCollector metrics;
    private final ServerlessMetrics sm;
    private final ScheduleRequester requester;
    private final Autoscaler autoscaler;
    private final ColdStartModel coldStart;
    private final CheckpointTier tier;
    private final CheckpointTier hostTier;
    private final String coldStartSource;
    private final long hostTtlNs;
    private final long keepAliveNs;
    private final long intervalNs;
    private final int maxBatchSize;
    private final int tp;
    private final Billing billing;
    private final FleetHistory history;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final LatencyStats instanceStart = new LatencyStats();
    private final Map<String, Long> startsByTier = new TreeMap<>();
    private final FleetView view;

    private int lastDesired;
    private boolean workloadExhausted;
    private boolean pokePending;
    private boolean finished;
    private long coldStarts;
    private long releases;
    private long rejectedQueueFull;
    private int queuePeak;

    /**
     * @param config    the validated configuration (serverless enabled, cold-start figures resolved)
     * @param replicas  one replica per instance slot ({@code max_instances} of them)
     * @param router    chooses among ready instances with room
     * @param sm        the request-side observer the replicas' schedulers report to
     * @param requester lets a replica schedule (the simulator's own hook)
     */
    public ServerlessController(SimulatorConfig config, ModelSpec model, GpuSpec gpu, Replica[] replicas,
                                Router router, EventQueue queue, MetricsCollector metrics, ServerlessMetrics sm,
                                ScheduleRequester requester) {
        this.cfg = config.serverless();
        this.queue = queue;
        this.metrics = metrics;
        this.sm = sm;
        this.requester = requester;
        this.tp = config.cluster().tp();
        this.maxBatchSize = config.scheduler().maxNumSeqs();
        this.instances = new Instance[replicas.length];
        for (int i = 0; i < replicas.length; i++) {
            instances[i] = new Instance(i, replicas[i]);
        }
        this.dispatcher = new Dispatcher(instances, router, cfg.instanceConcurrency());
        var cs = cfg.coldStart();
        this.coldStart = ColdStartModel.of(cs, model.weightBytes(), tp);
        this.tier = CheckpointTier.parse(cs.checkpointTier()).orElseThrow();
        this.hostTier = CheckpointTier.parse(cs.hostCacheTier()).orElseThrow();
        this.hostTtlNs = cs.locality() ? Math.round(cs.hostCacheTtlS() * 1e9) : -1;
        this.coldStartSource = ColdStartProfiles.builtin().forGpu(gpu.name()).source();
        this.keepAliveNs = Math.round(cfg.keepAliveS() * 1e9);
        var as = cfg.autoscaler();
        this.intervalNs = Math.max(1, Math.round(as.evaluationIntervalS() * 1e9));
        this.autoscaler = Autoscalers.registry().get("serverless.autoscaler.name", as.name()).create(cfg);
        double retention = Math.max(600, Math.max(as.concurrency().stableWindowS(), as.predictive().windowS()));
        this.history = new FleetHistory(retention + 2 * as.evaluationIntervalS());
        double price = cfg.billing().pricePerGpuHour() != null ? cfg.billing().pricePerGpuHour() : gpu.pricePerHour();
        this.billing = new Billing(cfg.billing(), price, tp);
        this.view = new View(this);
    }

    // ---- driven by the simulator ----

    /** Provisions the warm pool at t = 0 and schedules the first evaluation. */
    public void start() {
        for (int i = 0; i < cfg.minInstances(); i++) {
            Instance in = instances[i];
            in.beginLife();
            ledger.transition(in, InstanceState.IDLE, 0);
            scheduleExpiry(in, 0);
        }
        lastDesired = cfg.minInstances();
        ledger.point(0);
        history.add(sample(0));
        queue.schedule(0, new Event.Autoscale(true));
    }

    /** The workload has no more requests: once every admitted one is finished the fleet stops. */
    public void onWorkloadExhausted() {
        workloadExhausted = true;
    }

    /** A request arrives (already checked against the model's context). */
    public void onArrival(Request r, long now) {
        String problem = instances[0].replica.scheduler().admissionProblem(r);
        if (problem != null) {
            r.reject();
            sm.onRejected(r, problem, now);
            return;
        }
        sm.onFleetArrival();
        if (waiting.isEmpty()) {
            Instance target = pick(r, now);
            if (target != null) {
                sm.onAdmitted(now);
                dispatch(r, target, now, 0);
                return;
            }
        }
        Integer cap = cfg.queueCapacity();
        if (cap != null && waiting.size() >= cap) {
            rejectedQueueFull++;
            r.reject();
            sm.onRejected(r, "serverless_queue_full", now);
            if (live() == 0) {
                poke(now);
            }
            return;
        }
        sm.onAdmitted(now);
        waiting.addLast(new Waiting(r, ledger.coveredAt(now)));
        queuePeak = Math.max(queuePeak, waiting.size());
        if (live() == 0 || autoscaler.reactive()) {
            poke(now);
        }
    }

    /** The iteration of {@code replica} ended and its scheduler retired it. */
    public void onIterationDone(Replica replica, long now) {
        Instance in = instances[replica.index()];
        if (!waiting.isEmpty()) {
            drain(now);
        }
        if (in.state == InstanceState.BUSY && replica.scheduler().outstanding() == 0) {
            ledger.transition(in, InstanceState.IDLE, now);
            scheduleExpiry(in, now);
        }
    }

    /** A serverless event ({@link Event.InstanceReady}, {@link Event.InstanceExpiry}, {@link Event.Autoscale}). */
    public void onEvent(Event ev, long now) {
        if (workloadExhausted && sm.demand() == 0) {
            return; // the run is over: nothing after the last completion changes the fleet
        }
        if (ev instanceof Event.InstanceReady e) {
            onReady(instances[e.instance()], e.generation(), now);
        } else if (ev instanceof Event.InstanceExpiry e) {
            Instance in = instances[e.instance()];
            if (in.state == InstanceState.IDLE && in.idleEpoch == e.idleEpoch() && live() > floor()) {
                release(in, now);
            }
        } else if (ev instanceof Event.Autoscale a) {
            if (a.periodic()) {
                history.add(sample(now));
                queue.schedule(now + intervalNs, new Event.Autoscale(true));
            } else {
                pokePending = false;
            }
            evaluate(now);
        } else {
            throw new IllegalArgumentException("not a serverless event: " + ev);
        }
    }

    /** The slots that ever ran an instance (slot 0 if none did), for per-replica statistics. */
    public Replica[] usedReplicas() {
        List<Replica> used = new ArrayList<>();
        for (Instance in : instances) {
            if (in.everUsed) {
                used.add(in.replica);
            }
        }
        if (used.isEmpty()) {
            used.add(instances[0].replica);
        }
        return used.toArray(new Replica[0]);
    }

    /** Closes the books at the end of the run and returns {@code base} with the serverless section and billed cost. */
    public SimulationResult decorate(SimulationResult base) {
        if (finished) {
            throw new IllegalStateException("decorate runs once");
        }
        finished = true;
        long end = Math.max(metrics.lastFinishNs(), ledger.lastTransitionNs());
        int alive = 0;
        for (Instance in : instances) {
            if (in.live()) {
                in.moveTo(in.state, end);
                billing.addLifetime(in.lifeStartingNs(), in.lifeIdleNs(), in.lifeBusyNs());
                alive++;
            }
        }
        ledger.point(end);
        return ServerlessReport.build(this, base, end, alive);
    }

    // ---- lifecycle ----

    private void onReady(Instance in, long generation, long now) {
        if (in.state != InstanceState.STARTING || in.generation != generation) {
            return;
        }
        ledger.transition(in, InstanceState.IDLE, now);
        ledger.point(now);
        drain(now);
        if (in.state == InstanceState.IDLE) {
            scheduleExpiry(in, now);
        }
    }

    private void evaluate(long now) {
        int d = autoscaler.desired(view, now);
        d = Math.max(cfg.minInstances(), Math.min(cfg.maxInstances(), d));
        if (!waiting.isEmpty() && live() == 0) {
            d = Math.max(d, 1); // the activator: queued requests always get an instance
        }
        lastDesired = d;
        while (live() < d) {
            startInstance(now);
        }
        if (live() > d) {
            releaseExpired(now, live() - d);
        }
    }

    private void startInstance(long now) {
        Instance choice = null;
        Instance cached = null;
        for (Instance in : instances) {
            if (in.state != InstanceState.COLD) {
                continue;
            }
            if (choice == null) {
                choice = in;
            }
            if (hostTtlNs >= 0 && in.releasedNs >= 0 && now - in.releasedNs <= hostTtlNs
                    && (cached == null || in.releasedNs > cached.releasedNs)) {
                cached = in;
            }
        }
        if (choice == null) {
            throw new IllegalStateException("no free instance slot although live < max_instances");
        }
        CheckpointTier t = tier;
        if (cached != null) {
            choice = cached;
            t = coldStart.faster(tier, hostTier);
        }
        choice.generation++;
        choice.beginLife();
        choice.tier = t;
        ledger.transition(choice, InstanceState.STARTING, now);
        long duration = coldStart.totalNs(t);
        queue.schedule(now + duration, new Event.InstanceReady(choice.slot, choice.generation));
        coldStarts++;
        startsByTier.merge(t.label(), 1L, Long::sum);
        instanceStart.record(duration);
        ledger.point(now);
    }

    /** Releases up to {@code count} idle instances whose keep-alive has run out, longest idle first. */
    private void releaseExpired(long now, int count) {
        List<Instance> expired = new ArrayList<>();
        for (Instance in : instances) {
            if (in.state == InstanceState.IDLE && now - in.idleSinceNs >= keepAliveNs) {
                expired.add(in);
            }
        }
        expired.sort(Comparator.comparingLong((Instance in) -> in.idleSinceNs).thenComparingInt(in -> in.slot));
        for (int i = 0; i < Math.min(count, expired.size()); i++) {
            release(expired.get(i), now);
        }
    }

    private void release(Instance in, long now) {
        ledger.transition(in, InstanceState.COLD, now);
        billing.addLifetime(in.lifeStartingNs(), in.lifeIdleNs(), in.lifeBusyNs());
        in.releasedNs = now;
        releases++;
        ledger.point(now);
    }

    private void scheduleExpiry(Instance in, long now) {
        queue.schedule(now + keepAliveNs, new Event.InstanceExpiry(in.slot, in.idleEpoch));
    }

    private void poke(long now) {
        if (!pokePending) {
            pokePending = true;
            queue.schedule(now, new Event.Autoscale(false));
        }
    }

    // ---- dispatch ----

    private Instance pick(Request r, long now) {
        return dispatcher.pick(r, lastDesired, now);
    }

    private void drain(long now) {
        while (!waiting.isEmpty()) {
            Waiting w = waiting.peekFirst();
            Instance target = pick(w.request(), now);
            if (target == null) {
                return;
            }
            waiting.pollFirst();
            dispatch(w.request(), target, now, ledger.coveredAt(now) - w.coveredAtEnqueueNs());
        }
    }

    private void dispatch(Request r, Instance in, long now, long coldWaitNs) {
        sm.onDispatched(r, coldWaitNs);
        r.assign(in.slot);
        in.replica.scheduler().enqueue(r, now);
        if (in.state == InstanceState.IDLE) {
            ledger.transition(in, InstanceState.BUSY, now);
        }
        requester.requestSchedule(in.replica, now);
    }

    // ---- bookkeeping ----

    private FleetHistory.Sample sample(long now) {
        double busyNs = 0;
        for (Instance in : instances) {
            busyNs += in.replica.busyNs();
        }
        return new FleetHistory.Sample(now, sm.arrivals(), sm.demandArea(now),
                ledger.readyAreaAt(now), busyNs, sm.serviceNs(), sm.services());
    }

    private int floor() {
        return Math.max(cfg.minInstances(), lastDesired);
    }

    // ---- read by the view and the report ----

    int live() {
        return ledger.live();
    }

    int starting() {
        return ledger.starting();
    }

    int idle() {
        return ledger.idle();
    }

    int busy() {
        return ledger.busy();
    }

    int lastDesired() {
        return lastDesired;
    }

    int queued() {
        return waiting.size();
    }

    Instance[] instances() {
        return instances;
    }

    ServerlessConfig config() {
        return cfg;
    }

    ServerlessMetrics requestMetrics() {
        return sm;
    }

    MetricsCollector metrics() {
        return metrics;
    }

    FleetHistory history() {
        return history;
    }

    int maxBatchSize() {
        return maxBatchSize;
    }

    int tp() {
        return tp;
    }

    ColdStartModel coldStart() {
        return coldStart;
    }

    CheckpointTier tier() {
        return tier;
    }

    String coldStartSource() {
        return coldStartSource;
    }

    LatencyStats instanceStart() {
        return instanceStart;
    }

    Map<String, Long> startsByTier() {
        return startsByTier;
    }

    List<ServerlessResult.Point> series() {
        return ledger.series();
    }

    Billing billing() {
        return billing;
    }

    String autoscalerName() {
        return cfg.autoscaler().name();
    }

    long coldStarts() {
        return coldStarts;
    }

    long releases() {
        return releases;
    }

    long rejectedQueueFull() {
        return rejectedQueueFull;
    }

    int peakLive() {
        return ledger.peakLive();
    }

    int queuePeak() {
        return queuePeak;
    }
}
