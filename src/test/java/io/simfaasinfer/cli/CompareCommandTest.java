package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code simfaasinfer compare}: the side-by-side table, its JSON, the ft alias, and bad names. */
class CompareCommandTest {

    @TempDir
    Path tmp;

    private Path base() throws IOException {
        Path f = tmp.resolve("base.yaml");
        Files.writeString(f, """
                simulation: {random_seed: 3}
                workload:
                  num_requests: 80
                  arrival: {process: poisson, rate: 12}
                  prompt_tokens: {distribution: lognormal, mean: 1000, std: 800, max: 3500}
                  output_tokens: {distribution: uniform, min: 32, max: 256}
                  ttft_slo_ms: 500
                scheduler: {max_num_batched_tokens: 4096}
                """);
        return f;
    }

    @Test
    void rowsATraceReplaySkippedAreReportedOnceForAllVariants() throws IOException {
        Path cfg = io.simfaasinfer.TestTraces.oneMalformedRowSkipped(tmp);
        Path trace = tmp.resolve("t.csv");
        Path out = tmp.resolve("cmp.json");
        var run = BadConfigTest.exec("compare", "--config", cfg.toString(), "--schedulers", "vllm,sarathi",
                "--output", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err().lines().filter(l -> l.startsWith("warning: "))).containsExactly(
                "warning: " + trace + ": 1 malformed row skipped (on_malformed: skip); the first on line 3");
        for (JsonNode r : new ObjectMapper().readTree(out.toFile()).path("runs")) {
            assertThat(r.path("result").path("warnings").toString()).contains("1 malformed row skipped");
        }
    }

    @Test
    void printsOneColumnPerSchedulerAndWritesTheirJson() throws IOException {
        Path out = tmp.resolve("cmp.json");
        var run = BadConfigTest.exec("compare", "--config", base().toString(), "--schedulers",
                "vllm,sarathi,orca,ft,faster-transformer", "--output", out.toString(), "--threads", "2");
        assertThat(run.code()).as(run.err()).isZero();
        String[] lines = run.out().split("\n");
        assertThat(lines[0].trim().split("\\s+")).containsExactly("metric", "vllm", "sarathi", "orca", "ft",
                "faster-transformer");
        assertThat(run.out()).contains("TTFT p99 (ms)", "TBT p99 (ms)", "E2E p50 (ms)", "throughput (req/s)",
                "preemptions", "TTFT SLO met (%)");
        JsonNode runs = new ObjectMapper().readTree(out.toFile()).path("runs");
        assertThat(runs).hasSize(5);
        assertThat(runs.get(1).path("scheduler").asText()).isEqualTo("sarathi");
        for (JsonNode r : runs) {
            assertThat(r.path("result").path("requests").path("completed").asLong()).isEqualTo(80);
            assertThat(r.path("ttft_slo_attained").asDouble()).isBetween(0.0, 1.0);
        }
        // ft is faster-transformer under another name: the same simulation
        assertThat(runs.get(3).path("result").path("ttft_ms")).isEqualTo(runs.get(4).path("result").path("ttft_ms"));
        // the table shows what the JSON holds
        double vllmP99 = runs.get(0).path("result").path("tbt_ms").path("p99").asDouble();
        String tbtRow = java.util.Arrays.stream(lines).filter(l -> l.startsWith("TBT p99")).findFirst().orElseThrow();
        assertThat(tbtRow).contains(String.format(java.util.Locale.ROOT, "%.2f", vllmP99));
    }

    @Test
    void theOutputDoesNotDependOnTheThreadCount() throws IOException {
        String cfg = base().toString();
        var one = BadConfigTest.exec("compare", "-c", cfg, "--schedulers", "vllm-v1,lightllm",
                "--local-policies", "fcfs,milp", "--threads", "1");
        var three = BadConfigTest.exec("compare", "-c", cfg, "--schedulers", "vllm-v1,lightllm",
                "--local-policies", "fcfs,milp", "--threads", "3");
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.out()).isEqualTo(three.out()).contains("vllm-v1/milp", "milp solved", "milp fallbacks");
    }

    @Test
    void anUnknownNameIsOneLineListingTheKnownOnesAndWritesNothing() throws IOException {
        Path out = tmp.resolve("cmp.json");
        String cfg = base().toString();
        var run = BadConfigTest.exec("compare", "-c", cfg, "--schedulers", "vllm,sarathy", "-o", out.toString());
        assertThat(run.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.err().strip()).doesNotContain("\n").startsWith("error: --schedulers: unknown scheduler 'sarathy'")
                .contains("faster-transformer", "ft", "lightllm", "orca", "sarathi", "vllm", "vllm-v1");
        assertThat(run.out()).isEmpty();
        assertThat(out).doesNotExist();

        var router = BadConfigTest.exec("compare", "-c", cfg, "--schedulers", "vllm", "--routers", "p2c");
        assertThat(router.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(router.err().strip()).doesNotContain("\n").contains("--routers: unknown router 'p2c'",
                "power_of_two", "least_kv", "shortest_work");
        var policy = BadConfigTest.exec("compare", "-c", cfg, "--schedulers", "vllm", "--local-policies", "lifo");
        assertThat(policy.err().strip()).doesNotContain("\n").contains("--local-policies: unknown local policy 'lifo'",
                "fcfs", "sjf", "srpt", "edf", "milp");
        var empty = BadConfigTest.exec("compare", "-c", cfg, "--schedulers", "vllm,,orca");
        assertThat(empty.code()).isEqualTo(Main.EXIT_BAD_INPUT);
    }
}
