package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.DeploymentConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.deployment.AlwaysOn;
import io.simfaasinfer.deployment.DecodeObserver;
import io.simfaasinfer.deployment.Deployment;
import io.simfaasinfer.deployment.Pool;
import io.simfaasinfer.deployment.Role;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.catalog.StageLayout;
import io.simfaasinfer.kvcache.KvCapacity;
import io.simfaasinfer.pipeline.StageTimes;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import io.simfaasinfer.request.RequestObserver;
import io.simfaasinfer.routing.Router;
import io.simfaasinfer.routing.Routers;
import io.simfaasinfer.scheduler.Schedulers;
import io.simfaasinfer.serverless.ServerlessLifecycle;
import io.simfaasinfer.serverless.ServerlessMetrics;
import io.simfaasinfer.transfer.KvTransferModel;
import io.simfaasinfer.transfer.TransferMode;
import io.simfaasinfer.transfer.TransferStats;
import io.simfaasinfer.validation.AsyncOutputScope;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the {@link Deployment} of a validated configuration: one {@link Pool} per pool of its
 * {@code deployment} (a predictor per GPU type and TP, a scheduler factory, KV capacity, and a
 * lifecycle: {@link AlwaysOn} or {@link ServerlessLifecycle}), the entry router, and for a
 * disaggregated deployment the decode router and the KV transfer model.
 */
final class DeploymentFactory {

    /** What was built: the deployment, each pool's predictor, and the request observer of the entry pools. */
    record Built(Deployment deployment, Map<String, PredictorFactory.Built> predictors,
                 PredictorFactory.Built entryPredictor) {
    }

    private DeploymentFactory() {
    }

    /** @param cache shared predictors, or null to build this run's own */
    static Built build(SimulatorConfig config, ModelSpec model, Catalog catalog, EventQueue queue,
                       MetricsCollector metrics, RandomStreams streams, PredictorFactory.Cache cache) {
        DeploymentConfig d = config.deployment();
        Deployment.Builder b = new Deployment.Builder(queue);
        Map<String, PredictorFactory.Built> byShape = new HashMap<>();
        Map<String, PredictorFactory.Built> predictors = new LinkedHashMap<>();
        Router entryRouter = null;
        Router decodeRouter = null;
        TransferStats stats = null;
        if (d.disaggregated()) {
            var t = d.transfer();
            var tm = KvTransferModel.of(model, t.bandwidthGbS(), t.latencyMs(), TransferMode.parse(t.mode()).orElseThrow());
            stats = new TransferStats(tm, t.bandwidthGbS() == null
                    ? "per prefill replica: 38.5 GB/s per GPU (a 400 Gb/s NIC each), shared by its concurrent transfers"
                    : "per prefill replica, shared by its concurrent transfers");
            String decodeRouterName = d.pools().stream().filter(p -> p.role().equals("decode")).findFirst()
                    .orElseThrow().router();
            decodeRouter = Routers.registry().get("deployment.decode_global", decodeRouterName)
                    .create(streams.stream("decode-routing"));
            b.disaggregated(decodeRouter, tm, stats);
        }
        PredictorFactory.Built entryPredictor = null;
        // entry pools first (their router is the entry stage's), decode pools after
        for (boolean decodePass : new boolean[] {false, true}) {
            for (DeploymentConfig.PoolConfig pc : d.pools()) {
                Role role = Role.parse(pc.role()).orElseThrow();
                if ((role == Role.DECODE) != decodePass) {
                    continue;
                }
                GpuSpec gpu = catalog.gpu(pc.gpu());
                PredictorFactory.Built pred = byShape.computeIfAbsent(gpu.name() + "/tp" + pc.tp(),
                        k -> cache != null ? cache.get(config.predictor(), model, gpu, pc.tp(), catalog)
                                : PredictorFactory.build(config.predictor(), model, gpu, pc.tp(), catalog));
                predictors.put(pc.name(), pred);
                if (entryPredictor == null) {
                    entryPredictor = pred;
                }
                if (entryRouter == null && role != Role.DECODE) {
                    entryRouter = Routers.registry().get("cluster.router", pc.router()).create(streams.stream("routing"));
                }
                var sc = pc.scheduler();
                KvCapacity cap = KvCapacity.of(model, gpu, pc.tp(), pc.pp(), pc.gpuMemoryUtilization(),
                        config.cluster().blockSize(), pc.activationReserveGb(), sc.maxNumBatchedTokens());
                StageTimes stages = pc.pp() == 1 ? null
                        : new StageTimes(StageLayout.of(model.numLayers(), pc.pp()), model, gpu, pred.predictor());
                ServerlessMetrics sm = pc.serverless() ? new ServerlessMetrics(metrics) : null;
                RequestObserver own = sm != null ? sm : metrics;
                RequestObserver observer = role == Role.DECODE ? new DecodeObserver(own, stats) : own;
                // vLLM V0's asynchronous output processing where it applies (mixed, unpipelined, not vllm-v1)
                boolean outputsLate = AsyncOutputScope.outputsOneStepLate(config.predictor(), pc);
                var spec = new Pool.Spec(pc.name(), role, gpu, pc.tp(), model,
                        Schedulers.registry().get("scheduler.name", sc.name()), sc, pc.router(), cap,
                        config.cluster().blockSize(), pc.prefixCaching(), pred, observer, stages, outputsLate);
                final Router router = role == Role.DECODE ? decodeRouter : entryRouter;
                Pool pool = b.add(spec, pc.replicas(), p -> pc.serverless()
                        ? new ServerlessLifecycle(config.serverless(), model, gpu, pc.gpusPerReplica(),
                        sc.maxNumSeqs() * pc.pp(), p, router,
                        queue, metrics, sm, () -> metrics.arrived() == metrics.completed() + metrics.rejected())
                        : new AlwaysOn(p, pc.replicas()));
                if (pc.pp() > 1 && !pool.supportsSharedBlocks()) {
                    boolean shorthand = d.pools().size() == 1 && pc.name().equals("main"); // the cluster section's pool
                    throw new ConfigException("config", shorthand ? "scheduler.name"
                            : "deployment.pools." + d.pools().indexOf(pc) + ".scheduler.name",
                            "scheduler '" + sc.name() + "' cannot run pipelined replicas (pp=" + pc.pp() + "): its"
                                    + " admission bound counts only the requests it admitted, and the pp virtual engines"
                                    + " share one block pool; use vllm, vllm-v1, sarathi, orca or faster-transformer");
                }
                if (role != Role.MIXED && !pool.supportsDisaggregation()) {
                    throw new ConfigException("config", "deployment.pools." + d.pools().indexOf(pc) + ".scheduler.name",
                            "scheduler '" + sc.name() + "' cannot serve a " + role.label() + " pool ("
                                    + (role == Role.DECODE ? "it cannot take in transferred KV caches under its own"
                                    + " memory rule; use vllm, vllm-v1, sarathi, orca or faster-transformer"
                                    : "it does not hand off KV caches") + ")");
                }
            }
        }
        return new Built(b.build(entryRouter), predictors, entryPredictor);
    }
}
