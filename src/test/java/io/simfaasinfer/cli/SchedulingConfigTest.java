package io.simfaasinfer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad values of the scheduling keys: one line naming the source, the key and what was expected; exit 2. */
class SchedulingConfigTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "scheduler.chunk_size=0|scheduler.chunk_size: expected an integer >= 1, got 0",
        "scheduler.local_policy=lifo|scheduler.local_policy: unknown local policy 'lifo'; known: edf, fcfs, milp, shortest, sjf,"
            + " srpt",
        "scheduler.milp_time_limit_ms=-1|scheduler.milp_time_limit_ms: expected a number >= 0, got -1.0",
        "scheduler.milp_node_limit=0|scheduler.milp_node_limit: expected an integer >= 1, got 0",
        "scheduler.milp_max_candidates=100|scheduler.milp_max_candidates: expected an integer in [1, 64], got 100",
        "scheduler.milp_max_candidates=0|scheduler.milp_max_candidates: expected an integer in [1, 64], got 0",
        "scheduler.long_prefill_token_threshold=-1|scheduler.long_prefill_token_threshold: expected an integer >= 0,"
            + " got -1",
        "scheduler.ft_padding=maybe|scheduler.ft_padding: expected true or false",
        "scheduler.ft_padding=1|scheduler.ft_padding: expected true or false",
        "workload.ttft_slo_ms=-5|workload.ttft_slo_ms: expected a positive number of ms",
        "scheduler.name=sarathy|scheduler.name: unknown scheduler 'sarathy' (did you mean 'sarathi'?); known: faster-transformer, ft, lightllm,"
            + " orca, sarathi, vllm, vllm-v1",
        "cluster.router=p2c|cluster.router: unknown router 'p2c'; known: least_kv, least_outstanding, lowest_load, power_of_two,"
            + " prefix_aware, random, round_robin, shortest, shortest_work"})
    void aBadSetIsOneLineNamingItsSourceAndKey(String set, String expected) {
        Path out = tmp.resolve("r.json");
        var run = BadConfigTest.exec("run", "--set", set, "--num-requests", "5", "--output", out.toString());
        assertThat(run.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.err().strip()).doesNotContain("\n").startsWith("error: --set " + set + ": ").contains(expected);
        assertThat(out).doesNotExist();
    }

    @Test
    void aSarathiChunkAboveTheTokenBudgetNamesTheFile() throws IOException {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, "scheduler:\n  name: sarathi\n  max_num_batched_tokens: 4096\n  chunk_size: 8192\n");
        var run = BadConfigTest.exec("run", "-c", f.toString(), "--num-requests", "5");
        assertThat(run.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.err().strip()).isEqualTo("error: " + f + ":4: scheduler.chunk_size: 8192 exceeds"
                + " max_num_batched_tokens 4096, the token count the activation memory is sized for; lower it or raise"
                + " max_num_batched_tokens");
    }

    @Test
    void theLocalPolicyFlagSetsTheKey() {
        var run = BadConfigTest.exec("run", "--local-policy", "lifo", "--num-requests", "5");
        assertThat(run.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run.err().strip()).startsWith("error: --local-policy lifo: scheduler.local_policy: unknown local policy");
    }
}
