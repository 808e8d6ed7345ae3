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

/** Deployments from the command line: flags, the seed shape, results, bad input. */
class DeploymentCliTest {

    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theLlmInferenceSimulatorQuickStartsRunAsWritten() throws IOException {
        Path agg = tmp.resolve("results.json");
        var a = BadConfigTest.exec("run", "--model", "llama2-70b", "--xpu", "mi300x", "--n-xpus-per-node", "8",
                "--tp", "8", "--arrival-rate", "5", "--duration", "100", "--warm-up", "10", "--output", agg.toString());
        assertThat(a.code()).as(a.err()).isZero();
        JsonNode ra = JSON.readTree(agg.toFile());
        assertThat(ra.path("pools").get(0).path("gpu").asText()).isEqualTo("mi300x");
        assertThat(ra.path("pools").get(0).path("tp").asInt()).isEqualTo(8);
        assertThat(ra.path("config").path("model").path("name").asText()).isEqualTo("llama-2-70b");
        // arrivals run for warm-up + duration; the first 10 s are excluded from metrics
        assertThat(ra.path("requests").path("warmup_excluded").asLong()).isPositive();
        assertThat(ra.path("config").path("simulation").path("duration_s").asDouble()).isEqualTo(110.0);
        assertThat(ra.path("requests").path("arrived").asLong()).isBetween(450L, 650L);

        Path dis = tmp.resolve("dis.json");
        var d = BadConfigTest.exec("run", "--model", "llama2-70b", "--disaggregated", "--prefill-xpu", "a100-80gb",
                "--prefill-n-xpus", "4", "--prefill-tp", "4", "--decode-xpu", "mi300x", "--decode-n-xpus", "8",
                "--decode-tp", "8", "--transfer-bandwidth", "400", "--transfer-latency", "1", "--arrival-rate", "5",
                "--duration", "100", "--warm-up", "10", "--output", dis.toString(), "--output-schema",
                "llm-inference-simulator");
        assertThat(d.code()).as(d.err()).isZero();
        JsonNode rd = JSON.readTree(dis.toFile());
        for (String key : new String[] {"total_requests", "completed_requests", "rejected_requests", "simulation_time",
            "xpu_utilization"}) {
            assertThat(rd.has(key)).as(key).isTrue();
        }
        assertThat(rd.path("throughput").path("tokens_per_sec").asDouble()).isPositive();
        assertThat(rd.path("throughput").path("requests_per_sec").asDouble()).isBetween(3.0, 7.0);
        // seconds, as that simulator writes them, and equal to our ms figure / 1000
        JsonNode own = rd.path("simfaasinfer");
        assertThat(rd.path("first_token_latency").path("mean").asDouble() * 1000)
                .isCloseTo(own.path("ttft_ms").path("mean").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(rd.path("end_to_end_latency").path("p99").asDouble()).isPositive();
        assertThat(rd.path("memory").path("peak_memory_gb").asDouble()).isBetween(30.0, 192.0);
        assertThat(own.path("deployment").asText()).isEqualTo("disaggregated");
        JsonNode pools = own.path("pools");
        assertThat(pools.get(0).path("role").asText()).isEqualTo("prefill");
        assertThat(pools.get(0).path("gpu").asText()).isEqualTo("a100-80gb");
        assertThat(pools.get(0).path("replicas").asInt()).isEqualTo(1);
        assertThat(pools.get(1).path("gpu").asText()).isEqualTo("mi300x");
        JsonNode kv = own.path("kv_transfer");
        assertThat(kv.path("transfers").asLong()).isEqualTo(own.path("requests").path("completed").asLong());
        assertThat(kv.path("bandwidth_gb_s").asDouble()).isEqualTo(400.0);
        assertThat(kv.path("time_ms").path("p99").asDouble()).isGreaterThan(1.0);
    }

    @Test
    void theSeedShapeAndTheFourDecisionsFromAFile() throws IOException {
        Path cfg = tmp.resolve("d.yaml");
        Files.writeString(cfg, """
                workload:
                  num_requests: 200
                  arrival: {process: poisson, rate: 8}
                disaggregation:
                  prefill: {gpu: h100-80gb, tp: 1, num_gpus: 2}
                  decode: {gpu: h200-141gb, tp: 2, replicas: 1}
                  transfer: {bandwidth_gb_s: 25, latency_ms: 0.1, mode: layerwise}
                """);
        Path out = tmp.resolve("r.json");
        var r = BadConfigTest.exec("run", "-c", cfg.toString(), "--prefill_global", "lowest_load", "--prefill-local",
                "shortest", "--decode-global", "round_robin", "--decode_local", "fcfs", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("disaggregated deployment of prefill 2 x h100-80gb (tp=1").contains("kv transfer");
        JsonNode j = JSON.readTree(out.toFile());
        JsonNode pools = j.path("pools");
        assertThat(pools.get(0).path("router").asText()).isEqualTo("lowest_load");
        assertThat(pools.get(0).path("local_policy").asText()).isEqualTo("shortest");
        assertThat(pools.get(0).path("replicas").asInt()).isEqualTo(2);
        assertThat(pools.get(1).path("gpu").asText()).isEqualTo("h200-141gb");
        assertThat(pools.get(1).path("tp").asInt()).isEqualTo(2);
        assertThat(j.path("kv_transfer").path("mode").asText()).isEqualTo("layerwise");
        assertThat(j.path("requests").path("completed").asLong()).isEqualTo(200);
    }

    @Test
    void theDecisionsMapOntoTheRouterAndLocalPolicyOfAnAggregatedCluster() throws IOException {
        Path out = tmp.resolve("a.json");
        var r = BadConfigTest.exec("run", "--replicas", "2", "--num-requests", "20", "--prefill-global", "lowest_load",
                "--prefill-local", "shortest", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(out.toFile());
        assertThat(j.path("scheduling").path("router").asText()).isEqualTo("lowest_load");
        assertThat(j.path("scheduling").path("local_policy").asText()).isEqualTo("shortest");
        assertThat(j.has("kv_transfer")).isFalse();
        assertThat(j.path("deployment").asText()).isEqualTo("aggregated");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown role|deployment: {pools: [{name: a, role: chef}]}||deployment.pools.0.role: unknown pool role 'chef';"
            + " expected mixed, prefill or decode",
        "incompatible tp|deployment: {pools: [{role: prefill, tp: 4}, {role: decode, tp: 6}]}||",
        "incompatible tp (flags)|workload: {num_requests: 5}|--disaggregated --prefill-tp 4 --decode-tp 6 --model"
            + " gpt3-175b --prefill-xpu h200-141gb --decode-xpu h200-141gb|deployment.pools.1.tp: decode pool 'decode'"
            + " has tp=6 and prefill pool 'prefill' tp=4; one must be a multiple of the other",
        "zero bandwidth|workload: {num_requests: 5}|--disaggregated --transfer-bandwidth 0|"
            + "deployment.transfer.bandwidth_gb_s: expected a positive number of GB/s, got 0.0",
        "negative bandwidth|workload: {num_requests: 5}|--disaggregated --transfer-bandwidth -3|"
            + "deployment.transfer.bandwidth_gb_s: expected a positive number of GB/s, got -3.0",
        "model does not fit|model: {name: llama-2-70b}|--disaggregated --prefill-tp 1 --decode-tp 4|"
            + "deployment.pools.0.tp: llama-2-70b does not fit pool 'prefill'",
        "only prefill|deployment: {pools: [{role: prefill}]}||deployment.pools: a disaggregated deployment needs at least"
            + " one prefill and one decode pool",
        "mixed and decode|deployment: {pools: [{role: mixed}, {role: decode}]}||deployment.pools: a deployment is"
            + " aggregated (mixed pools) or disaggregated",
        "bad mode|workload: {num_requests: 5}|--disaggregated --transfer-mode pigeon|deployment.transfer.mode: unknown"
            + " transfer mode 'pigeon'",
        "decode flag without disaggregated|workload: {num_requests: 5}|--decode-tp 2|--decode-tp sets a pool of a"
            + " disaggregated deployment; add --disaggregated",
        "decode decision on a cluster|workload: {num_requests: 5}|--decode-global random|"
            + "disaggregation.decode_global: applies to a disaggregated deployment",
        "num_gpus not a multiple|workload: {num_requests: 5}|--disaggregated --prefill-n-xpus 3 --prefill-tp 2|"
            + "deployment.pools.0.num_gpus: 3 GPUs do not split into replicas of tp=2",
        "serverless pool beside another of its stage|{serverless: {enabled: true}, deployment: {pools: [{role: prefill},"
            + " {role: decode, lifecycle: serverless}, {name: d2, role: decode}]}}||deployment.pools.1.lifecycle: a"
            + " serverless pool must be the only decode pool of its deployment",
        "serverless pool without the section|deployment: {pools: [{role: prefill}, {role: decode, lifecycle:"
            + " serverless}]}||deployment.pools.1.lifecycle: serverless needs the serverless section",
        "serverless on but no fleet|{serverless: {enabled: true}, deployment: {pools: [{role: prefill}, {role:"
            + " decode}]}}||serverless.enabled: is true but no pool of the deployment has lifecycle: serverless",
        "lightllm decode pool|deployment: {pools: [{role: prefill}, {role: decode, scheduler: lightllm}]}||"
            + "scheduler 'lightllm' cannot serve a decode pool (it cannot take in transferred KV caches",
        "duplicate names|deployment: {pools: [{name: x, role: mixed}, {name: x, role: mixed}]}||"
            + "deployment.pools.1.name: pool name 'x' is used twice"})
    void badDeploymentsAreOneLineExitTwoAndNoOutput(String name, String yaml, String flags, String expected)
            throws IOException {
        Path cfg = tmp.resolve("bad.yaml");
        Files.writeString(cfg, yaml + "\n");
        Path out = tmp.resolve("out.json");
        var args = new java.util.ArrayList<>(java.util.List.of("run", "-c", cfg.toString(), "-o", out.toString()));
        if (flags != null && !flags.isBlank()) {
            args.addAll(java.util.List.of(flags.trim().split(" +")));
        }
        if (name.equals("incompatible tp")) {
            args.addAll(java.util.List.of("--model", "gpt3-175b", "--gpu", "h200-141gb"));
            expected = "deployment.pools.1.tp: decode pool 'decode-1' has tp=6 and prefill pool 'prefill' tp=4";
        }
        var r = BadConfigTest.exec(args.toArray(new String[0]));
        assertThat(r.code()).as(r.err()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("error: ").contains(expected)
                .doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }
}
