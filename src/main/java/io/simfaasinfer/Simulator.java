package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.deployment.Deployment;
import io.simfaasinfer.deployment.Pool;
import io.simfaasinfer.engine.Event;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.engine.Phase;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.kvcache.KvCapacity;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.ApiOverhead;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.workload.RequestSource;
import io.simfaasinfer.workload.Workloads;
import io.simfaasinfer.workload.trace.TraceCache;

import java.util.function.Consumer;

/**
 * One simulation of an LLM-serving deployment: requests arrive from a workload at the deployment's
 * entry stage, a router sends each to a replica of a pool, each replica's scheduler batches
 * iteration by iteration, a predictor times each iteration, and metrics observe everything; in a
 * disaggregated deployment a prefilled request's KV cache then goes to a decode pool. The loop only
 * keeps the clock: every event carries its handler. Owns its clock, ids and random streams, so any
 * number can run in parallel in one JVM. Single use: {@link #run()} once.
 *
 * <pre>{@code SimulationResult r = new Simulator(config).run();}</pre>
 */
public final class Simulator {

    /** A request reaches the deployment; the next one is pulled from the workload then. */
    private record Arrival(Simulator sim, Request request) implements Event {
        @Override
        public Phase phase() {
            return Phase.ARRIVAL;
        }

        @Override
        public void fire(long now) {
            sim.onArrival(request, now);
        }
    }

    /**
     * A request has passed the API front end (HTTP, tokenisation: {@link ApiOverhead#ingressNs}) and
     * reaches the deployment's scheduler.
     */
    private record Ingress(Simulator sim, Request request) implements Event {
        @Override
        public Phase phase() {
            return Phase.ARRIVAL;
        }

        @Override
        public void fire(long now) {
            sim.onIngress(request, now);
        }
    }

    private final SimulatorConfig config;
    private final ModelSpec model;
    /** The engine's per-request API overhead (ingress before scheduling, egress in the metrics). */
    private final ApiOverhead api;
    private final EventQueue queue = new EventQueue();
    private final RandomStreams streams;
    private final MetricsCollector metrics;
    private final RequestSource workload;
    /** The workload when it is a closed loop (fed with completions), else null. */
    private final io.simfaasinfer.workload.FeedbackSource feedback;
    private final Deployment deployment;
    private final DeploymentFactory.Built built;
    private boolean ran;
    private long backlogLimit = Long.MAX_VALUE;
    private boolean workloadDone;
    /** Requests past the client but not yet past the API front end (their Ingress event pending). */
    private long inIngress;
    /** The workload ran out while requests were still in ingress: the deployment hears of it after the last. */
    private boolean exhaustedPending;
    private long sampleIntervalNs = -1;
    private io.simfaasinfer.metrics.TimeSeries.Sink sampleSink;
    private long lastSampleNs;
    private long[] lastTokens = new long[0];
    private java.util.function.Consumer<String> progress;
    private long progressWallNs;
    private long runWallNs;

    /** The time-series sampler's tick: reads every replica; changes nothing. */
    private record SampleTick(Simulator sim) implements Event {
        @Override
        public Phase phase() {
            return Phase.SCHEDULE;
        }

        @Override
        public void fire(long now) {
            sim.sample(now, true);
        }
    }

    /** A run stopped early by {@link #stopWhenBacklogExceeds}: its verdict (unstable) was certain. */
    public static final class BacklogExceeded extends RuntimeException {
        private final long backlog;
        private final double atS;

        BacklogExceeded(long backlog, double atS) {
            super(String.format(java.util.Locale.ROOT, "%d requests outstanding at %.1f s", backlog, atS), null, false,
                    false);
            this.backlog = backlog;
            this.atS = atS;
        }

        public long backlog() {
            return backlog;
        }

        /** Simulated time of the stop, s. */
        public double atS() {
            return atS;
        }
    }

    /** A simulation of {@code config} with the built-in catalog (plus {@code catalog.file}) and no per-request output. */
    public Simulator(SimulatorConfig config) {
        this(config, catalogOf(config), null, null);
    }

