package io.simfaasinfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.PredictorFactory;

import java.util.ArrayList;
import java.util.List;

/** Assembles the typed result. */
final class ResultBuilder {
    private static final ObjectMapper SNAKE = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private ResultBuilder() {
    }

    static SimulationResult build(SimulatorConfig config, MetricsCollector m, Replica[] replicas,
                                  EventQueue queue, java.util.Map<String, Long> adjustments,
                                  PredictorFactory.Built predictor, double wallS) {
        double simS = m.lastFinishNs() / 1e9;
        double window = m.measurementWindowS();
        var requests = new SimulationResult.Requests(m.arrived(), m.completed(), m.rejected(),
                new java.util.TreeMap<>(m.rejectedByReason()), m.preemptions(), m.preemptedRequests(),
                m.measuredArrived(), m.arrived() - m.measuredArrived());
        var throughput = new SimulationResult.Throughput(
                window > 0 ? m.measuredCompleted() / window : 0,
                window > 0 ? m.measuredOutputTokens() / window : 0,
                window > 0 ? m.measuredPromptTokens() / window : 0, window);
        List<SimulationResult.ReplicaStats> stats = new ArrayList<>();
        double mfu = 0;
        double mbu = 0;
        double kvMean = 0;
        double kvPeak = 0;
        double busy = 0;
        long iterations = 0;
        int gpus = 0;
        for (Replica r : replicas) {
            BlockManager kv = r.scheduler().kv();
            double span = Math.max(simS, 1e-12);
            double rMfu = r.flops() / (span * r.gpu().peakFlops() * r.tp());
            double rMbu = r.bytes() / (span * r.gpu().memoryBandwidthBytes() * r.tp());
            double rKv = r.kvBlockNs() / 1e9 / span / kv.totalBlocks();
            double rKvPeak = (double) kv.peakBlocks() / kv.totalBlocks();
            double rBusy = r.busyNs() / 1e9 / span;
            long pre = r.scheduler() instanceof io.simfaasinfer.scheduler.AbstractScheduler a ? a.preemptions() : 0;
            stats.add(new SimulationResult.ReplicaStats(r.index(), r.gpu().name(), r.tp(), kv.totalBlocks(),
                    r.iterations(), r.busyNs() / 1e9, rBusy, rMfu, rMbu, rKv, rKvPeak, pre));
            mfu += rMfu;
            mbu += rMbu;
            kvMean += rKv;
            kvPeak = Math.max(kvPeak, rKvPeak);
            busy += rBusy;
            iterations += r.iterations();
            gpus += r.tp();
        }
        int n = replicas.length;
        var util = new SimulationResult.Utilization(mfu / n, mbu / n, kvMean / n, kvPeak, busy / n);
        double price = replicas[0].gpu().pricePerHour();
        double gpuHours = gpus * simS / 3600.0;
        double cost = gpuHours * price;
        double costPerHour = gpus * price;
        var costs = new SimulationResult.Cost(gpus, price, gpuHours, cost,
                m.completed() > 0 ? cost / m.completed() * 1000 : 0,
                simS > 0 && costPerHour > 0 ? (m.completed() / simS) / costPerHour : 0);
        var sim = new SimulationResult.Simulation(simS, wallS, queue.processed(), iterations,
                config.simulation().randomSeed(), predictor.mode(), predictor.predictor().describe(),
                predictor.notes());
        java.util.Map<String, Long> counters = new java.util.TreeMap<>();
        for (Replica r : replicas) {
            // a counter named *_max is a per-iteration maximum: the largest over replicas, not the sum
            r.scheduler().policyCounters().forEach((k, v) -> counters.merge(k, v,
                    k.endsWith("_max") ? Math::max : Long::sum));
        }
        var scheduling = new SimulationResult.Scheduling(config.scheduler().name(), config.cluster().router(),
                config.scheduler().localPolicy(), counters);
        JsonNode cfg = SNAKE.valueToTree(config);
        if (!io.simfaasinfer.config.ServerlessConfig.enabled(config)) {
            // a disabled serverless section leaves the always-on results exactly as they were
            ((com.fasterxml.jackson.databind.node.ObjectNode) cfg).remove("serverless");
        }
        return new SimulationResult(requests, m.ttft().summary(), m.tbt().summary(), m.tpot().summary(),
                m.e2e().summary(), m.queueDelay().summary(), throughput, util, costs, stats,
                new java.util.TreeMap<>(adjustments), scheduling, sim, cfg,
                WorkloadResults.classes(config, m), WorkloadResults.prefixCache(config, replicas), null);
    }
}
