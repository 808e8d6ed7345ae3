package io.simfaasinfer.serverless;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.deployment.Lifecycle;
import io.simfaasinfer.deployment.Pool;
import io.simfaasinfer.deployment.ReplicaView;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.metrics.ServerlessResult;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.routing.Router;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The serverless lifecycle of a pool: a fleet of function instances. Owns the instance slots (each
 * a {@link Replica} of the pool with its own scheduler and KV cache, made when a slot is first
 * started, never up front), their lifecycle, the global queue and the autoscaler. The pool's stage
 * offers it arrivals through the {@link Lifecycle} seam; its own events (cold starts ending,
 * keep-alive expiries, autoscaler evaluations) carry their handler.
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
public final class ServerlessLifecycle implements Lifecycle {

    private record Waiting(Request request, long coveredAtEnqueueNs) {
    }

    private final ServerlessConfig cfg;
    private final Pool pool;
    private final Router router;
    private final InstanceSlots slots;
    /** What {@link #view} offers while requests wait in the global queue: nothing (FIFO). */
    private final ReplicaView none = new ReplicaView();
    /** Whether every request of the run is done (the workload exhausted, none left anywhere in the deployment). */
    private final java.util.function.BooleanSupplier runOver;
    private final FleetLedger ledger = new FleetLedger();
    private final EventQueue queue;
    private final MetricsCollector metrics;
    private final ServerlessMetrics sm;
    private final Autoscaler autoscaler;
    private final ColdStarts starts;
    private final long keepAliveNs;
    private final long intervalNs;
    private final int maxBatchSize;
    private final int tp;
    private final Billing billing;
    private final FleetHistory history;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final FleetView view;

    private int lastDesired;
    private boolean workloadExhausted;
    private boolean pokePending;
    private boolean finished;
    private long releases;
    private long rejectedQueueFull;
    private int queuePeak;

