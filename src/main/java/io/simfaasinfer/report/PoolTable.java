package io.simfaasinfer.report;

import io.simfaasinfer.metrics.SimulationResult;

import java.util.List;
import java.util.Locale;

/** The pools of a deployment side by side, and its KV transfers, for the terminal summary and {@code compare}. */
public final class PoolTable {

    private PoolTable() {
    }

    /** Appends one row per pool and, when disaggregated, one line of KV-transfer figures. */
    public static void render(StringBuilder b, SimulationResult r) {
        b.append(String.format(Locale.ROOT, "%-12s %-8s %-11s %3s %8s %9s %6s %6s %8s %9s %10s%n", "pool", "role", "gpu",
                "tp", "replicas", "iterating", "MFU", "MBU", "KV peak", "GPU-h", "cost $"));
        for (SimulationResult.PoolStats p : r.pools()) {
            b.append(String.format(Locale.ROOT, "%-12s %-8s %-11s %3d %8d %8.1f%% %5.1f%% %5.1f%% %7.1f%% %9.3f %10.4f%n",
                    p.name(), p.role(), p.gpu(), p.tp(), p.replicas(), 100 * p.iterationRunningFractionMean(), 100 * p.mfuMean(),
                    100 * p.mbuMean(), 100 * p.kvCacheUtilPeak(), p.gpuHours(), p.costUsd()));
        }
        transfer(b, r.kvTransfer());
    }

    static void transfer(StringBuilder b, SimulationResult.KvTransfer t) {
        if (t == null) {
            return;
        }
        String bw = t.bandwidthGbS() == null ? "38.5 GB/s per prefill GPU"
                : String.format(Locale.ROOT, "%.1f GB/s per prefill replica", t.bandwidthGbS());
        b.append(String.format(Locale.ROOT, "kv transfer (%s, %s + %.3f ms per transfer): %d transfers, %.2f GB,"
                        + " time mean %.3f ms p99 %.3f ms, %d waits for decode memory, %.1f%% of the first token gap%n",
                t.mode(), bw, t.latencyMs(), t.transfers(), t.bytes() / 1e9, t.timeMs().mean(),
                t.timeMs().p99(), t.waitsForDecodeMemory(), 100 * t.shareOfFirstTokenGap()));
    }

    /** One cell per pool: "name: N x gpu (tp=T)". */
    public static String brief(List<SimulationResult.PoolStats> pools) {
        return String.join(" + ", pools.stream().map(p -> String.format(Locale.ROOT, "%s %dx%s tp%d%s", p.name(),
                p.replicas(), p.gpu(), p.tp(), p.pp() > 1 ? " pp" + p.pp() : "")).toList());
    }
}
