package io.simfaasinfer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Pipeline parallelism from the command line: pp=1 changes nothing, bad pp is one line and exit 2. */
class PipelineCliTest {

    @TempDir
    Path tmp;

    /**
     * The per-request CSV of bench/vllm-4xh100.yaml (400 requests) as written before pipeline parallelism
     * existed (golden files from commit 92efa95): with pp = 1, default or explicit, every timestamp is the same.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"vllm, ''", "vllm, --pp=1", "sarathi, ''", "sarathi, --set=cluster.pp=1"})
    void pp1GivesExactlyThePerRequestResultsOfBefore(String scheduler, String extra) throws IOException {
        Path csv = tmp.resolve("requests.csv");
        var args = new java.util.ArrayList<>(java.util.List.of("run", "--config", "bench/vllm-4xh100.yaml",
                "--set", "workload.num_requests=400", "--set", "scheduler.name=" + scheduler,
                "--requests-out", csv.toString()));
        if (!extra.isEmpty()) {
            args.add(extra);
        }
        var r = BadConfigTest.exec(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        try (InputStream golden = getClass().getResourceAsStream("/golden/pp1/" + scheduler + "-4xh100-400.csv")) {
            assertThat(Files.readString(csv)).isEqualTo(new String(golden.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--pp=0|cluster.pp: expected a positive integer (pipeline stages per replica), got 0",
        "--pp=33|cluster.pp: pp=33 exceeds the 32 layers of llama-2-7b (every pipeline stage holds at least one layer)",
        "--set=deployment={pools: [{name: a, pp: 40}]}|deployment.pools.0.pp: pp=40 exceeds the 32 layers",
        "--set=deployment={pools: [{name: a, pp: -1}]}|deployment.pools.0.pp: expected a positive integer",
        "--n-xpus-per-node=6|cluster.num_gpus: 6 GPUs do not split into replicas of tp=1 x pp=4",
    })
    void badPipelineParallelismIsOneLineAndExitTwo(String flag, String expected) {
        var r = flag.startsWith("--n-xpus") ? BadConfigTest.exec("run", "--pp", "4", flag, "--num-requests", "5")
                : BadConfigTest.exec("run", flag, "--num-requests", "5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains(expected).doesNotContain("\n").doesNotContain("Exception").startsWith("error: ");
    }

    @Test
    void lightllmCannotRunPipelinedReplicas() {
        var r = BadConfigTest.exec("run", "--pp", "2", "--scheduler", "lightllm", "--num-requests", "5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains("scheduler.name: scheduler 'lightllm' cannot run pipelined replicas (pp=2)")
                .doesNotContain("\n");
    }

    @Test
    void aPipelinedRunNamesItsStagesAndCountsTpTimesPpGpus() throws IOException {
        Path out = tmp.resolve("r.json");
        var r = BadConfigTest.exec("run", "--model", "llama-2-70b", "--gpu", "h100-80gb", "--tp", "2", "--pp", "2",
                "--n-xpus-per-node", "8", "--num-requests", "40", "--output", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 x h100-80gb (tp=2, pp=2)");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toFile());
        assertThat(json.path("pools").get(0).path("pp").asInt()).isEqualTo(2);
        assertThat(json.path("pools").get(0).path("gpus").asInt()).isEqualTo(8);
        assertThat(json.path("cost").path("gpus").asInt()).isEqualTo(8);
    }
}
