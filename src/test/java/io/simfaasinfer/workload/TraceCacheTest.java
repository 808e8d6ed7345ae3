package io.simfaasinfer.workload;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.report.JsonReport;
import io.simfaasinfer.workload.trace.RowSource;
import io.simfaasinfer.workload.trace.TraceCache;
import io.simfaasinfer.workload.trace.TraceFormats;
import io.simfaasinfer.workload.trace.TraceReader;
import io.simfaasinfer.workload.trace.TraceRow;
import io.simfaasinfer.workload.trace.TraceTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A trace read once into a {@link TraceCache} and replayed gives every run exactly what streaming
 * the file gives: the same requests, counts and warnings, whatever the transforms, including runs
 * that stop part-way through the file (their skipped-row counts are those of the rows read so far).
 */
class TraceCacheTest {

    @TempDir
    Path tmp;

    private static final String AZURE = Path.of("data/traces/azure_llm_2023_conv.csv").toAbsolutePath().toString();
    private static final String MOONCAKE =
            Path.of("data/traces/mooncake_conversation_trace.jsonl").toAbsolutePath().toString();

    /** The result JSON (wall-clock fields zeroed) and every request record of a run. */
    private static String run(SimulatorConfig c, TraceCache cache) {
        List<String> records = new ArrayList<>();
        var r = new Simulator(c, Catalog.builtin(), null, (RequestRecord rec) -> records.add(rec.toString()), null,
                cache).run();
        return JsonReport.toJson(r).replaceAll("\"wall_s\" : [0-9.eE-]+", "\"wall_s\" : 0") + String.join("\n", records);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "azure, whole",
        "azure, window and sample: workload.trace.start_s=600|workload.trace.end_s=3000|workload.trace.sample=0.5",
        "azure, target_qps and repeat: workload.trace.target_qps=3|workload.trace.repeat=2|workload.trace.max_requests=5000",
        "mooncake, prefix caching: cluster.prefix_caching=true|workload.trace.max_requests=3000",
        "mooncake, repeat with hashes: cluster.prefix_caching=true|workload.trace.repeat=2|workload.trace.max_requests=4000",
    })
    void aReplayedTraceGivesEveryRunWhatTheStreamedFileGives(String spec) {
        String file = spec.startsWith("azure") ? AZURE : MOONCAKE;
        List<String> sets = new ArrayList<>(List.of("workload.trace.file=" + file, "cluster.replicas=2",
                "simulation.random_seed=7"));
        int colon = spec.indexOf(": ");
        if (colon > 0) {
            sets.addAll(List.of(spec.substring(colon + 2).split("\\|")));
        }
        SimulatorConfig c = TestConfigs.of(sets.toArray(new String[0]));
        String streamed = run(c, null);
        TraceCache cache = new TraceCache();
        assertThat(run(c, cache)).isEqualTo(streamed);
        assertThat(run(c, cache)).isEqualTo(streamed);
        assertThat(cache.reads()).as("read once for both runs").isEqualTo(1);
    }

    /** A trace with malformed rows skipped and rows filtered, replayed row by row against the reader. */
    @Test
    void afterEveryRowTheReplayCountsWhatTheReaderHasSkippedSoFar() throws IOException {
        Path f = Files.writeString(tmp.resolve("b.csv"), "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                + "5,ChatGPT,100,20,120,Conversation log\n"
                + "6,GPT-4,200,30,230,Conversation log\n"
                + "6.5,ChatGPT,abc,30,230,Conversation log\n"
                + "7,ChatGPT,300,40,340,API log\n"
                + "8,ChatGPT,300,x,340,Conversation log\n"
                + "9,ChatGPT,400,50,450,Conversation log\n"
                + "10,GPT-4,400,50,450,Conversation log\n");
        TraceConfig cfg = TestConfigs.of("workload.trace={file: " + f + ", format: burstgpt, model: ChatGPT,"
                + " log_type: Conversation log, on_malformed: skip}").workload().trace();
        TraceTable table;
        try (TraceReader r = TraceFormats.open(cfg, "")) {
            table = TraceTable.read(r, 100, 100);
        }
        assertThat(table.rows()).isEqualTo(2);
        try (TraceReader reader = TraceFormats.open(cfg, ""); RowSource replay = table.replay()) {
            TraceRow a = new TraceRow();
            TraceRow b = new TraceRow();
            int rows = 0;
            while (true) {
                boolean more = reader.next(a);
                assertThat(replay.next(b)).isEqualTo(more);
                assertThat(replay.malformed()).isEqualTo(reader.malformed());
                assertThat(replay.filtered()).isEqualTo(reader.filtered());
                assertThat(replay.firstMalformed()).isEqualTo(reader.firstMalformed());
                assertThat(replay.firstMalformedLine()).isEqualTo(reader.firstMalformedLine());
                if (!more) {
                    break;
                }
                rows++;
                assertThat(new long[] {b.timeNs, b.promptTokens, b.outputTokens, b.line})
                        .containsExactly(a.timeNs, a.promptTokens, a.outputTokens, a.line);
            }
            assertThat(rows).isEqualTo(2);
            assertThat(reader.malformed()).isEqualTo(2);
            assertThat(reader.filtered()).isEqualTo(3);
        }
    }

    /** A run that stops before the end of the file reports the skipped rows it read past, not the file's. */
    @Test
    void aRunThatStopsPartWayReportsTheRowsSkippedSoFarAsAStreamedRunDoes() throws IOException {
        StringBuilder b = new StringBuilder("TIMESTAMP,ContextTokens,GeneratedTokens\n");
        for (int i = 0; i < 400; i++) {
            String ts = String.format("2023-11-16 18:%02d:%02d.0000000", 10 + i / 60, i % 60);
            b.append(ts).append(',').append(i % 37 == 5 ? "bad" : String.valueOf(100 + i)).append(",20\n");
        }
        Path f = Files.writeString(tmp.resolve("t.csv"), b.toString());
        for (String window : List.of("workload.trace.end_s=100", "workload.trace.max_requests=150", "workload.trace.end_s=1e9")) {
            SimulatorConfig c = TestConfigs.of("workload.trace={file: " + f + ", format: azure, on_malformed: skip}",
                    window);
            String streamed = run(c, null);
            assertThat(run(c, new TraceCache())).as(window).isEqualTo(streamed);
        }
    }

    @Test
    void anEditedFileIsReadAgainAndOneOverTheBudgetIsStreamed() throws IOException {
        Path f = tmp.resolve("t.csv");
        Files.writeString(f, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,100,20\n"
                + "2023-11-16 18:15:47.6805900,150,20\n2023-11-16 18:15:48.6805900,200,30\n");
        SimulatorConfig c = TestConfigs.of("workload.trace={file: " + f + ", format: azure}");
        TraceCache cache = new TraceCache();
        String first = run(c, cache);
        Files.writeString(f, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,100,20\n"
                + "2023-11-16 18:15:47.6805900,150,20\n2023-11-16 18:15:49.6805900,900,90\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
        String second = run(c, cache);
        assertThat(second).isNotEqualTo(first).isEqualTo(run(c, null));
        assertThat(cache.reads()).isEqualTo(2);

        TraceCache tiny = new TraceCache(2);
        assertThat(tiny.table(c.workload().trace(), "")).as("3 rows, budget 2: not kept").isNull();
        assertThat(run(c, tiny)).isEqualTo(run(c, null));
    }
}
