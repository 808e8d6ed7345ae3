package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.config.ClusterConfig;
import io.simfaasinfer.config.ConfigValidator;
import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.engine.Event;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.kvcache.KvCapacity;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.PredictorFactory;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import io.simfaasinfer.routing.ClusterView;
import io.simfaasinfer.routing.Router;
import io.simfaasinfer.routing.Routers;
import io.simfaasinfer.scheduler.SchedulerContext;
import io.simfaasinfer.scheduler.Schedulers;
import io.simfaasinfer.serverless.ServerlessController;
import io.simfaasinfer.serverless.ServerlessMetrics;
import io.simfaasinfer.workload.RequestSource;
import io.simfaasinfer.workload.Workloads;

import java.util.function.Consumer;

/**
 * One simulation of an aggregated LLM-serving cluster: requests arrive from a workload, a router
 * sends each to a replica, each replica's scheduler batches iteration by iteration, a predictor
 * times each iteration, and metrics observe everything. Owns its clock, ids and random streams, so
 * any number can run in parallel in one JVM. Single use: {@link #run()} once.
 *
 * <pre>{@code SimulationResult r = new Simulator(config).run();}</pre>
 */
public final class Simulator {

    private final SimulatorConfig config;
    private final ModelSpec model;
    private final GpuSpec gpu;
    private final EventQueue queue = new EventQueue();
    private final RandomStreams streams;
    private final MetricsCollector metrics;
    private final RequestSource workload;
    private final Router router;
    private final Replica[] replicas;
    private final ExecutionTimePredictor predictor;
    private final PredictorFactory.Built builtPredictor;
    private final ClusterView view;
    /** The serverless fleet, or null for the always-on cluster. */
    private final ServerlessController serverless;
    private boolean ran;

    /** A simulation of {@code config} with the built-in catalog (plus {@code catalog.file}) and no per-request output. */
    public Simulator(SimulatorConfig config) {
        this(config, catalogOf(config), null, null);
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
        this.config = ConfigValidator.validate(config, catalog, "config");
        this.model = catalog.model(this.config.model().name());
        this.gpu = catalog.gpu(this.config.cluster().gpu());
        this.streams = new RandomStreams(this.config.simulation().randomSeed());
        this.metrics = new MetricsCollector(recordSink);
        this.workload = workload != null ? workload : Workloads.create(this.config, model, streams);
        this.router = Routers.registry().get("cluster.router", this.config.cluster().router())
                .create(streams.stream("routing"));
        this.builtPredictor = PredictorFactory.build(this.config.predictor(), model, gpu, this.config.cluster().tp(),
                catalog);
        this.predictor = builtPredictor.predictor();
        ClusterConfig cl = this.config.cluster();
        KvCapacity cap = kvCapacity();
        var schedulerFactory = Schedulers.registry().get("scheduler.name", this.config.scheduler().name());
        boolean sl = ServerlessConfig.enabled(this.config);
        ServerlessMetrics slMetrics = sl ? new ServerlessMetrics(metrics) : null;
        RequestObserver observer = sl ? slMetrics : metrics;
        this.replicas = new Replica[sl ? this.config.serverless().maxInstances() : cl.replicas()];
        for (int i = 0; i < replicas.length; i++) {
            BlockManager kv = new BlockManager(cap.totalBlocks(), cl.blockSize(), cl.prefixCaching());
            var ctx = new SchedulerContext(i, kv, this.config.scheduler(), model, observer, predictor);
            replicas[i] = new Replica(i, gpu, cl.tp(), schedulerFactory.create(ctx), predictor);
        }
        this.view = new ClusterView() {
            @Override
            public int size() {
                return replicas.length;
            }

            @Override
            public int outstanding(int i) {
                return replicas[i].scheduler().outstanding();
            }

            @Override
            public double kvUtilization(int i) {
                return replicas[i].scheduler().kv().utilization();
            }

            @Override
            public long remainingWork(int i) {
                return replicas[i].scheduler().remainingWorkTokens();
            }

            @Override
            public int cachedPrefixTokens(int i, Request r) {
                BlockManager kv = replicas[i].scheduler().kv();
                return kv.cachedPrefixBlocks(r) * kv.blockSize();
            }
        };
        this.serverless = sl ? new ServerlessController(this.config, model, gpu, replicas, router, queue, metrics,
                slMetrics, this::requestSchedule) : null;
    }

