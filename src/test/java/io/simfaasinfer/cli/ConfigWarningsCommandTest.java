package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Configuration warnings through the CLI: the run goes on, stderr names each key, the JSON lists them. */
class ConfigWarningsCommandTest {

    @TempDir
    Path tmp;

    private Path config() throws IOException {
        Path f = tmp.resolve("my.yaml");
        Files.writeString(f, """
                workload:
                  num_requests: 40
                  arrival: {process: poisson, rate: 5}
                scheduler:
                  chunk_size: 256
                """);
        return f;
    }

    private static List<String> warnings(JsonNode n) {
        return StreamSupport.stream(n.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void runExitsZeroAndReportsTheWarningOnStderrInTheJsonAndInTheSummary() throws IOException {
        Path cfg = config();
        Path out = tmp.resolve("r.json");
        var run = BadConfigTest.exec("run", "--config", cfg.toString(), "--set", "scheduler.milp_max_candidates=8",
                "--output", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        String chunk = cfg + ":5: scheduler.chunk_size has no effect with scheduler 'vllm' (used by: sarathi)";
        String milp = "--set scheduler.milp_max_candidates=8: scheduler.milp_max_candidates has no effect with"
                + " local policy 'fcfs' (used by: milp)";
        assertThat(run.err().lines().toList()).containsExactly("warning: " + chunk, "warning: " + milp);
        JsonNode json = new ObjectMapper().readTree(out.toFile());
        assertThat(warnings(json.path("warnings"))).containsExactly(chunk, milp);
        assertThat(json.path("requests").path("completed").asLong()).isEqualTo(40);
        assertThat(run.out()).contains("warnings: 2 on the configuration");
    }

    @Test
    void aRunWithoutInapplicableKeysHasAnEmptyWarningsListAndQuietStderr() throws IOException {
        var run = BadConfigTest.exec("run", "--config", config().toString(), "--scheduler", "sarathi", "--json");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("warnings").isArray()).isTrue();
        assertThat(json.path("warnings")).isEmpty();
    }

    @Test
    void compareWarnsOnlyAboutKeysNoComparedSchedulerUses() throws IOException {
        // chunk_size is used by sarathi, so it is not flagged; milp_max_candidates is used by none
        Path out = tmp.resolve("cmp.json");
        var run = BadConfigTest.exec("compare", "--config", config().toString(), "--schedulers", "vllm,sarathi",
                "--set", "scheduler.milp_max_candidates=8", "--threads", "1", "--output", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        String milp = "--set scheduler.milp_max_candidates=8: scheduler.milp_max_candidates has no effect with"
                + " local policy 'fcfs' (used by: milp)";
        assertThat(run.err().lines().toList()).containsExactly("warning: " + milp);
        JsonNode runs = new ObjectMapper().readTree(out.toFile()).path("runs");
        for (JsonNode r : runs) {
            assertThat(warnings(r.path("result").path("warnings"))).containsExactly(milp);
        }
    }
}
