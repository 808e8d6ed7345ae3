package io.simfaasinfer.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile configurations, flags and catalogs through the command line, one row per case and
 * grouped by class of failure (issue 11's table): each bad one must be one line on stderr naming
 * the file (and the key's line) or the flag, the key and what was expected, exit 2, nothing on
 * stdout, no Java class names or stack traces, and no output file; each acceptable one (aliases,
 * anchors, empty sections) must run and say what it read. Traces, profiles and telemetry have their
 * own suites (HostileTraceTest, HostileProfileTest), outputs theirs (OutputSafetyCommandTest,
 * OutputSetTest, bench/hostile-outputs.sh).
 */
class HostileConfigTest {

    @TempDir
    Path tmp;

    /**
     * @param group    the class of input (config syntax, values, names, numbers, flags, catalog, ...)
     * @param name     what is hostile about it
     * @param yaml     the config file c.yaml (null: none), or c.json when {@code json}
     * @param args     arguments after {@code run --output OUT}; "$CFG" is the config file, "$DIR" the folder
     * @param exit     the expected exit code (0: accepted)
     * @param expected fragments of the one error line (or, when accepted, of stderr)
     */
    record Case(String group, String name, String yaml, boolean json, List<String> args, int exit, List<String> expected) {
        @Override
        public String toString() {
            return group + ": " + name;
        }
    }

    private static Case bad(String group, String name, String yaml, List<String> args, String... expected) {
        return new Case(group, name, yaml, false, args, 2, List.of(expected));
    }

    private static Case badYaml(String group, String name, String yaml, String... expected) {
        return bad(group, name, yaml, List.of("--config", "$CFG", "--num-requests", "20"), expected);
    }

    private static Case badJson(String group, String name, String json, String... expected) {
        return new Case(group, name, json, true, List.of("--config", "$CFG", "--num-requests", "20"), 2, List.of(expected));
    }

    private static Case flags(String group, String name, List<String> args, String... expected) {
        return bad(group, name, null, args, expected);
    }

    private static Case ok(String group, String name, String yaml, List<String> args, String... expected) {
        return new Case(group, name, yaml, false, args, 0, List.of(expected));
    }

    static Stream<Case> cases() {
        List<String> cfg = List.of("--config", "$CFG", "--num-requests", "20");
        return Stream.of(
                // ---- the file itself
                badYaml("file", "not YAML", "model: {name: [\n", "c.yaml:", "not valid YAML"),
                badYaml("file", "binary", new String(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 'm', 1, 2},
                        StandardCharsets.ISO_8859_1), "c.yaml", "not valid YAML"),
                badYaml("file", "empty", "", "c.yaml: empty configuration file"),
                badYaml("file", "only a comment", "# nothing here\n", "c.yaml: empty configuration file"),
                badYaml("file", "a list, not a mapping", "- model\n- cluster\n", "expected a mapping of sections"),
                badYaml("file", "a scalar", "hello\n", "expected a mapping of sections"),
                badYaml("file", "two documents", "model: {name: llama-2-7b}\n---\nmodel: {name: llama-2-13b}\n",
                        "more than one document"),
                bad("file", "missing", null, List.of("--config", "$DIR/nope.yaml"), "nope.yaml: file not found"),
                bad("file", "a directory", null, List.of("--config", "$DIR"), "is a directory, expected a YAML or JSON file"),
                badJson("file", "JSON trailing comma", "{\"model\": {\"name\": \"x\",}}", "c.json:1:", "not valid JSON"),
                // ---- duplicates and aliases in the document
                badYaml("duplicates", "top-level key twice", "model:\n  name: llama-2-7b\nmodel:\n  name: llama-2-13b\n",
                        "c.yaml:3: model: given twice in one mapping (first at line 1)"),
                badYaml("duplicates", "nested key twice", "cluster:\n  tp: 1\n  tp: 2\n",
                        "c.yaml:3: cluster.tp: given twice in one mapping (first at line 2)"),
                badJson("duplicates", "JSON key twice", "{\"cluster\": {\"tp\": 1, \"tp\": 2}}",
                        "c.json:1: cluster.tp: given twice"),
                badYaml("anchors", "alias to no anchor", "model: *nowhere\n", "c.yaml:1: model: alias *nowhere refers to no anchor"),
                badYaml("anchors", "billion laughs", laughs(), "more than 1000000 values"),
                badYaml("anchors", "merge of a list of numbers", "x-a: &a [1, 2]\nmodel:\n  <<: *a\n",
                        "c.yaml:3: model: '<<' merges a mapping (or a list of mappings), got number"),
                badYaml("anchors", "alias of a single value", "x-a: &a 3\ncluster:\n  tp: *a\n",
                        "c.yaml:3: cluster.tp: alias *a refers to an anchor on a single value, which is not supported"),
                ok("anchors", "anchor, alias and merge key expanded", "x-shape: &s\n  tp: 1\n  replicas: 2\n"
                        + "cluster:\n  <<: *s\n  replicas: 3\nscheduler: &sch\n  name: sarathi\n", cfg),
                // ---- missing and null values
                badYaml("nulls", "a null name", "model:\n  name: null\n", "c.yaml:2: model.name: no value given; expected a string"),
                badYaml("nulls", "an empty value", "cluster:\n  router:\n", "c.yaml:2: cluster.router: no value given"),
                badYaml("nulls", "an arrival without a process", "workload:\n  arrival:\n    rate: 3\n",
                        "workload.arrival.process: missing; expected one of"),
                badYaml("nulls", "an empty list item", "workload:\n  classes:\n    - null\n",
                        "c.yaml:3: workload.classes.0: an empty list item"),
                badYaml("nulls", "a null pool", "deployment:\n  pools:\n    - null\n", "deployment.pools.0: expected a mapping"),
                ok("nulls", "an empty section keeps its defaults", "model:\nserverless:\n  # enabled: true\n", cfg),
                bad("nulls", "--set a section to null", null, List.of("--set", "model=null"),
                        "--set model=null: model: no value given; expected a mapping"),
                // ---- types
                badYaml("types", "string for an int", "cluster:\n  replicas: two\n", "c.yaml:2: cluster.replicas: expected an integer"),
                badYaml("types", "float for an int", "cluster:\n  tp: 1.5\n", "cluster.tp: expected an integer"),
                badYaml("types", "mapping for a scalar", "cluster:\n  gpu: {name: h100}\n", "cluster.gpu: expected a string"),
                badYaml("types", "scalar for a section", "model: 3\n", "c.yaml:1: model: expected a mapping"),
                badYaml("types", "list for a section", "workload: [1, 2]\n", "workload: expected a mapping"),
                badYaml("types", "string for a boolean", "cluster:\n  prefix_caching: sometimes\n",
                        "cluster.prefix_caching: expected true or false"),
                badYaml("types", "options not a mapping", "scheduler:\n  options: 3\n", "scheduler.options: expected a mapping"),
                // ---- unknown keys and names, with a suggestion
                badYaml("names", "misspelt section", "modle:\n  name: llama-2-7b\n", "c.yaml:1: modle: unknown key (did you mean 'model'?)"),
                badYaml("names", "misspelt key", "cluster:\n  replica: 2\n", "cluster.replica: unknown key (did you mean 'replicas'?)"),
                badYaml("names", "misspelt model", "model:\n  name: lama-2-7b\n", "unknown model 'lama-2-7b' (did you mean 'llama-2-7b'?)"),
                badYaml("names", "misspelt GPU", "cluster:\n  gpu: h10\n", "unknown GPU 'h10' (did you mean 'h100-80gb'?)"),
                badYaml("names", "misspelt scheduler", "scheduler:\n  name: sarathy\n", "(did you mean 'sarathi'?)"),
                badYaml("names", "misspelt router", "cluster:\n  router: least_kvv\n", "(did you mean 'least_kv'?)"),
                badYaml("names", "misspelt local policy", "scheduler:\n  local_policy: srtp\n", "(did you mean 'srpt'?)"),
                badYaml("names", "misspelt process", "workload:\n  arrival:\n    process: poison\n    rate: 2\n",
                        "(did you mean 'poisson'?)"),
                badYaml("names", "misspelt distribution", "workload:\n  prompt_tokens:\n    distribution: lognorm\n    mean: 5\n",
                        "(did you mean 'lognormal'?)"),
                badYaml("names", "an option no implementation reads", "scheduler:\n  options:\n    depth: 3\n",
                        "scheduler.options.depth: unknown option of 'vllm' and 'fcfs'; it reads no options"),
                badYaml("names", "an alias and its key both", "scheduler:\n  type: vllm\n  name: sarathi\n",
                        "scheduler.type: is another name for scheduler.name; give only one of them"),
                ok("names", "the seeds' README config as written", "simulation:\n  duration: 20s\nworkload:\n  type: poisson\n"
                        + "  arrival_rate: 2\nscheduler:\n  type: vllm\n  max_batch_size: 8\nmodel:\n  name: llama2-7b\n"
                        + "cluster:\n  gpu: A100\n", List.of("--config", "$CFG"),
                        "simulation.duration is read as simulation.duration_s = 20.0", "workload.type is read as",
                        "'llama2-7b' is read as the catalog's llama-2-7b", "'A100' is read as the catalog's a100-80gb"),
                ok("names", "FaaSInfer's names", "model:\n  name: llama-7b\ncluster:\n  gpu: NVIDIA A100\n", cfg,
                        "'llama-7b' is read as the catalog's llama-2-7b", "'NVIDIA A100' is read as the catalog's a100-80gb"),
                // ---- values out of range and the clock
                badYaml("ranges", "negative rate", "workload:\n  arrival:\n    process: poisson\n    rate: -3\n",
                        "c.yaml:4: workload.arrival.rate: expected a positive number"),
                badYaml("ranges", "zero replicas", "cluster:\n  replicas: 0\n", "cluster.replicas: expected a positive integer"),
                badYaml("ranges", "memory fraction above 1", "cluster:\n  gpu_memory_utilization: 1.5\n",
                        "cluster.gpu_memory_utilization: expected a number in (0, 1]"),
                badYaml("ranges", "int beyond the int range", "cluster:\n  tp: 99999999999999999999\n",
                        "cluster.tp: expected an integer in [-2147483648, 2147483647]"),
                badYaml("ranges", "a chunk of 0", "scheduler:\n  name: sarathi\n  chunk_size: 0\n",
                        "scheduler.chunk_size: expected an integer >= 1, got 0"),
                badYaml("ranges", "a bad key of an implementation not chosen", "scheduler:\n  milp_max_candidates: 100\n",
                        "scheduler.milp_max_candidates: expected an integer in [1, 64], got 100"),
                badYaml("ranges", "warm-up swallowing every request", "simulation:\n  warmup_requests: 50\nworkload:\n"
                        + "  num_requests: 50\n", "simulation.warmup_requests: 50 is not below workload.num_requests 20"),
                badYaml("clock", "a duration past the clock", "simulation:\n  duration_s: 1e30\n",
                        "simulation.duration_s: 1.000e+30 s is beyond the simulator's clock"),
                badYaml("clock", "a rate so small the clock overflows", "workload:\n  arrival:\n    process: poisson\n"
                        + "    rate: 1e-12\n", "simulated time would pass 73 years"),
                bad("clock", "an overhead so large the clock overflows", null, List.of("--predictor", "roofline",
                        "--set", "predictor.overhead_ms=1e300", "--num-requests", "3"), "simulated time would pass 73 years"),
                badYaml("values", "async output processing not a boolean", "predictor:\n  async_output_proc: maybe\n",
                        "c.yaml:2: predictor.async_output_proc: expected true or false, got 'maybe'"),
                badYaml("values", "outputs one step late on a pipelined pool", "predictor:\n  async_output_proc: true\n"
                        + "cluster:\n  pp: 2\n", "predictor.async_output_proc: outputs one engine step late are modelled"
                        + " only for mixed pools without pipeline parallelism, and pool 'main' is pipelined (pp=2)"),
                // ---- flags
                flags("flags", "negative request count", List.of("--num-requests", "-1"),
                        "--num-requests -1: workload.num_requests: expected a positive integer"),
                flags("flags", "not a number", List.of("--arrival-rate", "abc"), "'abc' is not a double"),
                flags("flags", "int overflow", List.of("--num-requests", "99999999999"), "is not an int"),
                flags("flags", "unknown flag", List.of("--replicaz", "2"), "Unknown options: '--replicaz', '2'"),
                flags("flags", "--set without '='", List.of("--set", "cluster.tp"), "--set cluster.tp: expected key.path=value"),
                flags("flags", "--set of an empty key", List.of("--set", "cluster..tp=2"), "empty key"),
                flags("flags", "--set into a value", List.of("--set", "cluster.tp.x=2"), "'cluster.tp' is a value, not a section"),
                flags("flags", "--set with bad YAML", List.of("--set", "workload.prompt_tokens={a: ["), "value is not valid YAML"),
                flags("flags", "--duration past the clock", List.of("--duration", "1e30"), "beyond the simulator's clock"),
                flags("flags", "unknown GPU by flag", List.of("--gpu", "h900"), "--gpu h900: cluster.gpu: unknown GPU 'h900'"),
                flags("flags", "tp larger than the heads allow", List.of("--tp", "3"), "--tp 3: cluster.tp: tp=3 does not divide"),
                // ---- catalogs
                flags("catalog", "missing catalog", List.of("--catalog", "$DIR/nope.yaml"), "nope.yaml: file not found"),
                flags("catalog", "catalog is a directory", List.of("--catalog", "$DIR"), "is a directory, expected a file"),
                bad("catalog", "a model of absurd size", null, List.of("--catalog", "$DIR/cat.yaml", "--model", "huge"),
                        "models.huge.num_layers: expected sizes giving at most 1e+16 bytes of weights"),
                badYaml("catalog", "catalog.file missing", "catalog:\n  file: gone.yaml\n", "gone.yaml: file not found"));
    }

    /** A YAML "billion laughs": nine levels of nine aliases each. */
    private static String laughs() {
        StringBuilder b = new StringBuilder("x-0: &l0 [a, a, a, a, a, a, a, a, a]\n");
        for (int i = 1; i <= 9; i++) {
            b.append("x-").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                b.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            b.append("]\n");
        }
        return b.toString();
    }

    private static final String HUGE_MODEL = "models:\n  huge:\n    num_layers: 2000000000\n    hidden_size: 2000000000\n"
            + "    num_heads: 2\n    num_kv_heads: 2\n    intermediate_size: 2000000000\n    vocab_size: 2000000000\n"
            + "    max_model_len: 4096\n    gated_mlp: true\n    tied_embeddings: false\n    bytes_per_param: 2\n"
            + "    source: test\n";

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCaseIsHandled(Case c) throws IOException {
        Path cfgFile = tmp.resolve(c.json() ? "c.json" : "c.yaml");
        if (c.yaml() != null) {
            Files.write(cfgFile, c.yaml().getBytes(StandardCharsets.ISO_8859_1));
        }
        Files.writeString(tmp.resolve("cat.yaml"), HUGE_MODEL);
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        List<String> args = new ArrayList<>(List.of("run", "--output", outDir.resolve("r.json").toString()));
        for (String a : c.args()) {
            args.add(a.replace("$CFG", cfgFile.toString()).replace("$DIR", tmp.toString()));
        }
        CliRun run = CliRun.exec(args);
        String stderr = run.err();
        assertThat(run.code()).as("exit code; stderr=%s", stderr).isEqualTo(c.exit());
        assertThat(stderr).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("io.simfaasinfer.")
                .doesNotContain("java.");
        for (String e : c.expected()) {
            assertThat(stderr).contains(e);
        }
        if (c.exit() == 2) {
            assertThat(stderr.lines().toList()).as("one line").hasSize(1);
            assertThat(stderr).startsWith("error: ");
            assertThat(run.out()).as("nothing on stdout").isEmpty();
            try (Stream<Path> left = Files.list(outDir)) {
                assertThat(left).as("no output or temp file").isEmpty();
            }
            if (c.yaml() != null && c.args().contains("$CFG") && !c.group().equals("clock")
                    && c.expected().stream().noneMatch(e -> e.contains("mapping of sections") || e.contains("document"))
                    && !c.group().equals("catalog") && !c.name().startsWith("binary") && !c.name().startsWith("empty")
                    && !c.name().startsWith("only")) {
                assertThat(stderr).as("the config file is named, with a line").containsPattern("c\\.(yaml|json):\\d+: ");
            }
        } else {
            assertThat(Files.exists(outDir.resolve("r.json"))).isTrue();
        }
    }
}
