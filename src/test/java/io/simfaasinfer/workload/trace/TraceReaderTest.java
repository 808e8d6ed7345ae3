package io.simfaasinfer.workload.trace;

import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.workload.TraceSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each reader on small hand-written files whose every row is known; detection; malformed rows. */
class TraceReaderTest {

    @TempDir
    Path dir;

    /** (time ns, prompt, output, hash count) of every row. */
    private List<long[]> read(TraceConfig cfg) {
        List<long[]> out = new ArrayList<>();
        TraceRow row = new TraceRow();
        try (TraceReader in = TraceFormats.open(cfg, "")) {
            while (in.next(row)) {
                out.add(new long[] {row.timeNs, row.promptTokens, row.outputTokens, row.hashCount()});
            }
        }
        return out;
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void aMissingTraceIsNamedAndABundledOneOfTheSameNameIsSuggested() {
        // the tests run in the project root, where data/traces/ holds the two bundled traces
        assertThat(TraceReader.notFound(Path.of("azure_llm_2023_conv.csv")))
                .isEqualTo("azure_llm_2023_conv.csv: trace file not found; did you mean "
                        + Path.of("data", "traces", "azure_llm_2023_conv.csv") + "?");
        assertThat(TraceReader.notFound(Path.of("elsewhere", "unknown.csv")))
                .isEqualTo(Path.of("elsewhere", "unknown.csv") + ": trace file not found");
        assertThatThrownBy(() -> TraceReader.openText(Path.of("no-such-dir", "mooncake_conversation_trace.jsonl")))
                .isInstanceOf(TraceException.class)
                .hasMessageEndingWith("did you mean " + Path.of("data", "traces", "mooncake_conversation_trace.jsonl") + "?");
    }

    @Test
    void azureWallClockTimestampsAreParsedToNanoseconds() throws IOException {
        Path f = write("a.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                + "2023-11-16 18:15:46.6805900,374,44\n"
                + "2023-11-16 18:15:50.9951690,396,109\n"
                + "2023-11-17 00:00:00,1,2\n");
        assertThat(TraceFormats.detect(f)).isEqualTo("azure");
        List<long[]> rows = read(TraceConfig.of(f.toString(), "auto"));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)[0] - rows.get(0)[0]).isEqualTo(4_314_579_000L);
        // 18:15:46.68059 to midnight: 5 h 44 min 13.31941 s
        assertThat(rows.get(2)[0] - rows.get(0)[0]).isEqualTo((5 * 3600 + 44 * 60 + 13) * 1_000_000_000L + 319_410_000L);
        assertThat(rows.get(0)[1]).isEqualTo(374);
        assertThat(rows.get(0)[2]).isEqualTo(44);
        // epoch of the first row, checked against java.time
        assertThat(rows.get(0)[0]).isEqualTo(java.time.LocalDateTime.of(2023, 11, 16, 18, 15, 46, 680_590_000)
                .toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000_000L + 680_590_000L);
    }

    @Test
    void mooncakeReadsMillisecondsAndHashIds() throws IOException {
        Path f = write("m.jsonl", "{\"timestamp\": 0, \"input_length\": 1030, \"output_length\": 5, \"hash_ids\": [0, 1, 2]}\n"
                + "\n{\"timestamp\": 1500, \"input_length\": 600, \"output_length\": 7, \"hash_ids\": [0, 3]}\n");
        assertThat(TraceFormats.detect(f)).isEqualTo("mooncake");
        List<long[]> rows = read(TraceConfig.of(f.toString(), "auto"));
        assertThat(rows).containsExactly(new long[] {0, 1030, 5, 3}, new long[] {1_500_000_000L, 600, 7, 2});
    }

    @Test
    void burstGptFiltersByModelAndLogType() throws IOException {
        Path f = write("b.csv", "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                + "5,ChatGPT,100,20,120,Conversation log\n"
                + "6,GPT-4,200,30,230,Conversation log\n"
                + "7,ChatGPT,300,40,340,API log\n"
                + "9,ChatGPT,400,50,450,Conversation log\n");
        assertThat(TraceFormats.detect(f)).isEqualTo("burstgpt");
        assertThat(read(TraceConfig.of(f.toString(), "auto"))).hasSize(4);
        TraceConfig filtered = new TraceConfig(f.toString(), "burstgpt", null, null, null, null, null, null, null, null,
                null, null, null, null, "ChatGPT", "Conversation log");
        List<long[]> rows = read(filtered);
        assertThat(rows).containsExactly(new long[] {5_000_000_000L, 100, 20, 0}, new long[] {9_000_000_000L, 400, 50, 0});
        try (TraceReader in = TraceFormats.open(filtered, "")) {
            TraceRow r = new TraceRow();
            while (in.next(r)) {
                // drain
            }
            assertThat(in.filtered()).isEqualTo(2);
        }
    }

    @Test
    void vidurAndSplitwiseAlias() throws IOException {
        Path f = write("v.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,10,3\n0.25,20,4\n");
        assertThat(TraceFormats.detect(f)).isEqualTo("vidur");
        List<long[]> expected = List.of(new long[] {0, 10, 3, 0}, new long[] {250_000_000L, 20, 4, 0});
        assertThat(read(TraceConfig.of(f.toString(), "vidur"))).containsExactlyElementsOf(expected);
        assertThat(read(TraceConfig.of(f.toString(), "splitwise"))).containsExactlyElementsOf(expected);
    }

    @Test
    void genericCsvJsonlAndJsonWithColumnMapping() throws IOException {
        Map<String, String> cols = Map.of("arrival", "t", "prompt_tokens", "in", "output_tokens", "out");
        Path csv = write("g.csv", "id,t,in,out\nx,\"1,5\",7,8\n");
        assertThat(TraceFormats.detect(csv)).isEqualTo("csv");
        // a quoted field with a comma is one field; "1,5" is not a number
        assertThatThrownBy(() -> read(new TraceConfig(csv.toString(), "csv", cols, "ms", null, null, null, null, null,
                null, null, null, null, null, null, null)))
                .isInstanceOf(TraceException.class).hasMessageContaining("g.csv:2: field 't'");
        Path csv2 = write("g2.csv", "id,t,in,out\n\"a,b\",1500,7,8\n");
        assertThat(read(new TraceConfig(csv2.toString(), "csv", cols, "ms", null, null, null, null, null, null, null,
                null, null, null, null, null))).containsExactly(new long[] {1_500_000_000L, 7, 8, 0});
        Path jsonl = write("g.jsonl", "{\"t\": 2.5, \"in\": 9, \"out\": 1, \"other\": [1, {\"a\": 2}]}\n");
        assertThat(TraceFormats.detect(jsonl)).isEqualTo("jsonl");
        assertThat(read(new TraceConfig(jsonl.toString(), "auto", cols, null, null, null, null, null, null, null, null,
                null, null, null, null, null))).containsExactly(new long[] {2_500_000_000L, 9, 1, 0});
        Path json = write("g.json", "[{\"t\": 1, \"in\": 3, \"out\": 4},\n {\"t\": 2, \"in\": 5, \"out\": 6}]");
        assertThat(TraceFormats.detect(json)).isEqualTo("json");
        assertThat(read(new TraceConfig(json.toString(), "auto", cols, "s", null, null, null, null, null, null, null,
                null, null, null, null, null)))
                .containsExactly(new long[] {1_000_000_000L, 3, 4, 0}, new long[] {2_000_000_000L, 5, 6, 0});
    }

    @Test
    void genericCsvWithoutMappingNamesTheMissingColumn() throws IOException {
        Path f = write("g.csv", "a,b,c\n1,2,3\n");
        assertThatThrownBy(() -> TraceFormats.open(TraceConfig.of(f.toString(), "auto"), ""))
                .isInstanceOf(TraceException.class).hasMessageContaining("workload.trace.columns.arrival");
    }

    @Test
    void gzipIsDecompressed() throws IOException {
        Path f = dir.resolve("v.csv.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write("arrived_at,num_prefill_tokens,num_decode_tokens\n1,2,3\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(read(TraceConfig.of(f.toString(), "auto"))).containsExactly(new long[] {1_000_000_000L, 2, 3, 0});
    }

    @Test
    void malformedRowsStopWithFileAndLineByDefault() throws IOException {
        String header = "arrived_at,num_prefill_tokens,num_decode_tokens\n";
        record Case(String body, String message) {
        }
        for (Case c : List.of(
                new Case("0,1,1\n1,,1\n", ":3: field 'num_prefill_tokens': missing"),
                new Case("0,1,1\n1,x,1\n", ":3: field 'num_prefill_tokens': expected a non-negative integer, got 'x'"),
                new Case("0,1,1\n1,1,-4\n", ":3: field 'num_decode_tokens': expected a non-negative integer, got negative -4"),
                new Case("0,1,1\n2,1,1\n1,1,1\n", ":4: field 'arrived_at': time goes backwards"),
                new Case("0,1,1\n1,1\n", ":3: expected at least 3 comma-separated fields, got 2"))) {
            Path f = write("bad.csv", header + c.body());
            assertThatThrownBy(() -> read(TraceConfig.of(f.toString(), "vidur")))
                    .isInstanceOf(TraceException.class).hasMessageStartingWith(f.toString())
                    .hasMessageContaining(c.message());
        }
        Path j = write("bad.jsonl", "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n{\"timestamp\": 5, \"input_length\": \n");
        assertThatThrownBy(() -> read(TraceConfig.of(j.toString(), "mooncake")))
                .isInstanceOf(TraceException.class).hasMessageStartingWith(j + ":2:");
    }

    @Test
    void skipModeCountsMalformedRowsAndKeepsTheRest() throws IOException {
        Path f = write("bad.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0,1,1\n1,x,1\n2,1,1\n1.5,1,1\n3,-1,1\n4,2,2\n");
        TraceConfig cfg = new TraceConfig(f.toString(), "vidur", null, null, null, null, null, null, null, null, null,
                null, null, "skip", null, null);
        try (TraceReader in = TraceFormats.open(cfg, "")) {
            TraceRow r = new TraceRow();
            List<Long> times = new ArrayList<>();
            while (in.next(r)) {
                times.add(r.timeNs / 1_000_000_000L);
            }
            assertThat(times).containsExactly(0L, 2L, 4L);
            assertThat(in.malformed()).isEqualTo(3);
            assertThat(in.firstMalformed()).contains("bad.csv:3:");
        }
    }

    @Test
    void traceStatsOnAMalformedFileIsOneLineExitTwoOrCountsInSkipMode() throws IOException {
        Path f = write("bad.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0,1,1\n1,x,1\n2,3,1\n");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int rc = io.simfaasinfer.cli.Main.execute(new String[] {"trace", "stats", f.toString()},
                new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        assertThat(rc).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().strip()).startsWith("error: " + f + ":3: field 'num_prefill_tokens'")
                .contains("--skip-malformed").doesNotContain("\n").doesNotContain("at io.");
        java.io.StringWriter json = new java.io.StringWriter();
        rc = io.simfaasinfer.cli.Main.execute(new String[] {"trace", "stats", f.toString(), "--skip-malformed", "--json"},
                new java.io.PrintWriter(json), new java.io.PrintWriter(err));
        assertThat(rc).isZero();
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toString());
        assertThat(node.get("rows").asLong()).isEqualTo(2);
        assertThat(node.get("malformed_rows").asLong()).isEqualTo(1);
        assertThat(node.get("duration_s").asDouble()).isEqualTo(2.0);
        assertThat(node.at("/prompt_tokens/mean").asDouble()).isEqualTo(2.0);
    }

    @Test
    void replayIsStreamedRequestsComeBeforeTheRestOfTheFileIsRead() throws IOException {
        // 200,000 good rows then a bad one: the first requests are produced before the bad row is
        // ever parsed, so the reader cannot have loaded the file
        StringBuilder b = new StringBuilder("arrived_at,num_prefill_tokens,num_decode_tokens\n");
        for (int i = 0; i < 200_000; i++) {
            b.append(i).append(".5,").append(1 + i % 97).append(",").append(1 + i % 13).append('\n');
        }
        b.append("oops,1,1\n");
        Path f = write("big.csv", b.toString());
        try (TraceSource src = new TraceSource(TraceConfig.of(f.toString(), "auto"),
                new io.simfaasinfer.config.SimulationConfig(1, null, 0, 0), 4096, 16, false, null,
                new io.simfaasinfer.engine.RandomStreams(1), "")) {
            for (int i = 0; i < 1000; i++) {
                assertThat(src.next().promptTokens()).isEqualTo(1 + i % 97);
            }
            assertThatThrownBy(() -> {
                while (src.next() != null) {
                    // drain to the bad row
                }
            }).isInstanceOf(TraceException.class).hasMessageContaining("big.csv:200002:");
        }
    }
}
