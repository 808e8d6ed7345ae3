package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PredictAndProfileCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void predictWritesOneLinePerBatchInOrderWithABreakdownThatSums(@TempDir Path dir) throws Exception {
        Path batches = dir.resolve("b.jsonl");
        Files.writeString(batches, """
                {"prefill_tokens":[512,384], "prefill_context":[0,1024], "decode_context":[1024,700,700]}

                {"decode_context":[128]}
                {"prefill_tokens":[8192]}
                """);
        assertThat(run("predict", "--model", "llama-2-7b", "--gpu", "h100-80gb", "--batches", batches.toString()))
                .as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\n");
        assertThat(lines).hasSize(3);
        ObjectMapper m = new ObjectMapper();
        double[] ms = new double[3];
        for (int i = 0; i < 3; i++) {
            JsonNode n = m.readTree(lines[i]);
            JsonNode b = n.get("breakdown");
            double sum = b.get("linear_ms").asDouble() + b.get("prefill_attention_ms").asDouble()
                    + b.get("decode_attention_ms").asDouble() + b.get("lm_head_ms").asDouble()
                    + b.get("communication_ms").asDouble() + b.get("overhead_ms").asDouble();
            ms[i] = n.get("iteration_ms").asDouble();
            assertThat(sum).isCloseTo(ms[i], org.assertj.core.data.Offset.offset(1e-9));
        }
        // measured on the H100: decode of one 128-token sequence 7.43 ms, prefill of 8192 tokens 279 ms
        assertThat(ms[1]).isCloseTo(7.43, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(ms[2]).isCloseTo(279.2, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(ms[0]).isGreaterThan(ms[1]);
    }

    @Test
    void predictRejectsABadLineNamingFileAndLineAndPrintsNothing(@TempDir Path dir) throws Exception {
        Path batches = dir.resolve("b.jsonl");
        Files.writeString(batches, "{\"prefill_tokens\":[5]}\n{\"prefill_tokens\":[5], \"prefil_context\":[0]}\n");
        assertThat(run("predict", "--batches", batches.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("error: " + batches + ": line 2: unknown field 'prefil_context'")
                .doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();

        Files.writeString(batches, "{\"prefill_tokens\":[512], \"prefill_context\":[0, 1]}\n");
        assertThat(run("predict", "--batches", batches.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("line 1: prefill_context has 2 entries but prefill_tokens has 1");
    }

    @Test
    void profileInspectReportsLeaveOneOutErrorAndWritesAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("fit.png");
        assertThat(run("profile", "inspect", "data/profiling/compute/h100/llama-3-8b", "--json", "--plot", png.toString()))
                .as(err.toString()).isZero();
        JsonNode n = new ObjectMapper().readTree(out.toString());
        assertThat(n.get("model").asText()).isEqualTo("llama-3-8b");
        assertThat(n.get("points").size()).isEqualTo(83);
        assertThat(n.get("leave_one_out").get("median").asDouble()).isLessThan(0.03);
        assertThat(n.get("leave_one_out").get("max").asDouble()).isLessThan(0.10);
        byte[] head = Files.readAllBytes(png);
        assertThat(head).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("fit.png");
        }
    }

    @Test
    void profileInspectOfAMissingOrBrokenProfileIsBadInput(@TempDir Path dir) throws Exception {
        assertThat(run("profile", "inspect", dir.resolve("nope").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file or directory").doesNotContain("\tat ");
        Path broken = dir.resolve("llama-2-7b");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("fitted_profile.json"), "[{\"type\":\"prefill\",\"seq_len\":128}]");
        Files.writeString(broken.resolve("metadata.json"), "{\"model_name\":\"llama-2-7b\"}");
        assertThat(run("profile", "inspect", broken.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("fitted_profile.json").contains("entry 0");
    }

    @Test
    void runWithCalibrateFromReportsTheCalibrationInTheResults(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        assertThat(run("run", "--model", "llama-2-13b", "--num-requests", "20", "--calibrate-from",
                "data/profiling/compute/h100/llama-2-7b,data/profiling/compute/h100/llama-3-8b", "--output", json.toString(),
                "--quiet")).as(err.toString()).isZero();
        JsonNode sim = new ObjectMapper().readTree(json.toFile()).get("simulation");
        assertThat(sim.get("predictor_mode").asText()).isEqualTo("calibrated");
        assertThat(sim.get("predictor_notes").get(0).asText()).contains("roofline calibrated on h100-80gb")
                .contains("decode attention 0.899 (measured copy bandwidth)");
    }
}
