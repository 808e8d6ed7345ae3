package io.simfaasinfer.report;

import io.simfaasinfer.metrics.SimulationResult;

import java.util.Locale;

/** The per-class and prefix-cache lines of the text summary. */
final class WorkloadSummary {

    private WorkloadSummary() {
    }

    static void render(StringBuilder b, SimulationResult r) {
        var classes = r.classes();
        if (classes != null && (classes.size() > 1 || classes.stream().anyMatch(c -> c.ttftSloMs() != null))) {
            b.append(String.format(Locale.ROOT, "%-14s %9s %9s %9s %9s %9s %9s %9s%n", "class", "arrived",
                    "completed", "TTFT mean", "TTFT p99", "TPOT mean", "E2E p99", "SLO met"));
            for (var c : classes) {
                b.append(String.format(Locale.ROOT, "%-14s %9d %9d %9.2f %9.2f %9.2f %9.2f %9s%n", c.name(),
                        c.arrived(), c.completed(), c.ttftMs().mean(), c.ttftMs().p99(), c.tpotMs().mean(),
                        c.e2eMs().p99(), c.sloAttainment() == null ? "-"
                                : String.format(Locale.ROOT, "%.1f%%", 100 * c.sloAttainment())));
            }
        }
        var p = r.prefixCache();
        if (p != null && p.enabled()) {
            b.append(String.format(Locale.ROOT, "prefix cache: %.1f%% of prompt tokens cached (%d saved, %d computed),"
                            + " block hit rate %.1f%%, %d blocks evicted%n", 100 * p.tokenHitRate(),
                    p.prefillTokensSaved(), p.prefillTokensComputed(), 100 * p.blockHitRate(), p.evictedBlocks()));
        }
    }
}
