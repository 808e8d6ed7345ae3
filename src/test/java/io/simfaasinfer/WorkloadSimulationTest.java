package io.simfaasinfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.metrics.SimulationResult.ClassStats;
import io.simfaasinfer.report.JsonReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Whole simulations of the synthetic workloads: burstiness against latency, multi-class mixes, determinism. */
class WorkloadSimulationTest {

    private static SimulationResult run(String... sets) {
        return new Simulator(TestConfigs.of(sets), Catalog.builtin(), null, null).run();
    }

    @Test
    void gammaArrivalsWithCvAboveOneRaiseP99TtftOverPoissonAtTheSameRate() {
        for (long seed : new long[] {1, 2, 3}) {
            String[] common = {"simulation.random_seed=" + seed, "workload.num_requests=3000",
                    "workload.prompt_tokens={distribution: fixed, value: 512}",
                    "workload.output_tokens={distribution: fixed, value: 128}"};
            SimulationResult poisson = run(concat(common, "workload.arrival={process: poisson, rate: 8}"));
            SimulationResult gamma = run(concat(common, "workload.arrival={process: gamma, rate: 8, cv: 3}"));
            assertThat(gamma.requests().completed()).isEqualTo(3000);
            // same mean rate (within sampling noise of 3000 gaps) ...
            double pr = 3000 / poisson.simulation().simulatedS();
            double gr = 3000 / gamma.simulation().simulatedS();
            assertThat(gr).isCloseTo(pr, within(pr * 0.25));
            // ... but bursts queue: the tail grows (Kingman: waiting time ~ (ca^2 + cs^2) / 2)
            assertThat(gamma.ttftMs().p99()).as("seed " + seed).isGreaterThan(2 * poisson.ttftMs().p99());
        }
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    @Test
    void multiClassMixReportsEachClassWithItsOwnLengthsAndSlo() {
        List<RequestRecord> records = new ArrayList<>();
        SimulationResult r = new Simulator(TestConfigs.of("workload.num_requests=2000",
                "workload.classes=[{name: chat, arrival: {process: poisson, rate: 4}, "
                        + "prompt_tokens: {distribution: fixed, value: 256}, output_tokens: {distribution: fixed, value: 128}, "
                        + "ttft_slo_ms: 50}, {name: summarise, arrival: {process: gamma, rate: 1, cv: 2}, "
                        + "prompt_tokens: {distribution: fixed, value: 3000}, output_tokens: {distribution: fixed, value: 64}, "
                        + "ttft_slo_ms: 2000}]"), Catalog.builtin(), null, records::add).run();
        List<ClassStats> cs = r.classes();
        assertThat(cs).extracting(ClassStats::name).containsExactly("chat", "summarise");
        ClassStats chat = cs.get(0);
        ClassStats sum = cs.get(1);
        assertThat(chat.arrived() + sum.arrived()).isEqualTo(r.requests().arrived()).isEqualTo(2000);
        assertThat(chat.completed() + sum.completed()).isEqualTo(r.requests().completed());
        // superposed rates 4 : 1
        assertThat((double) chat.arrived() / 2000).isCloseTo(0.8, within(0.04));
        assertThat(chat.meanPromptTokens()).isEqualTo(256);
        assertThat(sum.meanPromptTokens()).isEqualTo(3000);
        assertThat(sum.meanOutputTokens()).isEqualTo(64);
        assertThat(sum.ttftMs().mean()).isGreaterThan(chat.ttftMs().mean());
        assertThat(chat.ttftSloMs()).isEqualTo(50.0);
        // attainment recomputed from the per-request records (classes told apart by prompt length)
        for (ClassStats c : cs) {
            int prompt = c.name().equals("chat") ? 256 : 3000;
            long n = records.stream().filter(x -> x.promptTokens() == prompt).count();
            long met = records.stream().filter(x -> x.promptTokens() == prompt && x.ttftMs() >= 0
                    && x.ttftMs() <= c.ttftSloMs()).count();
            assertThat(c.sloAttainment()).as(c.name()).isCloseTo((double) met / n, within(1e-12));
        }
        assertThat(chat.sloAttainment()).isLessThan(1.0);
    }

    @Test
    void empiricalLengthsComeFromTheTraceWithinMinAndMax() {
        SimulationResult r = run("workload.num_requests=2000", "workload.arrival={process: poisson, rate: 2}",
                "workload.prompt_tokens={distribution: empirical, file: data/traces/azure_llm_2023_conv.csv, "
                        + "min: 100, max: 3000}",
                "workload.output_tokens={distribution: empirical, file: data/traces/azure_llm_2023_conv.csv}");
        assertThat(r.requests().completed()).isEqualTo(2000);
        // azure conv: mean prompt 1154.7, mean output 211.1; clamping at 100 and 3000 moves the mean a little
        assertThat(r.classes().get(0).meanOutputTokens()).isCloseTo(211.1, within(211.1 * 0.08));
        assertThat(r.classes().get(0).meanPromptTokens()).isBetween(1000.0, 1250.0);
        assertThat(r.workloadAdjustments().get("prompt_tokens_clamped")).isPositive();
    }

    private static JsonNode withoutWall(SimulationResult r) throws Exception {
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(JsonReport.toJson(r));
        ((ObjectNode) n.get("simulation")).remove("wall_s");
        return n;
    }

    @Test
    void traceReplayWithPrefixCachingAndSessionsAreDeterministic() throws Exception {
        String[] trace = {"workload.trace.file=data/traces/mooncake_conversation_trace.jsonl",
                "workload.trace.max_requests=1500", "workload.trace.sample=0.5", "model.name=llama-3.1-8b",
                "scheduler.max_num_batched_tokens=131072", "cluster.replicas=3", "cluster.router=prefix_aware",
                "cluster.prefix_caching=true"};
        assertThat(withoutWall(run(trace))).isEqualTo(withoutWall(run(trace)));
        String[] sessions = {"workload.num_requests=500", "workload.arrival={process: on_off, on_rate: 20, "
                + "off_rate: 1, on_mean_s: 5, off_mean_s: 10}", "workload.session={turns: {distribution: uniform, "
                + "min: 1, max: 6}, think_time_s: 3}", "workload.shared_prefix_tokens=200", "cluster.prefix_caching=true"};
        JsonNode a = withoutWall(run(sessions));
        assertThat(a).isEqualTo(withoutWall(run(sessions)));
        assertThat(a).isNotEqualTo(withoutWall(run(concat(sessions, "simulation.random_seed=7"))));
    }
}