    /**
     * Builds, in the shared result mapper, what echoing {@code config} in a result needs (the
     * configuration records' serializers); a start-up warm-up, with no effect on any result.
     */
    public static void warmUp(SimulatorConfig config) {
        ResultBuilder.warmUp(config);
    }

    private static Catalog catalogOf(SimulatorConfig config) {
        Catalog c = Catalog.builtin();
        String file = config.catalog() == null ? null : config.catalog().file();
        return file == null ? c : c.withUserFile(java.nio.file.Path.of(file));
    }

    /**
     * @param config     the configuration (validated here; derived defaults resolved)
     * @param catalog    models and GPUs to resolve names against
     * @param workload   the request source, or null for the configured one (synthetic or trace replay)
     * @param recordSink receives one record per finished or rejected request, or null
     */
    public Simulator(SimulatorConfig config, Catalog catalog, RequestSource workload,
                     Consumer<RequestRecord> recordSink) {
        this(config, catalog, workload, recordSink, null);
    }

    /**
     * As {@link #Simulator(SimulatorConfig, Catalog, RequestSource, Consumer)}, taking predictors from
     * {@code predictors} (shared by many runs; null: build this run's own).
     */
    public Simulator(SimulatorConfig config, Catalog catalog, RequestSource workload,
                     Consumer<RequestRecord> recordSink, PredictorFactory.Cache predictors) {
        this(config, catalog, workload, recordSink, predictors, null);
    }

    /**
     * As above, replaying a trace's rows from {@code traces} (read once for many runs; null: the file
     * is streamed), with the same results as a streamed read.
     */
    public Simulator(SimulatorConfig config, Catalog catalog, RequestSource workload,
                     Consumer<RequestRecord> recordSink, PredictorFactory.Cache predictors, TraceCache traces) {
        this(io.simfaasinfer.validation.ValidatedConfig.of(config, catalog, "config"), workload, recordSink, predictors,
                traces);
    }

    /**
     * A simulation of an already validated configuration (as {@code ConfigResolution} makes it; not
     * validated again).
     */
    public Simulator(io.simfaasinfer.validation.ValidatedConfig validated, RequestSource workload,
                     Consumer<RequestRecord> recordSink, PredictorFactory.Cache predictors) {
        this(validated, workload, recordSink, predictors, null);
    }

    /** As above, a trace's rows replayed from {@code traces} (null: the file is streamed). */
    public Simulator(io.simfaasinfer.validation.ValidatedConfig validated, RequestSource workload,
                     Consumer<RequestRecord> recordSink, PredictorFactory.Cache predictors, TraceCache traces) {
        Catalog catalog = validated.catalog();
        this.config = validated.config();
        this.model = this.config.model().spec(catalog); // with the served dtypes
        this.streams = new RandomStreams(this.config.simulation().randomSeed());
        this.api = ApiOverhead.of(this.config.predictor());
        this.metrics = new MetricsCollector(recordSink, new io.simfaasinfer.metrics.SloTracker(this.config.slo().tpotMs(),
                this.config.slo().e2eMs(), anyTtftObjective(this.config)), api.egressNs());
        this.workload = workload != null ? workload : Workloads.create(this.config, model, streams, traces);
        this.feedback = this.workload instanceof io.simfaasinfer.workload.FeedbackSource f ? f : null;
        if (feedback != null) {
            metrics.onDone(this::onDone); // the closed loop: each response lets its user send the next request
        }
        this.built = DeploymentFactory.build(this.config, model, catalog, queue, metrics, streams, predictors);
        this.deployment = built.deployment();
    }

    /** The validated configuration, with derived defaults resolved. */
    public SimulatorConfig config() {
        return config;
    }

    /** KV-cache capacity of each replica of the first pool. */
    public KvCapacity kvCapacity() {
        return deployment.pools().get(0).spec().capacity();
    }

    /** The predictor of the first pool. */
    public ExecutionTimePredictor predictor() {
        return built.entryPredictor().predictor();
    }

    /** How the first pool's predictor was chosen and calibrated (mode and notes for reports). */
    public PredictorFactory.Built predictorInfo() {
        return built.entryPredictor();
    }