    /** The validated configuration, with derived defaults resolved. */
    public SimulatorConfig config() {
        return config;
    }

    /** KV-cache capacity of each replica. */
    public KvCapacity kvCapacity() {
        ClusterConfig cl = config.cluster();
        return KvCapacity.of(model, gpu, cl.tp(), cl.gpuMemoryUtilization(), cl.blockSize(),
                cl.activationReserveGb(), config.scheduler().maxNumBatchedTokens());
    }

    public ExecutionTimePredictor predictor() {
        return predictor;
    }

    /** How the predictor was chosen and calibrated (mode and notes for reports). */
    public PredictorFactory.Built predictorInfo() {
        return builtPredictor;
    }

    /** Runs the simulation to completion (every request finished or rejected). */
    public SimulationResult run() {
        if (ran) {
            throw new IllegalStateException("a Simulator runs once; create a new one");
        }
        ran = true;
        long wallStart = System.nanoTime();
        Request first = workload.next();
        if (first != null) {
            queue.schedule(first.arrivalNs(), new Event.Arrival(first));
        }
        if (serverless != null) {
            serverless.start();
            if (first == null) {
                serverless.onWorkloadExhausted();
            }
        }
        while (!queue.isEmpty()) {
            EventQueue.Entry e = queue.poll();
            long now = e.time();
            Event ev = e.event();
            if (ev instanceof Event.IterationDone d) {
                Replica r = replicas[d.replica()];
                r.finish(now);
                if (serverless != null) {
                    serverless.onIterationDone(r, now);
                }
                requestSchedule(r, now);
            } else if (ev instanceof Event.Arrival a) {
                onArrival(a.request(), now);
                Request next = workload.next();
                if (next != null) {
                    if (next.arrivalNs() < now) {
                        throw new IllegalStateException("workload went back in time: request " + next.id()
                                + " arrives at " + next.arrivalNs() + " ns, before " + now);
                    }
                    queue.schedule(next.arrivalNs(), new Event.Arrival(next));
                } else if (serverless != null) {
                    serverless.onWorkloadExhausted();
                }
            } else if (ev instanceof Event.Schedule s) {
                Replica r = replicas[s.replica()];
                r.setSchedulePending(false);
                long duration = r.tryStart(now);
                if (duration > 0) {
                    queue.schedule(now + duration, new Event.IterationDone(r.index(), r.iterations()));
                }
            } else if (serverless != null) {
                serverless.onEvent(ev, now);
            }
        }
        long unfinished = metrics.arrived() - metrics.completed() - metrics.rejected();
        if (unfinished != 0) {
            throw new IllegalStateException("simulation stalled with " + unfinished + " requests unfinished");
        }
        double wallS = (System.nanoTime() - wallStart) / 1e9;
        if (serverless != null) {
            SimulationResult base = ResultBuilder.build(config, metrics, serverless.usedReplicas(), queue,
                    workload.adjustments(), builtPredictor, wallS);
            return serverless.decorate(base);
        }
        return ResultBuilder.build(config, metrics, replicas, queue, workload.adjustments(), builtPredictor, wallS);
    }

    private void onArrival(Request r, long now) {
        metrics.onArrival(r, now);
        if ((long) r.promptTokens() + r.outputTokens() > model.maxModelLen()) {
            r.reject();
            metrics.onRejected(r, "exceeds_max_model_len", now);
            return;
        }
        if (serverless != null) {
            serverless.onArrival(r, now);
            return;
        }
        int target = router.route(r, view, now);
        Replica replica = replicas[target];
        String problem = replica.scheduler().admissionProblem(r);
        if (problem != null) {
            r.reject();
            metrics.onRejected(r, problem, now);
            return;
        }
        r.assign(target);
        replica.scheduler().enqueue(r, now);
        requestSchedule(replica, now);
    }

    /** Asks an idle replica to form a batch at {@code now}, after every arrival at the same instant. */
    private void requestSchedule(Replica r, long now) {
        if (!r.busy() && !r.schedulePending()) {
            r.setSchedulePending(true);
            queue.schedule(now, new Event.Schedule(r.index()));
        }
    }
}
