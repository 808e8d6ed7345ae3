package io.simfaasinfer.workload.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.cli.Main;
import io.simfaasinfer.config.SimulationConfig;
import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.workload.TraceSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The two shipped production traces ({@code data/traces}): {@code trace stats} against figures
 * computed here independently (java.time and Jackson rather than the readers), full replay under
 * vLLM with every request accounted for, and rate scaling.
 */
class RealTraceTest {

    static final Path AZURE = Path.of("data/traces/azure_llm_2023_conv.csv");
    static final Path MOONCAKE = Path.of("data/traces/mooncake_conversation_trace.jsonl");

    /** rows, duration s, mean prompt, mean output, computed without the project's readers. */
    private record Truth(long rows, double durationS, double meanPrompt, double meanOutput) {
    }

    private static Truth azureTruth() throws IOException {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSS");
        List<String> lines = Files.readAllLines(AZURE);
        double first = Double.NaN;
        double last = 0;
        long n = 0;
        long p = 0;
        long o = 0;
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            LocalDateTime t = LocalDateTime.parse(c[0], f);
            double s = t.toEpochSecond(ZoneOffset.UTC) + t.getNano() / 1e9;
            first = n == 0 ? s : first;
            last = s;
            n++;
            p += Long.parseLong(c[1]);
            o += Long.parseLong(c[2]);
        }
        return new Truth(n, last - first, (double) p / n, (double) o / n);
    }

    private static Truth mooncakeTruth() throws IOException {
        ObjectMapper m = new ObjectMapper();
        long n = 0;
        long p = 0;
        long o = 0;
        double first = 0;
        double last = 0;
        for (String l : Files.readAllLines(MOONCAKE)) {
            JsonNode j = m.readTree(l);
            double t = j.get("timestamp").asDouble() / 1000;
            first = n == 0 ? t : first;
            last = t;
            n++;
            p += j.get("input_length").asLong();
            o += j.get("output_length").asLong();
        }
        return new Truth(n, last - first, (double) p / n, (double) o / n);
    }

    private static JsonNode statsJson(Path file) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(new String[] {"trace", "stats", file.toString(), "--json"}, new PrintWriter(out),
                new PrintWriter(err));
        assertThat(rc).as(err.toString()).isZero();
        return new ObjectMapper().readTree(out.toString());
    }

    private static void assertStats(JsonNode s, Truth t) {
        assertThat(s.get("rows").asLong()).isEqualTo(t.rows());
        assertThat(s.get("malformed_rows").asLong()).isZero();
        assertThat(s.get("duration_s").asDouble()).isCloseTo(t.durationS(), within(1e-6));
        assertThat(s.get("mean_qps").asDouble()).isCloseTo(t.rows() / t.durationS(), within(1e-9));
        assertThat(s.at("/prompt_tokens/mean").asDouble()).isCloseTo(t.meanPrompt(), within(1e-9));
        assertThat(s.at("/output_tokens/mean").asDouble()).isCloseTo(t.meanOutput(), within(1e-9));
        for (String k : List.of("peak_qps_1s", "peak_qps_1min", "interarrival_cv", "prompt_tokens/p50",
                "prompt_tokens/p99", "output_tokens/p50", "output_tokens/p99")) {
            assertThat(s.at("/" + k).isNumber()).as(k).isTrue();
        }
        // a 1-minute peak rate can never exceed the 1-second one, nor fall below the mean
        assertThat(s.get("peak_qps_1min").asDouble()).isBetween(t.rows() / t.durationS(), s.get("peak_qps_1s").asDouble());
    }

    @Test
    void azureTraceStatsMatchAnIndependentCount() throws IOException {
        JsonNode s = statsJson(AZURE);
        assertStats(s, azureTruth());
        assertThat(s.get("format").asText()).isEqualTo("azure");
        assertThat(s.has("prefix_sharing_ratio")).isFalse();
    }

    @Test
    void mooncakeTraceStatsMatchAnIndependentCount() throws IOException {
        JsonNode s = statsJson(MOONCAKE);
        assertStats(s, mooncakeTruth());
        // prefix sharing, computed independently: leading hash ids seen in earlier rows
        ObjectMapper m = new ObjectMapper();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long total = 0;
        long shared = 0;
        for (String l : Files.readAllLines(MOONCAKE)) {
            JsonNode h = m.readTree(l).get("hash_ids");
            boolean prefix = true;
            for (JsonNode id : h) {
                prefix &= !seen.add(id.asLong());
                shared += prefix ? 1 : 0;
                total++;
            }
        }
        assertThat(s.get("hash_blocks").asLong()).isEqualTo(total);
        assertThat(s.get("prefix_sharing_ratio").asDouble()).isCloseTo((double) shared / total, within(1e-12));
    }

    @Test
    void statsPlotIsAPng(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path png = dir.resolve("rate.png");
        int rc = Main.execute(new String[] {"trace", "stats", MOONCAKE.toString(), "--plot", png.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertThat(rc).isZero();
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertThat(head).containsExactly(0x89, 'P', 'N', 'G');
    }

    @Test
    void azureReplaysEndToEndUnderVllm() {
        SimulationResult r = new Simulator(TestConfigs.of("workload.trace.file=" + AZURE, "cluster.replicas=4",
                "model.name=llama-2-7b", "workload.trace.clip_to_context=true"), Catalog.builtin(), null, null).run();
        assertThat(r.requests().arrived()).isEqualTo(19_366);
        assertThat(r.requests().completed() + r.requests().rejected()).isEqualTo(r.requests().arrived());
        assertThat(r.requests().completed()).isEqualTo(19_366);
        assertThat(r.workloadAdjustments()).containsEntry("trace_requests", 19_366L);
        // prompts and outputs beyond llama-2-7b's 4096-token window are clipped, and counted
        long over = 0;
        try {
            for (String l : Files.readAllLines(AZURE).subList(1, 19_367)) {
                String[] c = l.split(",");
                over += Integer.parseInt(c[1]) + Integer.parseInt(c[2]) > 4096 ? 1 : 0;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(over).isPositive();
        assertThat(r.workloadAdjustments().get("requests_output_clipped")).isEqualTo(over);
    }

    @Test
    void mooncakeReplaysEndToEndUnderVllm() {
        SimulationResult r = new Simulator(TestConfigs.of("workload.trace.file=" + MOONCAKE, "cluster.replicas=4",
                "model.name=llama-3.1-8b", "scheduler.max_num_batched_tokens=131072"), Catalog.builtin(), null, null).run();
        assertThat(r.requests().arrived()).isEqualTo(12_031);
        assertThat(r.requests().completed() + r.requests().rejected()).isEqualTo(r.requests().arrived());
        assertThat(r.requests().completed()).isEqualTo(12_031);
    }

    /** Arrival times (ns) of every request a replay of {@code cfg} produces. */
    private static long[] arrivals(TraceConfig cfg) {
        try (TraceSource src = new TraceSource(cfg, new SimulationConfig(42, null, 0, 0), 131_072, 16, false, null,
                new RandomStreams(42), "")) {
            long[] out = new long[20_000];
            int n = 0;
            for (Request r = src.next(); r != null; r = src.next()) {
                out[n++] = r.arrivalNs();
            }
            return java.util.Arrays.copyOf(out, n);
        }
    }

    @Test
    void rateScaleTwoHalvesTheDurationAndKeepsEveryRow() {
        TraceConfig base = TraceConfig.of(AZURE.toString(), "auto");
        long[] one = arrivals(base);
        long[] two = arrivals(new TraceConfig(AZURE.toString(), "auto", null, null, null, null, null, 2.0, null, null,
                null, null, null, null, null, null));
        assertThat(two).hasSameSizeAs(one).hasSize(19_366);
        for (int i = 0; i < one.length; i++) {
            assertThat(two[i]).isCloseTo(one[i] / 2, within(1L));
        }
        // target_qps: the factor that gives the requested mean rate
        long[] target = arrivals(new TraceConfig(AZURE.toString(), "auto", null, null, null, null, null, null, 11.0,
                null, null, null, null, null, null, null));
        assertThat((target.length - 1) / (target[target.length - 1] / 1e9)).isCloseTo(11.0 * (target.length - 1)
                / target.length, within(1e-6));
    }

    @Test
    void windowLimitSampleAndRepeatTransforms() {
        // the first 600 s of the trace, at most 1000 requests
        long[] w = arrivals(new TraceConfig(AZURE.toString(), "auto", null, null, null, 600.0, 1200.0, null, null,
                1000L, null, null, null, null, null, null));
        assertThat(w).hasSize(1000);
        assertThat(w[0]).isLessThan(2_000_000_000L);
        assertThat(w[w.length - 1]).isLessThan(600_000_000_000L);
        long[] sampled = arrivals(new TraceConfig(AZURE.toString(), "auto", null, null, null, null, null, null, null,
                null, 0.25, null, null, null, null, null));
        assertThat(sampled.length).isBetween(4_600, 5_100); // Binomial(19366, 0.25): mean 4842, sd 60
        long[] twice = arrivals(new TraceConfig(AZURE.toString(), "auto", null, null, null, null, 60.0, null, null,
                null, null, null, 2, null, null, null));
        int half = twice.length / 2;
        assertThat(twice.length % 2).isZero();
        assertThat(twice[half]).isGreaterThan(twice[half - 1]);
        for (int i = 1; i < half; i++) {
            assertThat(twice[half + i] - twice[half]).isEqualTo(twice[i] - twice[0]);
        }
    }
}