    /**
     * Stops the run (throwing {@link BacklogExceeded} from {@link #run}) as soon as more than
     * {@code limit} requests are in the system at an arrival: for searches whose verdict is certain
     * once the backlog grows that far (a stable system at that rate never holds so many).
     */
    public Simulator stopWhenBacklogExceeds(long limit) {
        this.backlogLimit = limit;
        return this;
    }

    /**
     * Samples every replica each {@code intervalS} of simulated time (and once at the end) into
     * {@code sink}: queue, batch, KV cache, output tokens since the previous sample. Sampling reads
     * and changes nothing, so every figure of the run is the same with it (its ticks add to
     * {@code simulation.events}).
     */
    public Simulator sampleEvery(double intervalS, io.simfaasinfer.metrics.TimeSeries.Sink sink) {
        if (!(intervalS > 0) || Double.isInfinite(intervalS)) {
            throw new IllegalArgumentException("sampling interval must be > 0 s, got " + intervalS);
        }
        this.sampleIntervalNs = Math.max(1, Math.round(intervalS * 1e9));
        this.sampleSink = sink;
        return this;
    }

    private void sample(long now, boolean reschedule) {
        double dt = (now - lastSampleNs) / 1e9;
        for (Pool p : deployment.pools()) {
            for (var r : p.lifecycle().replicas()) {
                var s = r.scheduler();
                if (r.index() >= lastTokens.length) {
                    lastTokens = java.util.Arrays.copyOf(lastTokens, Math.max(r.index() + 1, lastTokens.length * 2));
                }
                long tokens = s.emittedTokens() - lastTokens[r.index()];
                lastTokens[r.index()] = s.emittedTokens();
                long pre = s instanceof io.simfaasinfer.scheduler.AbstractScheduler a ? a.preemptions()
                        : s instanceof io.simfaasinfer.pipeline.VirtualEngines v ? v.preemptions() : 0;
                sampleSink.accept(new io.simfaasinfer.metrics.TimeSeries.Sample(now / 1e9, p.name(), r.index(),
                        p.lifecycle().stateOf(r), s.waiting(), s.running(), pre, s.kv().usedBlocks(), s.kv().utilization(), r.lastBatchTokens(),
                        tokens, dt > 0 ? tokens / dt : 0));
            }
        }
        lastSampleNs = now;
        boolean over = workloadDone && metrics.arrived() == metrics.completed() + metrics.rejected();
        if (reschedule && !over) {
            queue.schedule(now + sampleIntervalNs, new SampleTick(this));
        }
    }

    /**
     * Reports progress of a long run to {@code sink} (a line about every two seconds of wall time:
     * simulated time, requests done, rate, and an ETA when the request count is known). Reads the
     * wall clock only every 4,096 arrivals; changes no figure.
     */
    public Simulator reportProgress(java.util.function.Consumer<String> sink) {
        this.progress = sink;
        return this;
    }

    private void progress(long now) {
        long wall = System.nanoTime();
        if (wall - progressWallNs < 2_000_000_000L) {
            return;
        }
        progressWallNs = wall;
        long done = metrics.completed() + metrics.rejected();
        double elapsed = (wall - runWallNs) / 1e9;
        Integer total = config.workload().trace() == null ? config.workload().numRequests() : null;
        String eta = total == null || done == 0 ? "" : String.format(java.util.Locale.ROOT, ", ETA %.0f s",
                (total - done) / (done / elapsed));
        progress.accept(String.format(java.util.Locale.ROOT, "simulated %.0f s: %d requests done%s (%.0f requests/s)%s",
                now / 1e9, done, total == null ? "" : " of " + total, done / elapsed, eta));
    }

    /** Latency distributions of the finished run (for CDF plots). */
    public io.simfaasinfer.metrics.MetricsCollector metrics() {
        return metrics;
    }

    /** The deployment being simulated. */
    public Deployment deployment() {
        return deployment;
    }

