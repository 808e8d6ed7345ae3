package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class BadConfigTest {

    @TempDir
    Path tmp;

    static CliRun exec(String... args) {
        return CliRun.exec(args);
    }

    /**
     * One bad input.
     *
     * @param name     what is wrong
     * @param fileName config file to write (null: none; "missing.yaml" is referenced but not written)
     * @param content  its content
     * @param flags    further arguments
     * @param expected fragments the error line must contain; "$FILE" stands for the config file's path
     */
    record Case(String name, String fileName, String content, List<String> flags, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case file(String name, String fileName, String content, String... expected) {
        List<String> exp = new ArrayList<>(List.of("$FILE"));
        exp.addAll(List.of(expected));
        return new Case(name, fileName, content, List.of(), exp);
    }

    private static Case flags(String name, List<String> flags, String... expected) {
        return new Case(name, null, null, flags, List.of(expected));
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                file("unknown top-level key", "c.yaml", "modle:\n  name: llama-2-7b\n",
                        ": modle: unknown key (did you mean 'model'?); expected one of ", "model", "cluster", "workload"),
                file("unknown nested key", "c.yaml", "cluster:\n  gpus: h100-80gb\n",
                        ": cluster.gpus: unknown key (did you mean 'gpu'?); expected one of ", "gpu_memory_utilization", "block_size"),
                file("string for an int", "c.yaml", "cluster:\n  replicas: two\n",
                        ": cluster.replicas: ", "expected an integer", "two"),
                file("float for an int", "c.yaml", "scheduler:\n  max_num_seqs: 2.5\n",
                        ": scheduler.max_num_seqs: ", "expected an integer", "2.5"),
                file("negative rate", "c.yaml", "workload:\n  arrival:\n    process: poisson\n    rate: -3\n",
                        ": workload.arrival.rate: ", "expected a positive number", "-3"),
                file("zero num_requests", "c.yaml", "workload:\n  num_requests: 0\n",
                        ": workload.num_requests: ", "expected a positive integer", "got 0"),
                file("unknown model", "c.yaml", "model:\n  name: llama-9b\n",
                        ": model.name: ", "'llama-9b'", "known models", "llama-2-7b", "mistral-7b"),
                file("unknown GPU", "c.yaml", "cluster:\n  gpu: h900\n",
                        ": cluster.gpu: ", "'h900'", "known GPUs", "h100-80gb", "a10g"),
                file("tp does not divide heads", "c.yaml", "model:\n  name: llama-2-7b\ncluster:\n  tp: 3\n",
                        ": cluster.tp: ", "tp=3", "32 attention heads", "llama-2-7b"),
                file("weights do not fit", "c.yaml",
                        "model:\n  name: llama-2-70b\ncluster:\n  gpu: a10g\n  tp: 1\n",
                        ": cluster.tp: ", "llama-2-70b does not fit", "a10g", "raise tp"),
                file("unknown scheduler", "c.yaml", "scheduler:\n  name: sarathy\n",
                        ": scheduler.name: ", "'sarathy'", "known: ", "sarathi", "vllm-v1"),
                file("unknown router", "c.yaml", "cluster:\n  router: fastest\n",
                        ": cluster.router: ", "'fastest'", "least_outstanding", "random", "round_robin"),
                file("gamma without cv", "c.yaml", "workload:\n  arrival:\n    process: gamma\n    rate: 2\n",
                        ": workload.arrival.cv: ", "required for process 'gamma'"),
                file("cv on poisson", "c.yaml",
                        "workload:\n  arrival:\n    process: poisson\n    rate: 2\n    cv: 3\n",
                        ": workload.arrival.cv: ", "only applies to process 'gamma'", "poisson"),
                file("uniform with max < min", "c.yaml",
                        "workload:\n  prompt_tokens:\n    distribution: uniform\n    min: 100\n    max: 10\n",
                        ": workload.prompt_tokens.max: ", "max >= min", "100", "got 10"),
                file("gpu_memory_utilization 1.5", "c.yaml", "cluster:\n  gpu_memory_utilization: 1.5\n",
                        ": cluster.gpu_memory_utilization: ", "(0, 1]", "1.5"),
                file("missing config file", "missing.yaml", null, ": file not found"),
                file("malformed YAML", "c.yaml", "model:\n  name: llama-2-7b\ncluster:\n  tp: [1\n",
                        ":4: ", "not valid YAML"),
                file("malformed JSON", "c.json", "{\"model\": {\"name\": \"llama-2-7b\",}}",
                        ":1: ", "not valid JSON"),
                file("wrong type in JSON", "c.json", "{\"cluster\": {\"tp\": \"two\"}}",
                        ": cluster.tp: ", "expected an integer", "two"),
                file("empty file", "c.yaml", "", ": empty configuration file"),
                file("unknown distribution", "c.yaml",
                        "workload:\n  output_tokens:\n    distribution: pareto\n",
                        ": workload.output_tokens.distribution: ", "'pareto'", "lognormal", "zipf"),
                file("key of another distribution", "c.yaml",
                        "workload:\n  prompt_tokens:\n    distribution: fixed\n    value: 5\n    mean: 9\n",
                        ": workload.prompt_tokens.mean: ", "does not apply to distribution 'fixed'", "value"),
                file("zipf without exponent", "c.yaml",
                        "workload:\n  prompt_tokens:\n    distribution: zipf\n    min: 1\n    max: 9\n",
                        ": workload.prompt_tokens.exponent: ", "required"),
                file("token budget below the context", "c.yaml", "scheduler:\n  max_num_batched_tokens: 1024\n",
                        ": scheduler.max_num_batched_tokens: ", "1024", "4096"),
                file("negative warmup", "c.yaml", "simulation:\n  warmup_requests: -1\n",
                        ": simulation.warmup_requests: ", "expected an integer >= 0"),
                flags("num_requests and duration both unset", List.of("--set", "workload.num_requests=null"),
                        "--set workload.num_requests=null: workload.num_requests: ", "simulation.duration_s", "both are unset"),
                flags("closed loop of no users", List.of("--concurrency", "0"),
                        "--concurrency 0: workload.arrival.concurrency: expected a positive integer (users), got 0"),
                flags("closed loop of negative users", List.of("--max-concurrency", "-3"),
                        "workload.arrival.concurrency: expected a positive integer (users), got -3"),
                flags("closed loop with a rate", List.of("--concurrency", "4", "--arrival-rate", "3"),
                        "--arrival-rate 3.0: workload.arrival.rate: does not apply to process 'closed_loop'"),
                flags("negative think time", List.of("--concurrency", "4", "--think-time", "-1"),
                        "--think-time -1.0: workload.arrival.think_time_s: expected a number of seconds >= 0, got -1.0"),
                flags("think time of an open loop", List.of("--think-time", "2"),
                        "workload.arrival.think_time_s: does not apply to process 'poisson' (only closed_loop)"),
                file("closed loop per class", "c.yaml", "workload:\n  classes:\n  - name: a\n    arrival: {process: closed_loop,"
                        + " concurrency: 2}\n", ": workload.classes.0.arrival.process: closed_loop drives the whole workload"),
                flags("fp8 weights on a GPU without fp8", List.of("--gpu", "a100-80gb", "--dtype", "fp8"),
                        "--dtype fp8: model.dtype: fp8 weights need fp8 tensor cores, but a100-80gb has none"),
                flags("fp8 weights on a pool without fp8", List.of("--dtype", "fp8", "--set",
                        "deployment={pools: [{name: p, role: prefill}, {name: d, role: decode, gpu: a100-80gb}]}"),
                        "model.dtype: fp8 weights need fp8 tensor cores, but a100-80gb has none"),
                flags("unknown dtype", List.of("--kv-cache-dtype", "fp4"),
                        "--kv-cache-dtype fp4: model.kv_cache_dtype: unknown dtype 'fp4'; expected one of auto, bf16, fp16, fp8"),
                flags("no scheduler steps", List.of("--num-scheduler-steps", "0"),
                        "--num-scheduler-steps 0: scheduler.num_scheduler_steps: expected an integer in [1, 256], got 0"),
                flags("too many scheduler steps", List.of("--set", "scheduler.num_scheduler_steps=1000"),
                        "scheduler.num_scheduler_steps: expected an integer in [1, 256], got 1000"),
                flags("--set without '='", List.of("--set", "cluster.tp"),
                        "--set cluster.tp: ", "expected key.path=value"),
                flags("--set with a bad type", List.of("--set", "cluster.tp=two"),
                        "--set cluster.tp=two: cluster.tp: ", "expected an integer", "two"),
                flags("--set into a value", List.of("--set", "cluster.tp.x=1"),
                        "--set cluster.tp.x=1: ", "'cluster.tp' is a value, not a section"),
                flags("--set unknown key", List.of("--set", "cluster.gpus=2"),
                        "--set cluster.gpus=2: cluster.gpus: unknown key"),
                flags("flag with a bad value", List.of("--tp", "3"),
                        "cluster.tp: ", "tp=3", "32 attention heads")
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputExitsTwoWithOneErrorLineAndNoOutput(Case c) throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        Path json = outDir.resolve("out.json");
        Path csv = outDir.resolve("requests.csv");
        List<String> args = new ArrayList<>(List.of("run", "--output", json.toString(), "--requests-out", csv.toString()));
        String filePath = null;
        if (c.fileName() != null) {
            Path f = conf.resolve(c.fileName());
            if (c.content() != null) {
                Files.writeString(f, c.content());
            }
            filePath = f.toString();
            args.add("--config");
            args.add(filePath);
        }
        args.addAll(c.flags());

        CliRun r = exec(args.toArray(String[]::new));

        assertThat(r.code()).as("exit code; err=%s", r.err()).isEqualTo(2);
        assertThat(r.out()).as("nothing on stdout").isEmpty();
        List<String> lines = r.err().lines().toList();
        assertThat(lines).as("exactly one line on stderr").hasSize(1);
        String line = lines.get(0);
        assertThat(line).startsWith("error: ");
        for (String e : c.expected()) {
            assertThat(line).contains(e.equals("$FILE") ? filePath : e);
        }
        if (filePath != null) {
            assertThat(line).as("the file is named first, with the key's line when there is one")
                    .matches("error: " + java.util.regex.Pattern.quote(filePath) + "(:\\d+)?: .*");
        }
        assertThat(line).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        try (Stream<Path> left = Files.list(outDir)) {
            assertThat(left).as("no output or temp files left behind").isEmpty();
        }
    }

    @Test
    void semanticErrorFromSetNamesTheSetNotTheFile() throws IOException {
        Path f = tmp.resolve("good.yaml");
        Files.writeString(f, "model:\n  name: llama-2-7b\n");
        CliRun r = exec("run", "--config", f.toString(), "--set", "cluster.gpu_memory_utilization=1.5");
        assertThat(r.code()).isEqualTo(2);
        // actual: "error: <tmp>/good.yaml: cluster.gpu_memory_utilization: expected a number in (0, 1], got 1.5"
        assertThat(r.err()).startsWith("error: --set cluster.gpu_memory_utilization=1.5: ");
        CliRun t = exec("run", "--config", f.toString(), "--tp", "3");
        // actual: "error: <tmp>/good.yaml: cluster.tp: tp=3 does not divide the 32 attention heads of llama-2-7b"
        assertThat(t.err()).doesNotContain(f.toString());
    }

    @Test
    void unknownOptionGivesOneErrorLine() {
        CliRun r = exec("run", "--bogus");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("error: ").contains("--bogus");
        CliRun t = exec("run", "--tp", "two");
        assertThat(t.code()).isEqualTo(2);
        assertThat(t.err().lines().toList()).hasSize(1);
        assertThat(t.err()).startsWith("error: ").contains("--tp");
    }

    // ------------------------------------------------------------------ good runs

    private static final List<String> KEYS = List.of(
            "requests.arrived", "requests.completed", "requests.rejected", "requests.preemptions",
            "ttft_ms.p99", "tbt_ms.p50", "tpot_ms.mean", "e2e_ms.max", "queue_delay_ms.p95",
            "throughput.requests_per_s", "throughput.output_tokens_per_s",
            "utilization.mfu_mean", "utilization.kv_cache_util_mean", "utilization.kv_cache_util_peak",
            "cost.gpu_hours", "cost.cost_usd", "cost.qps_per_dollar",
            "simulation.simulated_s", "simulation.wall_s", "simulation.events", "simulation.seed");

    private static JsonNode at(JsonNode root, String dotted) {
        JsonNode n = root;
        for (String p : dotted.split("\\.")) {
            n = n.path(p);
        }
        return n;
    }

    @Test
    void goodRunExitsZeroAndWritesTheJsonResults() throws IOException {
        Path json = tmp.resolve("res/out.json");
        CliRun r = exec("run", "--num-requests", "50", "--arrival-rate", "5", "--seed", "7", "-q",
                "--output", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).as("--quiet").isEmpty();
        assertThat(json).exists();
        try (Stream<Path> files = Files.list(json.getParent())) {
            assertThat(files).as("only the result file, no temp").containsExactly(json);
        }
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        for (String k : KEYS) {
            assertThat(at(root, k).isNumber()).as("numeric key %s", k).isTrue();
        }
        assertThat(at(root, "requests.arrived").asLong()).isEqualTo(50);
        assertThat(at(root, "requests.completed").asLong()).isEqualTo(50);
        assertThat(at(root, "requests.rejected").asLong()).isZero();
        assertThat(at(root, "simulation.seed").asLong()).isEqualTo(7);
        assertThat(at(root, "ttft_ms.p99").asDouble()).isPositive();
        assertThat(at(root, "tpot_ms.mean").asDouble()).isPositive();
        assertThat(at(root, "e2e_ms.max").asDouble()).isGreaterThanOrEqualTo(at(root, "ttft_ms.p99").asDouble());
        double simS = at(root, "simulation.simulated_s").asDouble();
        assertThat(simS).isPositive();
        // one H100 at 2.99 $/h
        assertThat(at(root, "cost.gpu_hours").asDouble()).isCloseTo(simS / 3600, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(at(root, "cost.cost_usd").asDouble())
                .isCloseTo(simS / 3600 * 2.99, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(at(root, "utilization.kv_cache_util_peak").asDouble()).isBetween(0.0, 1.0);
        assertThat(at(root, "utilization.mfu_mean").asDouble()).isBetween(0.0, 1.0);
        assertThat(at(root, "config.workload.num_requests").asInt()).isEqualTo(50);
    }

    @Test
    void costPer1kRequestsKeyIsSnakeCase() throws IOException {
        Path json = tmp.resolve("out.json");
        assertThat(exec("run", "--num-requests", "50", "-q", "--output", json.toString()).code()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(at(root, "cost.cost_per_1k_requests").isNumber()).isTrue();
        assertThat(at(root, "cost.cost_per_1k_requests").asDouble())
                .isCloseTo(at(root, "cost.cost_usd").asDouble() / 50 * 1000, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void sameSeedGivesTheSameResultsApartFromWallTime() throws IOException {
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        assertThat(exec("run", "--num-requests", "40", "--arrival-rate", "8", "--arrival", "gamma", "--cv", "3",
                "-q", "-o", a.toString()).code()).isZero();
        assertThat(exec("run", "--num-requests", "40", "--arrival-rate", "8", "--arrival", "gamma", "--cv", "3",
                "-q", "-o", b.toString()).code()).isZero();
        ObjectMapper m = new ObjectMapper();
        ObjectNode ja = (ObjectNode) m.readTree(a.toFile());
        ObjectNode jb = (ObjectNode) m.readTree(b.toFile());
        ((ObjectNode) ja.get("simulation")).remove("wall_s");
        ((ObjectNode) jb.get("simulation")).remove("wall_s");
        assertThat(ja).isEqualTo(jb);
    }

    @Test
    void requestsCsvHasAHeaderAndOneRowPerRequest() throws IOException {
        Path csv = tmp.resolve("req.csv");
        CliRun r = exec("run", "--num-requests", "50", "--arrival-rate", "5", "-q", "--requests-out", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(51);
        String[] header = lines.get(0).split(",");
        assertThat(header).startsWith("id", "replica", "prompt_tokens", "output_tokens");
        assertThat(header).contains("ttft_ms", "e2e_ms", "outcome");
        Set<Long> ids = new HashSet<>();
        for (String row : lines.subList(1, lines.size())) {
            String[] f = row.split(",");
            assertThat(f).hasSameSizeAs(header);
            assertThat(ids.add(Long.parseLong(f[0]))).isTrue();
            assertThat(f[2]).isEqualTo("512");
            assertThat(f[3]).isEqualTo("128");
        }
        assertThat(ids).hasSize(50).allMatch(id -> id >= 0 && id < 50);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(csv);
        }
    }

    @Test
    void preemptionHeavyRunCompletesEveryRequest() throws IOException {
        Path conf = tmp.resolve("pressure.yaml");
        Files.writeString(conf, """
                workload:
                  num_requests: 150
                  arrival: {process: gamma, rate: 500, cv: 3}
                  prompt_tokens: {distribution: uniform, min: 1, max: 3000}
                  output_tokens: {distribution: lognormal, mean: 300, std: 400, max: 1000}
                cluster: {gpu_memory_utilization: 0.2, replicas: 2, router: least_outstanding}
                scheduler: {watermark: 0}
                """);
        Path json = tmp.resolve("p.json");
        CliRun r = exec("run", "-q", "-c", conf.toString(), "--seed", "3", "-o", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(at(root, "requests.arrived").asLong()).isEqualTo(150);
        assertThat(at(root, "requests.completed").asLong()).isEqualTo(150);
        assertThat(at(root, "requests.preemptions").asLong()).isPositive();
        assertThat(at(root, "requests.preempted_requests").asLong())
                .isBetween(1L, at(root, "requests.preemptions").asLong());
        assertThat(at(root, "utilization.kv_cache_util_peak").asDouble()).isEqualTo(1.0);
        long perReplica = 0;
        for (JsonNode rep : root.get("replicas")) {
            perReplica += rep.get("preemptions").asLong();
        }
        assertThat(perReplica).isEqualTo(at(root, "requests.preemptions").asLong());
    }

    @Test
    void runWhereEveryRequestIsRejectedStillSucceeds() throws IOException {
        Path json = tmp.resolve("r.json");
        CliRun r = exec("run", "-q", "--num-requests", "20", "--prompt-tokens", "4000", "--output-tokens", "200",
                "-o", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String text = Files.readString(json);
        assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
        JsonNode root = new ObjectMapper().readTree(text);
        assertThat(at(root, "requests.completed").asLong()).isZero();
        assertThat(at(root, "requests.rejected").asLong()).isEqualTo(20);
        assertThat(at(root, "requests.rejected_by_reason.exceeds_max_model_len").asLong()).isEqualTo(20);
        assertThat(at(root, "ttft_ms.count").asLong()).isZero();
    }

    @Test
    void runHelpExitsZeroAndDocumentsConfigAndSet() {
        CliRun r = exec("run", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--config").contains("--set").contains("--output");
        assertThat(r.err()).isEmpty();
    }
}
