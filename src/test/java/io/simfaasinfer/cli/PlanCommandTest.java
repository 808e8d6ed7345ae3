package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code simfaasinfer plan} end to end: files, flags, outputs, bad input. */
class PlanCommandTest {

    @TempDir
    Path tmp;

    private static final String REQUEST = """
            model: llama-2-7b
            workload:
              arrival_rate_range: [1, 80]
              prompt_length: {distribution: uniform, min: 64, max: 1024}
              output_length: {distribution: uniform, min: 16, max: 256}
            constraints:
              max_ttft_p95_ms: 400
            config_space:
              gpu_types: [A100, H100]
              num_replicas: [1, 2]
            simulation: {duration: 30, warmup_duration: 5, random_seed: 3}
            """;

    @Test
    void aRequestFileWithFlagsGivesThePlanTheReportAndThePlot() throws IOException {
        Path req = tmp.resolve("req.yaml");
        Files.writeString(req, REQUEST);
        Path out = tmp.resolve("plan.json");
        Path sum = tmp.resolve("plan.txt");
        Path png = tmp.resolve("plan.png");
        var r = BadConfigTest.exec("plan", "--request", req.toString(), "--gpu-types", "H100", "--max-cost", "10",
                "--tbt-slo", "150ms", "--jobs", "2", "-o", out.toString(), "--summary", sum.toString(), "--plot",
                png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("plan: 2 candidates in 1 families, 2 jobs").contains("confirming");
        assertThat(r.out()).contains("CAPACITY PLANNING REPORT", "RECOMMENDED CONFIGURATION", "PERFORMANCE ESTIMATES",
                "COST ANALYSIS", "SLO COMPLIANCE", "ALTERNATIVE CONFIGURATIONS", "RECOMMENDATION");
        assertThat(Files.readString(sum)).isEqualTo(r.out().substring(0, r.out().indexOf("plan: " + out)));
        assertThat(Files.size(png)).isPositive();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        for (String k : new String[] {"timestamp", "input_profile", "best_configuration", "pareto_frontier",
            "all_candidates", "summary"}) {
            assertThat(j.has(k)).as(k).isTrue();
        }
        JsonNode best = j.path("best_configuration");
        assertThat(best.path("gpu_type").asText()).isEqualTo("h100-80gb");
        for (String k : new String[] {"num_gpus_per_replica", "tensor_parallel", "pipeline_parallel", "num_replicas",
            "total_gpus", "scheduler", "max_batch_size"}) {
            assertThat(best.has(k)).as(k).isTrue();
        }
        for (String k : new String[] {"max_sustainable_qps", "p50_latency_ms", "p95_latency_ms", "p99_latency_ms",
            "p95_ttft_ms", "p99_tbt_ms", "mean_mfu", "mean_memory_util"}) {
            assertThat(best.path("performance").has(k)).as(k).isTrue();
        }
        assertThat(best.path("cost").has("cost_per_1k_requests")).isTrue();
        assertThat(best.path("slo_compliance").path("meets_all_slos").asBoolean()).isTrue();
        assertThat(best.path("slo_compliance").path("tbt_slo_met").asBoolean()).isTrue();
        assertThat(best.path("run_command").asText()).startsWith("./simfaasinfer run --set ");
        assertThat(j.path("summary").path("num_configs_evaluated").asInt()).isEqualTo(2);
    }

    @Test
    void splitWorkloadAndConstraintsFilesOverrideTheRequest() throws IOException {
        Path req = tmp.resolve("req.yaml");
        Files.writeString(req, REQUEST);
        Path w = tmp.resolve("w.yaml");
        Files.writeString(w, "workload:\n  arrival_rate_range: [2, 40]\n");
        Path c = tmp.resolve("c.yaml");
        Files.writeString(c, "max_ttft_p95_ms: 5\n");
        Path out = tmp.resolve("plan.json");
        var r = BadConfigTest.exec("plan", "--request", req.toString(), "--workload", w.toString(), "--constraints",
                c.toString(), "--gpu-types", "H100", "-q", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero(); // no candidate meets 5 ms: a plan, not an error
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertThat(j.path("best_configuration").isNull()).isTrue();
        assertThat(j.path("closest_candidates").size()).isPositive();
        assertThat(j.path("closest_candidates").get(0).path("reason").asText())
                .contains("fails even at the lowest rate, 2.00 req/s").contains("relax max_ttft_p95_ms to");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key|constraints: {max_ttft_p95: 3}||constraints.max_ttft_p95: unknown key; expected one of",
        "bad range|workload: {arrival_rate_range: [5, 1]}||workload.arrival_rate_range: expected [low, high]",
        "unknown GPU|config_space: {gpu_types: [Z80]}||config_space.gpu_types: unknown GPU 'Z80'",
        "empty space|config_space: {num_gpus: [3], tensor_parallel: [2], num_replicas: [1, 2]}||config_space: no"
            + " candidate",
        "all over budget|config_space: {gpu_types: [H100]}|--max-cost 1|config_space: every one of the 3 candidates is"
            + " filtered out (3 over budget; the cheapest costs $2.99/h)",
        "bad split|config_space: {prefill_decode_splits: ['1-1']}||config_space.prefill_decode_splits: expected"
            + " prefill:decode",
        "bad duration flag|model: llama-2-7b|--ttft-slo soon|--ttft-slo: expected a duration",
        "no model|workload: {arrival_rate_range: [1, 2]}|--set model=null|model: missing",
        "not yaml|: : :||not valid YAML"})
    void badRequestsAreOneLineExitTwoAndNoOutput(String name, String yaml, String flags, String expected)
            throws IOException {
        Path req = tmp.resolve("bad.yaml");
        Files.writeString(req, (yaml.startsWith("model") || yaml.startsWith(":") ? "" : "model: llama-2-7b\n") + yaml
                + "\n");
        Path out = tmp.resolve("plan.json");
        var args = new java.util.ArrayList<>(java.util.List.of("plan", "--request", req.toString(), "-o", out.toString()));
        if (flags != null && !flags.isBlank()) {
            args.addAll(java.util.List.of(flags.trim().split(" +")));
        }
        var r = BadConfigTest.exec(args.toArray(new String[0]));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("error: ").contains(expected)
                .doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }
}
