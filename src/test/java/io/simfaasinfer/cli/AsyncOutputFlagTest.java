package io.simfaasinfer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --[no-]async-output-proc}: the flag is the key, and the vllm preset's default is on. */
class AsyncOutputFlagTest {

    @TempDir
    Path tmp;

    private String requests(String name, String... extra) throws IOException {
        Path csv = tmp.resolve(name + ".csv");
        var args = new java.util.ArrayList<>(java.util.List.of("run", "--config", "examples/quickstart.yaml",
                "--engine", "vllm", "--num-requests", "200", "--requests-out", csv.toString(), "--quiet"));
        args.addAll(java.util.List.of(extra));
        CliRun r = CliRun.exec(args);
        assertThat(r.code()).as(r.err()).isZero();
        return Files.readString(csv);
    }

    @Test
    void theResultsSayWhetherAPoolHandsItsOutputsOutOneStepLate() throws IOException {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String flag : new String[] {"--async-output-proc", "--no-async-output-proc"}) {
            Path json = tmp.resolve(flag + ".json");
            CliRun r = CliRun.exec("run", "--config", "examples/quickstart.yaml", "--engine", "vllm", "--num-requests",
                    "200", "--output", json.toString(), flag);
            assertThat(r.code()).as(r.err()).isZero();
            boolean on = flag.equals("--async-output-proc");
            assertThat(mapper.readTree(json.toFile()).path("pools").get(0).path("outputs_one_step_late").asBoolean())
                    .isEqualTo(on);
            assertThat(r.out().contains("outputs: one engine step late")).as(r.out()).isEqualTo(on);
        }
    }

    @Test
    void theFlagsSetTheKeyAndThePresetDefaultIsOn() throws IOException {
        String preset = requests("preset");
        String on = requests("on", "--async-output-proc");
        String off = requests("off", "--no-async-output-proc");
        assertThat(on).isEqualTo(preset).isEqualTo(requests("on-key", "--set", "predictor.async_output_proc=true"));
        assertThat(off).isEqualTo(requests("off-key", "--set", "predictor.async_output_proc=false"));
        assertThat(off).isNotEqualTo(on);
    }
}