    /** Runs the simulation to completion (every request finished or rejected). */
    public SimulationResult run() {
        if (ran) {
            throw new IllegalStateException("a Simulator runs once; create a new one");
        }
        ran = true;
        long wallStart = System.nanoTime();
        runWallNs = wallStart;
        progressWallNs = wallStart;
        deployment.start(0);
        if (feedback != null) {
            issue(0);
        } else {
            pullFirst();
        }
        if (sampleSink != null) {
            queue.schedule(sampleIntervalNs, new SampleTick(this));
        }
        queue.runToEnd();
        if (sampleSink != null && queue.now() > lastSampleNs) {
            sample(queue.now(), false); // the tokens since the last tick
        }
        long unfinished = metrics.arrived() - metrics.completed() - metrics.rejected();
        if (unfinished != 0) {
            throw new IllegalStateException("simulation stalled with " + unfinished + " requests unfinished");
        }
        double wallS = (System.nanoTime() - wallStart) / 1e9;
        SimulationResult result = ResultBuilder.build(config, metrics, deployment, built.predictors(),
                built.entryPredictor(), queue, workload.adjustments(), wallS);
        for (Pool p : deployment.pools()) {
            result = p.lifecycle().report(result);
        }
        return result;
    }

    private void pullFirst() {
        Request first = workload.next();
        if (first != null) {
            queue.schedule(first.arrivalNs(), new Arrival(this, first));
        } else {
            workloadDone = true;
            deployment.onWorkloadExhausted(0);
        }
    }

    /**
     * Closed loop: a request left the system and its user has the response at {@code clientNow} (after
     * the API egress delay); the user's next request (if any) is issued.
     */
    private void onDone(Request r, long clientNow) {
        feedback.onDone(r, clientNow);
        issue(queue.now());
    }

    /** Closed loop: schedules every request the workload has to give now (each at its own time >= now). */
    private void issue(long now) {
        for (Request next = workload.next(); next != null; next = workload.next()) {
            if (next.arrivalNs() < now) {
                throw new IllegalStateException("closed loop issued request " + next.id() + " in the past");
            }
            queue.schedule(next.arrivalNs(), new Arrival(this, next));
        }
        if (!workloadDone && feedback.exhausted()) {
            workloadDone = true;
            exhausted(now);
        }
    }

    private void onArrival(Request r, long now) {
        metrics.onArrival(r, now);
        if (progress != null && (metrics.arrived() & 4095) == 0) {
            progress(now);
        }
        long backlog = metrics.arrived() - metrics.completed() - metrics.rejected();
        if (backlog > backlogLimit) {
            throw new BacklogExceeded(backlog, now / 1e9);
        }
        if (api.ingressNs() == 0) {
            admit(r, now);
        } else {
            inIngress++;
            queue.schedule(now + api.ingressNs(), new Ingress(this, r));
        }
        if (feedback != null) {
            return; // a closed loop issues on completions, not on arrivals
        }
        Request next = workload.next();
        if (next != null) {
            if (next.arrivalNs() < now) {
                throw new IllegalStateException("workload went back in time: request " + next.id()
                        + " arrives at " + next.arrivalNs() + " ns, before " + now);
            }
            queue.schedule(next.arrivalNs(), new Arrival(this, next));
        } else {
            workloadDone = true;
            exhausted(now);
        }
    }

    private void onIngress(Request r, long now) {
        inIngress--;
        admit(r, now);
        if (inIngress == 0 && exhaustedPending) {
            exhaustedPending = false;
            deployment.onWorkloadExhausted(now);
        }
    }

    /**
     * The workload has no more requests: the deployment is told once none is still on its way
     * through the API front end (a serverless fleet stops when every admitted request is done).
     */
    private void exhausted(long now) {
        if (inIngress > 0) {
            exhaustedPending = true;
        } else {
            deployment.onWorkloadExhausted(now);
        }
    }

    /** The request, past the API front end, reaches the deployment (or is rejected, as the server would then). */
    private void admit(Request r, long now) {
        if ((long) r.promptTokens() + r.outputTokens() > model.maxModelLen()) {
            r.reject();
            metrics.onRejected(r, "exceeds_max_model_len", now);
        } else {
            deployment.submit(r, now);
        }
    }

    private static boolean anyTtftObjective(SimulatorConfig c) {
        var w = c.workload();
        return w.ttftSloMs() != null || w.classes().stream().anyMatch(k -> k != null && k.ttftSloMs() != null);
    }

}
