package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.ConfigWarning;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class InapplicableKeysTest {

    @TempDir
    Path dir;

    private static final String SERVERLESS = "while serverless is disabled (used when: serverless.enabled is true, or --serverless)";

    /**
     * One configuration and the warnings it must give.
     *
     * @param name      what it shows
     * @param yaml      the config file's text (null: no file)
     * @param overrides flags and --set, each {@code key=value|label} (label "" for a --set)
     * @param expected  the exact warning lines; {@code $FILE} stands for the config file's path
     */
    record Case(String name, String yaml, List<String> overrides, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, String yaml, List<String> overrides, String... expected) {
        return new Case(name, yaml, overrides, List.of(expected));
    }

    static Stream<Case> cases() {
        return Stream.of(
                c("defaults alone never warn", null, List.of()),
                c("a file setting only applicable keys gives none",
                        "scheduler:\n  name: vllm\n  max_num_seqs: 256\n", List.of()),
                c("chunk_size in the file with vllm", "scheduler:\n  chunk_size: 256\n", List.of(),
                        "$FILE: scheduler.chunk_size has no effect with scheduler 'vllm' (used by: sarathi)"),
                c("chunk_size by --set with orca", null, List.of("scheduler.name=orca", "scheduler.chunk_size=256|"),
                        "--set scheduler.chunk_size=256: scheduler.chunk_size has no effect with scheduler 'orca'"
                                + " (used by: sarathi)"),
                c("long_prefill_token_threshold by --set with vllm", null,
                        List.of("scheduler.long_prefill_token_threshold=256|"),
                        "--set scheduler.long_prefill_token_threshold=256: scheduler.long_prefill_token_threshold has no"
                                + " effect with scheduler 'vllm' (used by: vllm-v1)"),
                c("long_prefill_token_threshold with vllm-v1 applies", "scheduler:\n  name: vllm-v1\n"
                        + "  long_prefill_token_threshold: 256\n", List.of()),
                c("ft_padding by --set with vllm", null, List.of("scheduler.ft_padding=false|"),
                        "--set scheduler.ft_padding=false: scheduler.ft_padding has no effect with scheduler 'vllm'"
                                + " (used by: faster-transformer, ft)"),
                c("ft_padding with ft applies", "scheduler:\n  name: ft\n  ft_padding: false\n", List.of()),
                c("ft_padding with faster-transformer applies", null,
                        List.of("scheduler.name=faster-transformer", "scheduler.ft_padding=false|")),
                c("chunk_size with sarathi applies", "scheduler:\n  name: sarathi\n  chunk_size: 256\n", List.of()),
                c("chunk_size in the file, sarathi by a flag: applies",
                        "scheduler:\n  chunk_size: 256\n", List.of("scheduler.name=sarathi|--scheduler sarathi")),
                c("watermark with vllm-v1", null, List.of("scheduler.name=vllm-v1", "scheduler.watermark=0.05|"),
                        "--set scheduler.watermark=0.05: scheduler.watermark has no effect with scheduler 'vllm-v1'"
                                + " (used by: sarathi, vllm)"),
                c("milp keys with fcfs", "scheduler:\n  milp_time_limit_ms: 50\n  milp_max_candidates: 8\n", List.of(),
                        "$FILE: scheduler.milp_time_limit_ms has no effect with local policy 'fcfs' (used by: milp)",
                        "$FILE: scheduler.milp_max_candidates has no effect with local policy 'fcfs' (used by: milp)"),
                c("milp keys with milp apply", "scheduler:\n  local_policy: milp\n  milp_max_candidates: 8\n",
                        List.of()),
                c("serverless key by a flag while serverless is off", null,
                        List.of("serverless.max_instances=4|--max-instances 4"),
                        "--max-instances 4: serverless.max_instances has no effect " + SERVERLESS),
                c("nested serverless keys in the file while off",
                        "serverless:\n  enabled: false\n  cold_start:\n    pinned_gb_s: 20\n", List.of(),
                        "$FILE: serverless.cold_start.pinned_gb_s has no effect " + SERVERLESS),
                c("another autoscaler's settings",
                        "serverless:\n  enabled: true\n  autoscaler:\n    name: concurrency\n    threshold:\n"
                                + "      cooldown_s: 10\n    concurrency:\n      target: 5\n", List.of(),
                        "$FILE: serverless.autoscaler.threshold.cooldown_s has no effect with autoscaler 'concurrency'"
                                + " (used by: threshold)"),
                c("host cache without locality", "serverless:\n  enabled: true\n  cold_start:\n    locality: false\n"
                                + "    host_cache_ttl_s: 30\n", List.of(),
                        "$FILE: serverless.cold_start.host_cache_ttl_s has no effect with serverless.cold_start.locality"
                                + " 'false' (used by: locality true)"),
                c("replicas with serverless on", "cluster:\n  replicas: 4\n", List.of("serverless.enabled=true|--serverless"),
                        "$FILE: cluster.replicas has no effect with serverless enabled (the fleet is"
                                + " serverless.min_instances..max_instances; only serverless compare's always-on"
                                + " baseline uses it)"),
                c("roofline efficiencies under the built-in profile", "predictor:\n  compute_efficiency: 0.5\n", List.of(),
                        "$FILE: predictor.compute_efficiency has no effect with predictor 'profile' (used by: roofline)"),
                c("roofline efficiencies with the roofline apply", "predictor:\n  compute_efficiency: 0.5\n",
                        List.of("predictor.kind=roofline|--predictor roofline")),
                c("telemetry_offset without telemetry", null, List.of("predictor.telemetry_offset=true|"),
                        "--set predictor.telemetry_offset=true: predictor.telemetry_offset has no effect without"
                                + " predictor.telemetry (used by: telemetry calibration)"),
                c("num_requests and arrival with a trace",
                        "workload:\n  num_requests: 50\n  arrival:\n    process: poisson\n    rate: 3\n", List.of(
                        "workload.trace.file=" + Path.of("data/traces/azure_llm_2023_conv.csv").toAbsolutePath()
                                + "|--trace t.csv"),
                        "$FILE: workload.num_requests has no effect with a trace replay (workload.trace is set; the"
                                + " trace gives arrivals and lengths)",
                        "$FILE: workload.arrival.process has no effect with a trace replay (workload.trace is set; the"
                                + " trace gives arrivals and lengths)",
                        "$FILE: workload.arrival.rate has no effect with a trace replay (workload.trace is set; the"
                                + " trace gives arrivals and lengths)"),
                c("top-level arrival rate with classes", "workload:\n  classes:\n    - name: a\n      arrival:"
                                + " {process: poisson, rate: 2}\n", List.of("workload.arrival.rate=5|--arrival-rate 5"),
                        "--arrival-rate 5: workload.arrival.rate has no effect with workload.classes (each class has"
                                + " its own arrival)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void warnsExactlyForUserSetKeysWithoutEffect(Case k) throws IOException {
        Path file = null;
        if (k.yaml() != null) {
            file = dir.resolve("my.yaml");
            Files.writeString(file, k.yaml());
        }
        List<ConfigLoader.Override> overrides = new ArrayList<>();
        for (String o : k.overrides()) {
            int bar = o.indexOf('|');
            String assignment = bar < 0 ? o : o.substring(0, bar);
            String label = bar < 0 || bar == o.length() - 1 ? "--set " + assignment : o.substring(bar + 1);
            overrides.add(new ConfigLoader.Override(assignment, label));
        }
        List<String> got = warnings(file, overrides);
        String f = String.valueOf(file);
        // a warning names the key's line in the file (file:N:); the cases compare the rest
        got = got.stream().map(w -> w.replaceFirst(java.util.regex.Pattern.quote(f) + ":\\d+:", f + ":")).toList();
        assertThat(got).containsExactlyElementsOf(k.expected().stream().map(e -> e.replace("$FILE", f)).toList());
    }

    @Test
    void everyDefaultKeySetExplicitlyToItsDefaultWarnsOnlyWhereARuleSaysSo() throws IOException {
        // the whole defaults file restated by the user: every warning names a key a rule covers
        String defaults;
        try (var in = ConfigLoader.class.getResourceAsStream("/defaults.yaml")) {
            defaults = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Path file = dir.resolve("all.yaml");
        Files.writeString(file, defaults);
        List<String> got = warnings(file, List.of());
        assertThat(got).isNotEmpty().allSatisfy(w -> assertThat(w).matches(java.util.regex.Pattern.quote(file.toString()) + ":\\d+: .*").contains(" has no effect "));
        assertThat(got).anyMatch(w -> w.contains("scheduler.chunk_size"))
                .anyMatch(w -> w.contains("serverless.keep_alive_s"))
                .noneMatch(w -> w.matches(".*:\\d+: serverless\\.enabled .*"))
                .noneMatch(w -> w.contains("scheduler.max_num_seqs"));
        // and the same defaults, not restated, give none
        assertThat(warnings(null, List.of())).isEmpty();
    }

    @Test
    void aKeySetInTheFileAndAgainByAFlagIsNamedByTheFlag() throws IOException {
        Path file = dir.resolve("f.yaml");
        Files.writeString(file, "scheduler:\n  chunk_size: 128\n");
        assertThat(warnings(file, List.of(ConfigLoader.Override.set("scheduler.chunk_size=64"))))
                .containsExactly("--set scheduler.chunk_size=64: scheduler.chunk_size has no effect with scheduler"
                        + " 'vllm' (used by: sarathi)");
    }

    private static List<String> warnings(Path file, List<ConfigLoader.Override> overrides) {
        Catalog catalog = Catalog.builtin();
        ConfigLoader.Loaded loaded = new ConfigLoader().loadWith(file, overrides);
        SimulatorConfig validated = ConfigValidator.validate(loaded, catalog);
        return InapplicableKeys.warnings(loaded, validated, catalog).stream().map(ConfigWarning::text).toList();
    }
}
