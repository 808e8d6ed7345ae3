package io.simfaasinfer.cli;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.validation.ConfigResolution;
import io.simfaasinfer.config.ConfigWarning;
import io.simfaasinfer.metrics.SimulationResult;
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

/**
 * Every shipped example configuration runs, through the CLI and through the Java API (as the
 * README shows it), with exit status 0 and without a single warning about itself; shortened to 200
 * requests (a trace: its first 200 rows) to stay fast. The planning examples run through
 * {@code plan} on a one-candidate space.
 */
class ShippedExamplesTest {

    @TempDir
    Path tmp;

    static Stream<Path> runConfigs() throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path dir : List.of(Path.of("examples"), Path.of("examples/deployments"))) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(all::add);
            }
        }
        assertThat(all).hasSizeGreaterThanOrEqualTo(13);
        return all.stream();
    }

    /** Fewer requests, in the key the example uses (a trace's length is its own). */
    private static List<String> shortened(Path example) {
        boolean trace = new ConfigLoader().load(example, List.of()).config().workload().trace() != null;
        return List.of(trace ? "workload.trace.max_requests=200" : "workload.num_requests=200");
    }

    private static List<String> warningLines(String stderr) {
        return stderr.lines().filter(l -> l.startsWith("warning:")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runConfigs")
    void runsThroughTheCliWithoutWarnings(Path example) {
        List<String> args = new ArrayList<>(List.of("run", "--config", example.toString(), "--output",
                tmp.resolve("r.json").toString()));
        shortened(example).forEach(s -> args.addAll(List.of("--set", s)));
        var run = BadConfigTest.exec(args.toArray(String[]::new));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(warningLines(run.err())).as(example.toString()).isEmpty();
        assertThat(run.out()).contains("requests:");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runConfigs")
    void runsThroughTheJavaApiWithoutWarnings(Path example) {
        // as README's Java API section: resolve (paths relative to the file, validation, warnings), then run
        ConfigResolution r = ConfigResolution.of(example, shortened(example).stream().map(ConfigLoader.Override::set)
                .toList(), null);
        assertThat(r.warnings().stream().map(ConfigWarning::text).toList()).as(example.toString()).isEmpty();
        SimulationResult result = new Simulator(r.config(), r.catalog(), null, null).run();
        assertThat(result.requests().completed()).isPositive();
    }

    @Test
    void thePlanningExamplesPlanWithoutWarnings() {
        String[] small = {"--set", "simulation.duration=5", "--set", "simulation.warmup_duration=1",
            "--set", "config_space.gpu_types=[H100]", "--set", "config_space.num_gpus=[1]",
            "--set", "config_space.num_replicas=[1]", "--set", "config_space.schedulers=[vllm]", "--jobs", "1",
            "--output", tmp.resolve("plan.json").toString()};
        List<String[]> plans = List.of(
                new String[] {"plan", "--request", "examples/planning/capacity_planning_request.yaml"},
                new String[] {"plan", "--request", "examples/planning/full_space_request.yaml"},
                new String[] {"plan", "--model", "llama-3-8b", "--workload", "examples/planning/workload_production.yaml",
                    "--constraints", "examples/planning/strict_slos.yaml"});
        for (String[] plan : plans) {
            String[] args = Stream.concat(Stream.of(plan), Stream.of(small)).toArray(String[]::new);
            var run = BadConfigTest.exec(args);
            assertThat(run.code()).as(String.join(" ", plan) + "\n" + run.err()).isZero();
            assertThat(warningLines(run.err())).as(String.join(" ", plan)).isEmpty();
        }
    }
}
