package io.simfaasinfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.deployment.Deployment;
import io.simfaasinfer.deployment.Pool;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import io.simfaasinfer.scheduler.AbstractScheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Assembles the typed result: requests and latencies, then per replica, per pool and for the whole deployment. */
final class ResultBuilder {
    private static final ObjectMapper SNAKE = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private ResultBuilder() {
    }

    static void warmUp(SimulatorConfig config) {
        SNAKE.valueToTree(config);
    }

    static SimulationResult build(SimulatorConfig config, MetricsCollector m, Deployment deployment,
                                  Map<String, PredictorFactory.Built> predictors, PredictorFactory.Built entryPredictor,
                                  EventQueue queue, Map<String, Long> adjustments, double wallS) {
        double simS = m.lastFinishNs() / 1e9;
        double span = Math.max(simS, 1e-12);
        double window = m.measurementWindowS();
        var requests = new SimulationResult.Requests(m.arrived(), m.completed(), m.rejected(),
                new TreeMap<>(m.rejectedByReason()), m.preemptions(), m.preemptedRequests(),
                m.measuredArrived(), m.arrived() - m.measuredArrived());
        var throughput = new SimulationResult.Throughput(
                window > 0 ? m.measuredCompleted() / window : 0,
                window > 0 ? m.measuredOutputTokens() / window : 0,
                window > 0 ? m.measuredPromptTokens() / window : 0, window);
        List<SimulationResult.ReplicaStats> stats = new ArrayList<>();
        List<SimulationResult.PoolStats> pools = new ArrayList<>();
        List<Replica> all = new ArrayList<>();
        double mfu = 0;
        double mbu = 0;
        double kvMean = 0;
        double kvPeak = 0;
        double busy = 0;
        long iterations = 0;
        int gpus = 0;
        double cost = 0;
        double gpuHours = 0;
        Map<String, Long> counters = new TreeMap<>();
        for (Pool pool : deployment.pools()) {
            double pMfu = 0;
            double pMbu = 0;
            double pKv = 0;
            double pKvPeak = 0;
            double pBusy = 0;
            long pIter = 0;
            int pPeakBlocks = 0;
            List<Replica> rs = pool.lifecycle().replicas();
            for (Replica r : rs) {
                BlockManager kv = r.scheduler().kv();
                double rMfu = r.flops() / (span * r.gpu().peakFlops() * r.gpus());
                double rMbu = r.bytes() / (span * r.gpu().memoryBandwidthBytes() * r.gpus());
                double rKv = r.kvBlockNs() / 1e9 / span / kv.totalBlocks();
                double rKvPeak = (double) kv.peakBlocks() / kv.totalBlocks();
                double rBusy = r.busyNs() / 1e9 / span;
                long pre = r.scheduler() instanceof AbstractScheduler a ? a.preemptions()
                        : r.scheduler() instanceof io.simfaasinfer.pipeline.VirtualEngines v ? v.preemptions() : 0;
                stats.add(new SimulationResult.ReplicaStats(r.index(), pool.name(), r.gpu().name(), r.tp(),
                        kv.totalBlocks(), r.iterations(), r.busyNs() / 1e9, rBusy, rMfu, rMbu, rKv, rKvPeak, pre));
                pMfu += rMfu;
                pMbu += rMbu;
                pKv += rKv;
                pKvPeak = Math.max(pKvPeak, rKvPeak);
                pPeakBlocks = Math.max(pPeakBlocks, kv.peakBlocks());
                pBusy += rBusy;
                pIter += r.iterations();
                // a counter named *_max is a per-iteration maximum: the largest over replicas, not the sum
                r.scheduler().policyCounters().forEach((k, v) -> counters.merge(k, v,
                        k.endsWith("_max") ? Math::max : Long::sum));
                all.add(r);
            }
            var spec = pool.spec();
            int n = Math.max(1, rs.size());
            int provisioned = pool.lifecycle().provisionedReplicas();
            double price = spec.gpu().pricePerHour();
            double pHours = provisioned * spec.gpusPerReplica() * simS / 3600.0;
            pools.add(new SimulationResult.PoolStats(pool.name(), pool.role().label(), pool.lifecycle().name(),
                    spec.gpu().name(), spec.tp(), rs.size(), rs.size() * spec.gpusPerReplica(), spec.schedulerConfig().name(),
                    spec.router(), spec.schedulerConfig().localPolicy(), spec.capacity().totalBlocks(), pIter,
                    pBusy / n, pMfu / n, pMbu / n, pKv / n, pKvPeak, pHours, price, pHours * price,
                    (spec.capacity().weightBytes() + spec.capacity().activationBytes() + pPeakBlocks
                            * spec.capacity().blockBytes()) / 1e9,
                    predictors.get(pool.name()).predictor().describe(), spec.pp(), spec.outputsOneStepLate()));
            mfu += pMfu;
            mbu += pMbu;
            kvMean += pKv;
            kvPeak = Math.max(kvPeak, pKvPeak);
            busy += pBusy;
            iterations += pIter;
            gpus += provisioned * spec.gpusPerReplica();
            gpuHours += pHours;
            cost += pHours * price;
        }
        int n = Math.max(1, all.size());
        var util = new SimulationResult.Utilization(mfu / n, mbu / n, kvMean / n, kvPeak, busy / n);
        double costPerHour = simS > 0 ? cost / (simS / 3600.0) : 0;
        double price = gpuHours > 0 ? cost / gpuHours : deployment.pools().get(0).spec().gpu().pricePerHour();
        var costs = new SimulationResult.Cost(gpus, price, gpuHours, cost,
                m.completed() > 0 ? cost / m.completed() * 1000 : 0,
                simS > 0 && costPerHour > 0 ? (m.completed() / simS) / costPerHour : 0);
        var sim = new SimulationResult.Simulation(simS, wallS, queue.processed(), iterations,
                config.simulation().randomSeed(), entryPredictor.mode(), entryPredictor.predictor().describe(),
                entryPredictor.notes());
        Pool entry = deployment.pools().get(0);
        var scheduling = new SimulationResult.Scheduling(entry.spec().schedulerConfig().name(), entry.spec().router(),
                entry.spec().schedulerConfig().localPolicy(), counters);
        JsonNode cfg = SNAKE.valueToTree(config);
        if (!ServerlessConfig.enabled(config)) {
            // a disabled serverless section leaves the always-on results exactly as they were
            ((ObjectNode) cfg).remove("serverless");
        }
        if (config.scheduler().numSchedulerSteps() == 1 && cfg.get("scheduler") instanceof ObjectNode sch) {
            // single-step scheduling (the default) leaves the echoed configuration exactly as it was
            sch.remove("num_scheduler_steps");
        }
        var split = new SimulationResult.TtftSplit(m.queueDelay().summary(), m.ttftPrefill().summary());
        return new SimulationResult(requests, m.ttft().summary(), m.tbt().summary(), m.tpot().summary(),
                m.e2e().summary(), m.queueDelay().summary(), split, throughput, util, costs,
                deployment.disaggregated() ? "disaggregated" : "aggregated", pools,
                deployment.transferStats() == null ? null : deployment.transferStats().result(), stats,
                new TreeMap<>(adjustments), scheduling, sim, cfg,
                WorkloadResults.classes(config, m), WorkloadResults.prefixCache(config, all.toArray(new Replica[0])),
                null, m.slo().summary(window), List.of());
    }
}
