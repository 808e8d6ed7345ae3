package io.simfaasinfer.report;

import io.simfaasinfer.metrics.LatencySummary;
import io.simfaasinfer.metrics.ServerlessResult;

import java.util.Locale;

/** The serverless lines of the terminal summary. */
public final class ServerlessSummary {

    private ServerlessSummary() {
    }

    public static String render(ServerlessResult s) {
        StringBuilder b = new StringBuilder();
        var m = s.coldStartModel();
        b.append(String.format(Locale.ROOT, "serverless: autoscaler %s, warm pool %d, peak %d instances, %d cold starts"
                        + " %s, %d releases, %d alive at end%n", s.autoscaler(), s.warmPool(), s.instancesPeak(),
                s.coldStarts(), s.coldStartsByTier(), s.releases(), s.instancesAliveAtEnd()));
        b.append(String.format(Locale.ROOT, "cold start (%s): %.2f s = container %.2f + framework %.2f + weights"
                        + " %.2f (%.1f GB) + warm-up %.2f%n", m.checkpointTier(), m.totalS().get(m.checkpointTier()),
                m.containerStartS(), m.frameworkInitS(), m.loadS().get(m.checkpointTier()), m.weightGb(),
                m.engineWarmupS()));
        b.append(String.format(Locale.ROOT, "requests: %d waited on a cold start (%.1f%%), queue peak %d, %d rejected"
                        + " (queue full)%n", s.requestsCold(), 100 * s.requestsColdShare(), s.queuePeak(),
                s.rejectedQueueFull()));
        b.append(String.format(Locale.ROOT, "%-14s %9s %9s %9s %9s %9s %9s%n", "TTFT split (ms)", "mean", "p50", "p90",
                "p95", "p99", "max"));
        row(b, "queueing", s.ttftBreakdownMs().queueing());
        row(b, "cold start", s.ttftBreakdownMs().coldStartWait());
        row(b, "prefill", s.ttftBreakdownMs().prefill());
        var i = s.instanceSeconds();
        var c = s.billing();
        b.append(String.format(Locale.ROOT, "instance time: busy %.1f s, idle %.1f s, starting %.1f s; billed %.1f"
                        + " GPU-s = $%.4f ($%.3f/h, $%.4f per 1k requests)%n", i.busy(), i.idle(), i.starting(),
                c.billedGpuSeconds(), c.costUsd(), c.costPerHour(), c.costPer1kRequests()));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, LatencySummary l) {
        b.append(String.format(Locale.ROOT, "%-14s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f%n", name, l.mean(), l.p50(),
                l.p90(), l.p95(), l.p99(), l.max()));
    }
}