    /**
     * @param cfg          the validated serverless settings (cold-start figures resolved)
     * @param pool         the pool whose replicas the instances are
     * @param router       chooses among ready instances with room
     * @param sm           the request-side observer the pool's schedulers report to
     * @param tp           GPUs of one instance: tp x pp (a pipelined instance loads its stages' weights in parallel)
     * @param maxBatchSize the pool's scheduler.max_num_seqs (x pp: one batch per virtual engine)
     * @param runOver      whether every request of the run is done (then nothing changes the fleet any more)
     */
    public ServerlessLifecycle(ServerlessConfig cfg, ModelSpec model, GpuSpec gpu, int tp, int maxBatchSize, Pool pool,
                               Router router, EventQueue queue, MetricsCollector metrics, ServerlessMetrics sm,
                               java.util.function.BooleanSupplier runOver) {
        this.cfg = cfg;
        this.runOver = runOver;
        this.pool = pool;
        this.slots = new InstanceSlots(pool, cfg.maxInstances(), cfg.instanceConcurrency());
        this.router = router;
        this.queue = queue;
        this.metrics = metrics;
        this.sm = sm;
        this.tp = tp;
        this.maxBatchSize = maxBatchSize;
        this.starts = new ColdStarts(cfg.coldStart(), model.weightBytes(), tp, gpu);
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

    @Override
    public String name() {
        return "serverless";
    }

    /** The name of the pool this fleet serves. */
    String poolName() {
        return pool.name();
    }

    // ---- the lifecycle seam, driven by the pool's stage ----

    /** Provisions the warm pool at t = 0 and schedules the first evaluation. */
    @Override
    public void start(long now) {
        for (int i = 0; i < cfg.minInstances(); i++) {
            Instance in = slots.add();
            in.beginLife();
            ledger.transition(in, InstanceState.IDLE, 0);
            scheduleExpiry(in, 0);
        }
        lastDesired = cfg.minInstances();
        ledger.point(0);
        history.add(sample(0));
        queue.schedule(0, new FleetEvents.Autoscale(this, true));
    }

    /** The workload has no more requests: once every admitted one is finished the fleet stops. */
    @Override
    public void onWorkloadExhausted(long now) {
        workloadExhausted = true;
    }

    /** A request (that fits an instance) reaches the fleet. */
    @Override
    public void onOffered(Request r, long now) {
        sm.onFleetArrival();
    }

    /**
     * The ready instances a request may go to now: none while others wait in the global queue (FIFO);
     * else the first {@code max(1, desired)} ready ones (slot order) with room, the surplus above the
     * autoscaler's answer taking overflow only, so it drains, goes idle and is released.
     */
    @Override
    public void collect(Request r, ReplicaView into, long now) {
        if (waiting.isEmpty()) {
            slots.eligible(r, lastDesired, into);
        }
    }

    /** {@link #collect}'s replicas as one kept, indexed view when room is unconditional (see InstanceSlots). */
    @Override
    public ReplicaView view(Request r, long now) {
        return waiting.isEmpty() ? slots.stableEligible(lastDesired, ledger.readinessChanges()) : none;
    }

    @Override
    public boolean queues() {
        return true;
    }

    /** A prefill fleet: the request leaves the fleet's demand; the instance stays busy while it holds the KV. */
    @Override
    public void onHandedOff(Replica replica, Request r, long now) {
        sm.onDeparted(r, now);
    }

    @Override
    public void onTransferReleased(Replica replica, long now) {
        Instance in = slots.of(replica);
        if (in.state == InstanceState.BUSY && InstanceSlots.empty(replica)) {
            ledger.transition(in, InstanceState.IDLE, now);
            scheduleExpiry(in, now);
        }
    }

    @Override
    public void dispatch(Replica target, Request r, long now) {
        sm.onAdmitted(now);
        dispatch(r, slots.of(target), now, 0);
    }

    /** No ready instance has room: the request waits in the global queue (or a full queue rejects it). */
    @Override
    public void hold(Request r, long now) {
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
    @Override
    public void onIterationDone(Replica replica, long now) {
        Instance in = slots.of(replica);
        if (!waiting.isEmpty() && slots.mayHaveRoom(in, ledger.readinessChanges())) {
            drain(now);
        }
        if (in.state == InstanceState.BUSY && InstanceSlots.empty(replica)) {
            ledger.transition(in, InstanceState.IDLE, now);
            scheduleExpiry(in, now);
        }
    }

    /** Whether the run is over: nothing after the last completion changes the fleet, so its events do nothing. */
    private boolean over() {
        return workloadExhausted && runOver.getAsBoolean();
    }

    /** {@link FleetEvents.InstanceReady}: the cold start of that start of the slot ended. */
    void onReadyEvent(int slot, long generation, long now) {
        if (!over()) {
            onReady(slots.get(slot), generation, now);
        }
    }

    /** {@link FleetEvents.InstanceExpiry}: the keep-alive of that idle period of the slot ran out. */
    void onExpiryEvent(int slot, long idleEpoch, long now) {
        Instance in = slots.get(slot);
        if (!over() && in.state == InstanceState.IDLE && in.idleEpoch == idleEpoch && live() > floor()) {
            release(in, now);
        }
    }

    /** {@link FleetEvents.Autoscale}: the periodic tick (rescheduling itself) or a poke. */
    void onAutoscaleEvent(boolean periodic, long now) {
        if (over()) {
            return;
        }
        if (periodic) {
            history.add(sample(now));
            queue.schedule(now + intervalNs, new FleetEvents.Autoscale(this, true));
        } else {
            pokePending = false;
        }
        evaluate(now);
    }

    /** The slots that ever ran an instance, in slot order, for per-replica statistics. */
    @Override
    public List<Replica> replicas() {
        return slots.replicas();
    }

    @Override
    public String stateOf(Replica replica) {
        return slots.of(replica).state.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Nothing is provisioned for the whole run: instance time is billed ({@link #report}). */
    @Override
    public int provisionedReplicas() {
        return 0;
    }

    /** Closes the books at the end of the run and returns {@code base} with the serverless section and billed cost. */
    @Override
    public SimulationResult report(SimulationResult base) {
        if (finished) {
            throw new IllegalStateException("decorate runs once");
        }
        finished = true;
        long end = Math.max(metrics.lastFinishNs(), ledger.lastTransitionNs());
        int alive = 0;
        for (Instance in : slots.all()) {
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
        boolean[] cached = new boolean[1];
        Instance choice = slots.toStart(now, starts.hostTtlNs(), cached);
        CheckpointTier t = starts.tierFor(cached[0]);
        choice.generation++;
        choice.beginLife();
        choice.tier = t;
        ledger.transition(choice, InstanceState.STARTING, now);
        long duration = starts.begin(t);
        queue.schedule(now + duration, new FleetEvents.InstanceReady(this, choice.slot, choice.generation));
        ledger.point(now);
    }

    /** Releases up to {@code count} idle instances whose keep-alive has run out, longest idle first. */
    private void releaseExpired(long now, int count) {
        List<Instance> expired = new ArrayList<>();
        for (Instance in : slots.all()) {
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
        queue.schedule(now + keepAliveNs, new FleetEvents.InstanceExpiry(this, in.slot, in.idleEpoch));
    }

    private void poke(long now) {
        if (!pokePending) {
            pokePending = true;
            queue.schedule(now, new FleetEvents.Autoscale(this, false));
        }
    }

    // ---- dispatch ----

    private void drain(long now) {
        while (!waiting.isEmpty()) {
            Waiting w = waiting.peekFirst();
            Instance target = slots.choose(w.request(), lastDesired, ledger.readinessChanges(), router, now);
            if (target == null) {
                return;
            }
            waiting.pollFirst();
            dispatch(w.request(), target, now, ledger.coveredAt(now) - w.coveredAtEnqueueNs());
        }
    }

    private void dispatch(Request r, Instance in, long now, long coldWaitNs) {
        sm.onDispatched(r, coldWaitNs);
        pool.accept(in.replica, r, now);
        if (in.state == InstanceState.IDLE) {
            ledger.transition(in, InstanceState.BUSY, now);
        }
    }

    // ---- bookkeeping ----

    private FleetHistory.Sample sample(long now) {
        double busyNs = 0;
        for (Instance in : slots.all()) {
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

    List<Instance> instances() {
        return slots.all();
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

    ColdStarts starts() {
        return starts;
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
