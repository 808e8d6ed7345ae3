package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code trace stats} of the replayed stream: transform flags, --config/--set, unchanged output without them. */
class TraceStatsCommandTest {

    private static final String TRACES = "src/test/resources/traces/";
    private static final String AZURE = TRACES + "azure_conv_head200.csv";
    private static final String MOONCAKE = TRACES + "mooncake_conv_head200.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Out(int rc, String out, String err) {
    }

    private static Out run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Out(rc, out.toString(), err.toString());
    }

    private static JsonNode json(String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("trace", "stats", "--json"));
        a.addAll(List.of(args));
        Out o = run(a.toArray(String[]::new));
        assertThat(o.rc()).as(o.err()).isZero();
        return JSON.readTree(o.out());
    }

    /** Output captured from the command before the transform options existed (main at 3ddb32d). */
    @ParameterizedTest
    @ValueSource(strings = {"azure_conv_head200.csv", "burstgpt_sessions.csv", "mooncake_conv_head200.jsonl"})
    void withoutTransformOptionsTheOutputIsUnchanged(String name) throws IOException {
        String text = Files.readString(Path.of(TRACES, "stats", name + ".txt"), StandardCharsets.UTF_8);
        String json = Files.readString(Path.of(TRACES, "stats", name + ".json"), StandardCharsets.UTF_8);
        Out t = run("trace", "stats", TRACES + name);
        Out j = run("trace", "stats", "--json", TRACES + name);
        assertThat(t.rc()).isZero();
        assertThat(t.out()).isEqualTo(text);
        assertThat(j.out()).isEqualTo(json);
        assertThat(t.out()).doesNotContain("transform");
    }

    @Test
    void rateScaleTwoHalvesTheDurationAndDoublesTheRateWithTheSameRows() throws IOException {
        JsonNode base = json(AZURE);
        JsonNode fast = json(AZURE, "--rate-scale", "2");
        assertThat(fast.get("rows").asLong()).isEqualTo(base.get("rows").asLong()).isEqualTo(200);
        assertThat(fast.get("duration_s").asDouble()).isCloseTo(base.get("duration_s").asDouble() / 2, within(1e-8));
        assertThat(fast.get("mean_qps").asDouble()).isCloseTo(2 * base.get("mean_qps").asDouble(), within(1e-6));
        assertThat(fast.get("prompt_tokens")).isEqualTo(base.get("prompt_tokens"));
        assertThat(fast.get("transforms").get("rate_scale").asDouble()).isEqualTo(2.0);
        assertThat(fast.get("transforms").get("applied").get(0).asText()).isEqualTo("rate_scale 2");
        // every existing key is still there
        base.fieldNames().forEachRemaining(k -> assertThat(fast.has(k)).as(k).isTrue());
    }

    /** Arrival times of the Azure sample, ns after its first row, read independently of the trace readers. */
    private static List<long[]> azureRows() throws IOException {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSS");
        List<long[]> rows = new ArrayList<>();
        long t0 = 0;
        for (String line : Files.readAllLines(Path.of(AZURE)).subList(1, 201)) {
            String[] c = line.split(",");
            var t = LocalDateTime.parse(c[0], f).toInstant(ZoneOffset.UTC);
            long ns = t.getEpochSecond() * 1_000_000_000L + t.getNano();
            if (rows.isEmpty()) {
                t0 = ns;
            }
            rows.add(new long[] {ns - t0, Long.parseLong(c[1]), Long.parseLong(c[2])});
        }
        return rows;
    }

    @Test
    void aWindowKeepsExactlyTheRowsInsideIt() throws IOException {
        List<long[]> rows = azureRows();
        long inside = rows.stream().filter(r -> r[0] >= 10_000_000_000L && r[0] < 40_000_000_000L).count();
        long before = rows.stream().filter(r -> r[0] < 10_000_000_000L).count();
        assertThat(inside).isBetween(20L, 180L);
        JsonNode s = json(AZURE, "--start-s", "10", "--end-s", "40");
        assertThat(s.get("rows").asLong()).isEqualTo(inside);
        // rows before the window, and the first row after it (reading stops there)
        assertThat(s.get("transform_counts").get("trace_rows_outside_window").asLong()).isEqualTo(before + 1);
        assertThat(s.get("duration_s").asDouble()).isLessThan(30);
        Out text = run("trace", "stats", AZURE, "--start-s", "10", "--end-s", "40");
        assertThat(text.out()).contains("rows: " + inside + " (").contains("transforms: window [10 s, 40 s)")
                .contains("transform counts: " + (before + 1) + " rows outside window, 0 sampled out");
    }

    @Test
    void maxRequestsKeepsTheFirstRows() throws IOException {
        List<long[]> rows = azureRows().subList(0, 50);
        JsonNode s = json(AZURE, "--max-requests", "50");
        assertThat(s.get("rows").asLong()).isEqualTo(50);
        double meanPrompt = rows.stream().mapToLong(r -> r[1]).average().orElseThrow();
        assertThat(s.get("prompt_tokens").get("mean").asDouble()).isCloseTo(meanPrompt, within(1e-9));
        assertThat(s.get("duration_s").asDouble()).isCloseTo(rows.get(49)[0] / 1e9, within(1e-9));
    }

    @Test
    void samplingIsDeterministicWithTheSeed() throws IOException {
        JsonNode a = json(AZURE, "--sample", "0.5", "--seed", "7");
        JsonNode b = json(AZURE, "--sample", "0.5", "--seed", "7");
        JsonNode c = json(AZURE, "--sample", "0.5", "--seed", "8");
        assertThat(a).isEqualTo(b);
        long kept = a.get("rows").asLong();
        assertThat(kept + a.get("transform_counts").get("trace_rows_sampled_out").asLong()).isEqualTo(200);
        assertThat(kept).isBetween(70L, 130L); // Binomial(200, 0.5): mean 100, sd 7
        assertThat(c.get("prompt_tokens")).isNotEqualTo(a.get("prompt_tokens"));
    }

    @Test
    void aConfigWithATraceSectionGivesTheSameStatsAsTheFlags(@TempDir Path dir) throws IOException {
        Path trace = Path.of(AZURE).toAbsolutePath();
        Path cfg = dir.resolve("replay.yaml");
        Files.writeString(cfg, "simulation: {random_seed: 11}\nworkload:\n  trace:\n    file: '" + trace + "'\n"
                + "    start_s: 5\n    end_s: 50\n    rate_scale: 1.5\n    sample: 0.8\n    max_requests: 90\n");
        JsonNode viaConfig = json("--config", cfg.toString());
        JsonNode viaFlags = json(AZURE, "--start-s", "5", "--end-s", "50", "--rate-scale", "1.5", "--sample", "0.8",
                "--max-requests", "90", "--seed", "11");
        assertThat(viaConfig).isEqualTo(viaFlags);
        JsonNode viaSet = json(AZURE, "--set", "workload.trace.start_s=5", "--set", "workload.trace.end_s=50",
                "--set", "workload.trace.rate_scale=1.5", "--set", "workload.trace.sample=0.8",
                "--set", "workload.trace.max_requests=90", "--set", "simulation.random_seed=11");
        assertThat(viaSet).isEqualTo(viaFlags);
    }

    @Test
    void aRepeatedPassSharesNoPrefixWithThePreviousOne() throws IOException {
        JsonNode once = json(MOONCAKE);
        JsonNode twice = json(MOONCAKE, "--set", "workload.trace.repeat=2");
        assertThat(twice.get("rows").asLong()).isEqualTo(2 * once.get("rows").asLong());
        assertThat(twice.get("hash_blocks").asLong()).isEqualTo(2 * once.get("hash_blocks").asLong());
        assertThat(twice.get("shared_hash_blocks").asLong()).isEqualTo(2 * once.get("shared_hash_blocks").asLong());
    }

    @Test
    void clippingToTheContextIsCounted() throws IOException {
        // the Mooncake sample has prompts up to 120639 tokens; the default model's window is smaller
        JsonNode s = json(MOONCAKE, "--set", "workload.trace.clip_to_context=true");
        long window = s.get("transforms").get("max_model_len").asLong();
        assertThat(s.get("prompt_tokens").get("max").asLong()).isLessThan(window);
        assertThat(s.get("transform_counts").get("requests_prompt_clipped").asLong()).isPositive();
    }

    @Test
    void badTransformFlagsAreOneLineErrorsNamingTheFlag() {
        for (String[] bad : new String[][] {{"--rate-scale", "0"}, {"--start-s", "10", "--end-s", "5"},
                {"--sample", "1.5"}, {"--max-requests", "0"}, {"--target-qps", "-1"}}) {
            List<String> a = new ArrayList<>(List.of("trace", "stats", AZURE));
            a.addAll(List.of(bad));
            Out o = run(a.toArray(String[]::new));
            String flag = bad[bad.length - 2];
            assertThat(o.rc()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(o.out()).isEmpty();
            assertThat(o.err().strip()).startsWith("error: " + flag + ":").doesNotContain("\n");
        }
    }
}
