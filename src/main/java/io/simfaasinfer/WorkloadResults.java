package io.simfaasinfer;

import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.config.ClassConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.kvcache.PrefixCache;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.workload.MixedWorkload;
import io.simfaasinfer.workload.Workloads;

import java.util.List;

/** The per-class and prefix-cache parts of a result. */
final class WorkloadResults {

    private WorkloadResults() {
    }

    static List<SimulationResult.ClassStats> classes(SimulatorConfig config, MetricsCollector m) {
        var w = config.workload();
        List<String> names = Workloads.classNames(w);
        List<Double> slo = w.trace() != null
                ? List.of(w.ttftSloMs() == null ? Double.NaN : w.ttftSloMs())
                : MixedWorkload.classesOf(w).stream()
                        .map(ClassConfig::ttftSloMs).map(s -> s == null ? Double.NaN : s).toList();
        return m.classes().summary(names, slo.stream().map(d -> d.isNaN() ? null : d).toList(), m.slo(),
                m.measurementWindowS());
    }

    static SimulationResult.PrefixCacheStats prefixCache(SimulatorConfig config, Replica[] replicas) {
        long computed = 0;
        long saved = 0;
        long lookups = 0;
        long hits = 0;
        long evicted = 0;
        for (Replica r : replicas) {
            computed += r.prefillTokens();
            PrefixCache p = r.scheduler().kv().prefixCache();
            if (p != null) {
                saved += p.hitTokens();
                lookups += p.lookupBlocks();
                hits += p.hitBlocks();
                evicted += p.evictions();
            }
        }
        boolean enabled = config.deployment() != null
                ? config.deployment().pools().stream().anyMatch(p -> p.prefixCaching())
                : config.cluster().prefixCaching();
        return new SimulationResult.PrefixCacheStats(enabled, computed, saved,
                saved + computed == 0 ? 0 : (double) saved / (saved + computed), lookups, hits,
                lookups == 0 ? 0 : (double) hits / lookups, evicted);
    }
}
