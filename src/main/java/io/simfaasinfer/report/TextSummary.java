package io.simfaasinfer.report;

import io.simfaasinfer.metrics.LatencySummary;
import io.simfaasinfer.metrics.SimulationResult;

import java.util.Locale;

/** A human-readable summary of a run for the terminal. */
public final class TextSummary {

    private TextSummary() {
    }

    public static String render(SimulationResult r) {
        StringBuilder b = new StringBuilder();
        var c = r.config();
        var sl = c.path("serverless");
        String fleet = r.serverless() == null ? String.valueOf(c.path("cluster").path("replicas").asInt())
                : "serverless " + sl.path("min_instances").asInt() + "-" + sl.path("max_instances").asInt();
        var pools = r.pools();
        if (pools == null || pools.size() <= 1) {
            int pp = pools != null && pools.size() == 1 ? pools.get(0).pp() : c.path("cluster").path("pp").asInt(1);
            b.append(String.format(Locale.ROOT, "SimFaaSInfer: %s on %s x %s (tp=%d%s), scheduler %s, router %s, local policy %s%n",
                    modelLabel(c), fleet,
                    c.path("cluster").path("gpu").asText(), c.path("cluster").path("tp").asInt(), pp > 1 ? ", pp=" + pp : "",
                    c.path("scheduler").path("name").asText(), c.path("cluster").path("router").asText(),
                    c.path("scheduler").path("local_policy").asText("fcfs")));
        } else {
            b.append(String.format(Locale.ROOT, "SimFaaSInfer: %s, %s deployment of %s%n",
                    modelLabel(c), r.deployment(), String.join(" + ", pools.stream()
                            .map(p -> String.format(Locale.ROOT, "%s %d x %s (tp=%d%s, %s, %s)", p.role(), p.replicas(),
                                    p.gpu(), p.tp(), p.pp() > 1 ? ", pp=" + p.pp() : "", p.scheduler(), p.router()))
                            .toList())));
        }
        if (pools != null && pools.stream().anyMatch(SimulationResult.PoolStats::outputsOneStepLate)) {
            b.append(String.format(Locale.ROOT, "outputs: one engine step late%s (vLLM V0's asynchronous output"
                    + " processing: TTFT and E2E include the next step; --no-async-output-proc)%n",
                    pools.size() > 1 ? " in " + String.join(", ", pools.stream().filter(SimulationResult.PoolStats::outputsOneStepLate)
                            .map(SimulationResult.PoolStats::name).toList()) : ""));
        }
        if (r.warnings() != null && !r.warnings().isEmpty()) {
            b.append(String.format(Locale.ROOT, "warnings: %d on the configuration (keys read under another name"
                    + " or with no effect; on stderr and in the JSON's warnings)%n", r.warnings().size()));
        }
        var q = r.requests();
        b.append(String.format(Locale.ROOT, "requests: %d arrived, %d completed, %d rejected%s, %d preemptions"
                        + " (%d requests), %d warm-up excluded%n",
                q.arrived(), q.completed(), q.rejected(), q.rejectedByReason().isEmpty() ? "" : " " + q.rejectedByReason(),
                q.preemptions(), q.preemptedRequests(), q.warmupExcluded()));
        r.workloadAdjustments().forEach((k, v) -> {
            if (v > 0) {
                b.append(String.format(Locale.ROOT, "workload: %d %s%n", v, k.replace('_', ' ')));
            }
        });
        var sch = r.scheduling();
        if (sch != null && !sch.localPolicyCounters().isEmpty()) {
            // the scheduler's own counters (multi-step runs) share the section with the local policy's
            counters(b, "local policy " + sch.localPolicy(), sch.localPolicyCounters(), false);
            counters(b, "scheduler (multi-step)", sch.localPolicyCounters(), true);
        }
        b.append(String.format(Locale.ROOT, "%-14s %9s %9s %9s %9s %9s %9s%n", "latency (ms)", "mean", "p50", "p90",
                "p95", "p99", "max"));
        row(b, "TTFT", r.ttftMs());
        row(b, "TBT", r.tbtMs());
        row(b, "TPOT", r.tpotMs());
        row(b, "E2E", r.e2eMs());
        row(b, "queue delay", r.queueDelayMs());
        if (r.ttftSplitMs() != null) {
            row(b, "TTFT prefill", r.ttftSplitMs().prefill()); // TTFT = queue delay + this, per request
        }
        var t = r.throughput();
        b.append(String.format(Locale.ROOT, "throughput: %.2f req/s, %.1f output tok/s, %.1f prompt tok/s%n",
                t.requestsPerS(), t.outputTokensPerS(), t.inputTokensPerS()));
        if (r.slo() != null) {
            var o = r.slo();
            b.append(String.format(Locale.ROOT, "slo: TTFT %s, TPOT %s, E2E %s, all %s of %d measured; goodput %.2f req/s%n",
                    pct(o.ttftAttainment()), pct(o.tpotAttainment()), pct(o.e2eAttainment()), pct(o.attainment()),
                    o.measured(), o.goodputRequestsPerS()));
        }
        var u = r.utilization();
        b.append(String.format(Locale.ROOT, "utilization: iteration running %.1f%%, MFU %.1f%%, MBU %.1f%%, KV cache mean %.1f%%"
                        + " peak %.1f%%%n", 100 * u.iterationRunningFractionMean(), 100 * u.mfuMean(), 100 * u.mbuMean(),
                100 * u.kvCacheUtilMean(), 100 * u.kvCacheUtilPeak()));
        var k = r.cost();
        if (r.serverless() == null) {
            b.append(String.format(Locale.ROOT, "cost: %d GPUs x %.3f h = %.3f GPU-h, $%.4f ($%.4f per 1k requests,"
                            + " %.3f QPS per $/h)%n", k.gpus(), k.gpuHours() / Math.max(1, k.gpus()), k.gpuHours(),
                    k.costUsd(), k.costPer1kRequests(), k.qpsPerDollar()));
        } else {
            b.append(String.format(Locale.ROOT, "cost: %.3f billed GPU-h (peak %d GPUs), $%.4f ($%.4f per 1k requests,"
                            + " %.3f QPS per $/h)%n", k.gpuHours(), k.gpus(), k.costUsd(), k.costPer1kRequests(),
                    k.qpsPerDollar()));
        }
        if (pools != null && pools.size() > 1) {
            PoolTable.render(b, r);
        }
        WorkloadSummary.render(b, r);
        var s = r.simulation();
        b.append("predictor: ").append(s.predictor()).append(System.lineSeparator());
        for (String note : s.predictorNotes()) {
            b.append("  ").append(note).append(System.lineSeparator());
        }
        b.append(String.format(Locale.ROOT, "simulated %.1f s in %.2f s wall (%d events, %d iterations, seed %d)%n",
                s.simulatedS(), s.wallS(), s.events(), s.iterations(), s.seed()));
        if (r.serverless() != null) {
            b.append(ServerlessSummary.render(r.serverless()));
        }
        return TextWrap.wrap(b.toString(), TextWrap.WIDTH);
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** One line of {@code counters}: those named multi_step_* ({@code multiStep}) or the others; none: no line. */
    private static void counters(StringBuilder b, String label, java.util.Map<String, Long> counters, boolean multiStep) {
        var shown = counters.entrySet().stream().filter(e -> e.getKey().startsWith("multi_step_") == multiStep)
                .map(e -> e.getValue() + " " + e.getKey().replace('_', ' ')).toList();
        if (!shown.isEmpty()) {
            b.append(label).append(": ").append(String.join(", ", shown)).append(System.lineSeparator());
        }
    }

    private static void row(StringBuilder b, String name, LatencySummary l) {
        b.append(String.format(Locale.ROOT, "%-14s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f%n", name, l.mean(), l.p50(),
                l.p90(), l.p95(), l.p99(), l.max()));
    }

    /** The model's name, with its number formats when either is not the catalogued one: "llama-2-7b (fp8, KV fp8)". */
    private static String modelLabel(com.fasterxml.jackson.databind.JsonNode c) {
        String name = c.path("model").path("name").asText();
        String w = c.path("model").path("dtype").asText("auto");
        String kv = c.path("model").path("kv_cache_dtype").asText("auto");
        if (w.equals("auto") && kv.equals("auto")) {
            return name;
        }
        return name + " (" + (w.equals("auto") ? "weights as catalogued" : w) + (kv.equals("auto") ? "" : ", KV " + kv) + ")";
    }
}
