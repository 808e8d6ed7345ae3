package io.simfaasinfer.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simfaasinfer.metrics.LatencySummary;
import io.simfaasinfer.metrics.SimulationResult;

/**
 * The results in the LLM Inference Simulator's JSON shape ({@code --output-schema
 * llm-inference-simulator}), so its scripts keep working: {@code total_requests},
 * {@code completed_requests}, {@code rejected_requests}, {@code simulation_time} (s),
 * {@code throughput.{requests_per_sec, tokens_per_sec}} (output tokens), {@code xpu_utilization}
 * (fraction of time an iteration was running), {@code memory.peak_memory_gb} (one GPU), and {@code first_token_latency} /
 * {@code end_to_end_latency} as {@code {mean, p50, p90, p95, p99}} in seconds, as that simulator
 * writes them (each left out without samples). Our own keys follow under {@code simfaasinfer}.
 */
public final class LlmInferenceSimulatorSchema {

    private LlmInferenceSimulatorSchema() {
    }

    public static ObjectNode toTree(SimulationResult r) {
        var f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("total_requests", r.requests().arrived());
        o.put("completed_requests", r.requests().completed());
        o.put("rejected_requests", r.requests().rejected());
        o.put("simulation_time", r.throughput().windowS());
        ObjectNode t = o.putObject("throughput");
        if (r.throughput().windowS() > 0) {
            t.put("requests_per_sec", r.throughput().requestsPerS());
            t.put("tokens_per_sec", r.throughput().outputTokensPerS());
        }
        o.put("xpu_utilization", r.utilization().iterationRunningFractionMean());
        ObjectNode mem = o.putObject("memory");
        mem.put("peak_memory_gb", r.pools().stream().mapToDouble(SimulationResult.PoolStats::peakMemoryGbPerGpu)
                .max().orElse(0));
        seconds(o, "first_token_latency", r.ttftMs());
        seconds(o, "end_to_end_latency", r.e2eMs());
        o.set("simfaasinfer", JsonReport.tree(r));
        return o;
    }

    private static void seconds(ObjectNode o, String key, LatencySummary l) {
        if (l == null || l.count() == 0) {
            return;
        }
        ObjectNode n = o.putObject(key);
        n.put("mean", l.mean() / 1e3);
        n.put("p50", l.p50() / 1e3);
        n.put("p90", l.p90() / 1e3);
        n.put("p95", l.p95() / 1e3);
        n.put("p99", l.p99() / 1e3);
    }
}
