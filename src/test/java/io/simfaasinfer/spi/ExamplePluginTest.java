package io.simfaasinfer.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example plug-in module (examples/plugin-scheduler) end to end, as a user would use it:
 * its sources are compiled against the simulator alone, its classes and META-INF/services files
 * are put on the class path of a fresh JVM beside the simulator, and the unchanged command line
 * runs its scheduler and local policy by name (found by {@link java.util.ServiceLoader}).
 */
class ExamplePluginTest {

    private static final Path MODULE = Path.of("examples", "plugin-scheduler");

    @TempDir
    Path tmp;

    private Path compilePlugin() throws IOException {
        Path classes = tmp.resolve("plugin-classes");
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "--release", "17", "-Xlint:none"));
        try (Stream<Path> s = Files.walk(MODULE.resolve("src/main/java"))) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac exit").isZero();
        Path services = MODULE.resolve("src/main/resources/META-INF/services");
        Path target = Files.createDirectories(classes.resolve("META-INF/services"));
        try (Stream<Path> s = Files.list(services)) {
            for (Path p : s.toList()) {
                Files.copy(p, target.resolve(p.getFileName()));
            }
        }
        return classes;
    }

    private record Result(int code, String out) {
    }

    private static Result simfaasinfer(Path pluginClasses, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", pluginClasses + File.pathSeparator + System.getProperty("java.class.path"),
                "io.simfaasinfer.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void theExamplePluginsSchedulerAndLocalPolicyRunFromTheCommandLine() throws Exception {
        Path plugin = compilePlugin();
        Path json = tmp.resolve("cmp.json");
        // a burst of 8 requests on one replica: vLLM batches them, the serial plug-in serves one at a time
        Result r = simfaasinfer(plugin, "compare", "--schedulers", "vllm,serial", "--local-policies",
                "fcfs,longest-first", "--num-requests", "8", "--arrival", "constant", "--arrival-rate", "1e9",
                "--prompt-tokens", "512", "--output-tokens", "64", "--output", json.toString(), "--threads", "1");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("vllm/fcfs", "serial/fcfs", "serial/longest-first");
        var runs = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).path("runs");
        var vllm = runs.get(0).path("result");
        var serial = runs.get(2).path("result");
        assertThat(serial.path("requests").path("completed").asLong()).isEqualTo(8);
        assertThat(serial.path("requests").path("preemptions").asLong()).isZero();
        // one at a time: the last request starts after seven whole requests, so TTFT spreads ~8x wider
        assertThat(serial.path("ttft_ms").path("max").asDouble())
                .isGreaterThan(5 * vllm.path("ttft_ms").path("max").asDouble());
        assertThat(serial.path("simulation").path("iterations").asLong()).as("1 prefill + 63 decodes each")
                .isEqualTo(8 * 64);

        // without the plug-in on the class path the name is unknown: one line, exit 2
        Result missing = simfaasinfer(tmp.resolve("none"), "run", "--scheduler", "serial", "--num-requests", "1");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.out().strip()).doesNotContain("\n").contains("unknown scheduler 'serial'");
    }
}
