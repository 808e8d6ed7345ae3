package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The start-up warm-up thread ({@link Warmup}): when it starts, that it finishes, and that no result depends on it. */
class WarmupTest {

    @TempDir
    Path tmp;

    @Test
    void theWarmUpItselfSucceedsOnTheBuiltInDefaults() {
        // the thread swallows failures (the run reports its own): here a broken warm-up fails loudly
        assertThatCode(Warmup::warmUp).doesNotThrowAnyException();
    }

    @Test
    void itStartsOnlyForSimulatingCommandsOnMoreThanOneCpu() throws InterruptedException {
        assertThat(Warmup.start(new String[0], 4)).isNull();
        assertThat(Warmup.start(new String[]{"catalog", "list"}, 4)).isNull();
        assertThat(Warmup.start(new String[]{"--help"}, 4)).isNull();
        assertThat(Warmup.start(new String[]{"run", "--config", "x.yaml"}, 1)).isNull();
        for (String command : Warmup.COMMANDS) {
            Thread t = Warmup.start(new String[]{command}, 2);
            assertThat(t).as(command).isNotNull();
            assertThat(t.isDaemon()).isTrue();
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(t.isAlive()).as("the warm-up of " + command + " finished").isFalse();
        }
    }

    @Test
    void freshProcessesWithAndWithoutTheWarmUpWriteTheSameResults() throws Exception {
        // a fresh JVM each (in this one every class is initialised already): the warm-up thread races the
        // main thread through the same class initialisations and shared mappers; the results must not move,
        // and the process must end (no initialisation deadlock)
        Path config = Path.of("examples/quickstart.yaml").toAbsolutePath();
        JsonNode off = run(config, "false", tmp.resolve("off.json"));
        for (int i = 0; i < 2; i++) {
            JsonNode on = run(config, "true", tmp.resolve("on" + i + ".json"));
            assertThat(on).isEqualTo(off);
        }
    }

    private static JsonNode run(Path config, String warmup, Path out) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:ActiveProcessorCount=2", "-Dsimfaasinfer.warmup=" + warmup,
                "-cp", System.getProperty("java.class.path"), "io.simfaasinfer.cli.Main",
                "run", "-q", "--config", config.toString(), "--num-requests", "300", "--output", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] printed = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the process ended").isTrue();
        assertThat(p.exitValue()).as(new String(printed, StandardCharsets.UTF_8)).isZero();
        assertThat(printed).as("--quiet prints nothing").isEmpty();
        JsonNode json = new ObjectMapper().readTree(Files.readString(out));
        ((ObjectNode) json.get("simulation")).remove("wall_s");
        return json;
    }
}
