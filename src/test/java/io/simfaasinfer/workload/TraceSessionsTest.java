package io.simfaasinfer.workload;

import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.workload.PrefixHashes;
import io.simfaasinfer.workload.trace.TraceException;
import io.simfaasinfer.workload.trace.TraceFormats;
import io.simfaasinfer.workload.trace.TraceReader;
import io.simfaasinfer.workload.trace.TraceRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Session columns of traces: reading, hashes of turns, bounded memory, stats and bad input. */
class TraceSessionsTest {

    private static final String SAMPLE = "src/test/resources/traces/burstgpt_sessions.csv";

    @TempDir
    Path dir;

    private static int commonPrefix(long[] a, long[] b) {
        int n = 0;
        while (n < Math.min(a.length, b.length) && a[n] == b[n]) {
            n++;
        }
        return n;
    }

    @Test
    void turnsShareExactlyTheFullBlocksOfTheirSharedPrefix() {
        TraceSessions s = new TraceSessions(10);
        long[] t1 = s.turn("a", 100, 50, 16); // 149 tokens -> 9 blocks
        assertThat(t1).hasSize(9);
        long[] t2 = s.turn("a", 180, 40, 16); // shares 150 tokens: blocks 0..8 (end 144 <= 150)
        assertThat(s.lastShared()).isEqualTo(150);
        assertThat(commonPrefix(t1, t2)).isEqualTo(9);
        long[] t3 = s.turn("a", 40, 10, 16); // cut at 40: blocks 0, 1 shared, block 2 (end 48) not
        assertThat(commonPrefix(t2, t3)).isEqualTo(2);
        assertThat(t3).hasSize(3);
        long[] t4 = s.turn("a", 60, 5, 16); // continues t3 (50 tokens): its 3 blocks
        assertThat(commonPrefix(t3, t4)).isEqualTo(3);
        assertThat(commonPrefix(t2, t4)).isEqualTo(2);
        long[] other = s.turn("b", 100, 50, 16);
        assertThat(commonPrefix(t1, other)).isZero();
        assertThat(s.sessions()).isEqualTo(2);
        assertThat(s.turns()).isEqualTo(5);
        assertThat(s.sharedTokens()).isEqualTo(150 + 40 + 50);
    }

    @Test
    void syntheticHashesAreTwoSegmentsOfTheSharedHelper() {
        long[] a = PrefixHashes.synthetic(7, 40, 9, 100, 16);
        long[] b = PrefixHashes.segmented(new int[] {40, 0}, new long[] {7, 9}, 2, 100, 16);
        assertThat(a).isEqualTo(b).hasSize(6);
        assertThat(a[1]).isEqualTo(PrefixHashes.synthetic(7, 40, 11, 100, 16)[1]); // end 32 <= 40: prefix
        assertThat(a[2]).isNotEqualTo(PrefixHashes.synthetic(7, 40, 11, 100, 16)[2]); // end 48 > 40
    }

    @Test
    void theLeastRecentlyUsedSessionIsEvictedAndCounted() {
        TraceSessions s = new TraceSessions(2);
        long[] a1 = s.turn("a", 64, 16, 16);
        s.turn("b", 64, 16, 16);
        s.turn("a", 80, 16, 16); // a is now the most recent
        s.turn("c", 64, 16, 16); // evicts b
        assertThat(s.evicted()).isEqualTo(1);
        assertThat(s.openSessions()).isEqualTo(2);
        long[] a3 = s.turn("a", 96, 16, 16);
        assertThat(commonPrefix(a1, a3)).isEqualTo(4);
        s.turn("b", 96, 16, 16); // b starts over: a new session, nothing shared
        assertThat(s.lastShared()).isZero();
        assertThat(s.sessions()).isEqualTo(4);
        assertThat(s.evicted()).isEqualTo(2);
    }

    @Test
    void burstgptSessionIdIsReadAndAnEmptyOneMeansNoSession() {
        TraceConfig cfg = TraceConfig.of(SAMPLE, "auto");
        try (TraceReader r = TraceFormats.open(cfg, "")) {
            assertThat(r.format()).isEqualTo("burstgpt");
            assertThat(r.sessionColumn()).isEqualTo("Session ID");
            TraceRow row = new TraceRow();
            StringBuilder ids = new StringBuilder();
            while (r.next(row)) {
                ids.append(row.session).append('|');
            }
            assertThat(ids.toString()).startsWith("1001|1002|abc-7|null|1001|").contains("|s,5|s,5|")
                    .endsWith("|1001|null|");
        }
    }

    @Test
    void traceStatsReportSessionsTurnsAndSharing() {
        TraceStats.Result r = TraceStats.of(TraceConfig.of(SAMPLE, "auto"));
        assertThat(r.rows()).isEqualTo(23);
        assertThat(r.sessions()).isEqualTo(7);
        assertThat(r.sessionTurns()).isEqualTo(20);
        assertThat(r.meanTurns()).isEqualTo(20.0 / 7);
        // shared = min(previous P + O, P) per later turn (raw lengths: E1's 0 output stays 0)
        // 1001: 150+220+200+230+260, 1002: 47+15+18, abc-7: 600+601, 1004: 100, 2001: 330, "s,5": 34
        assertThat(r.sessionSharedTokens()).isEqualTo(2805);
        // all prompt tokens: 1001 1300, 1002 166, abc-7 1701, 1003 1000, 1004 220, 2001 700, s,5 67, API 350
        assertThat(r.prefixSharingRatio()).isEqualTo(2805.0 / 5504);
        assertThat(r.sessionsEvicted()).isZero();
        assertThat(r.hashBlocks()).isZero();
    }

    @Test
    void aTraceWithoutSessionColumnReportsNoSessions() {
        TraceStats.Result r = TraceStats.of(TraceConfig.of("src/test/resources/traces/azure_conv_head200.csv", "auto"));
        assertThat(r.sessions()).isNull();
        assertThat(r.prefixSharingRatio()).isNull();
    }

    @Test
    void genericJsonlSessionFieldFromTheColumnMapping() throws IOException {
        Path f = dir.resolve("t.jsonl");
        Files.writeString(f, """
                {"t": 0, "in": 100, "out": 10, "conv": "x"}
                {"t": 1, "in": 120, "out": 10, "conv": 7}
                {"t": 2, "in": 130, "out": 10, "conv": "x"}
                {"t": 3, "in": 50, "out": 10, "conv": null}
                {"t": 4, "in": 60, "out": 10, "conv": ""}
                {"t": 5, "in": 150, "out": 10, "conv": 7}
                """);
        TraceConfig cfg = new TraceConfig(f.toString(), "jsonl", Map.of("arrival", "t", "prompt_tokens", "in",
                "output_tokens", "out", "session", "conv"), null, null, null, null, null, null, null, null, null,
                null, null, null, null);
        TraceStats.Result r = TraceStats.of(cfg);
        assertThat(r.sessions()).isEqualTo(2);
        assertThat(r.sessionTurns()).isEqualTo(4);
        assertThat(r.sessionSharedTokens()).isEqualTo(110 + 130);
    }

    @Test
    void aSessionIdThatIsAnObjectIsMalformedWithFileLineAndField() throws IOException {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, """
                {"t": 0, "in": 100, "out": 10, "conv": "x"}
                {"t": 1, "in": 120, "out": 10, "conv": {"id": 3}}
                """);
        TraceConfig cfg = new TraceConfig(f.toString(), "jsonl", Map.of("arrival", "t", "prompt_tokens", "in",
                "output_tokens", "out", "session", "conv"), null, null, null, null, null, null, null, null, null,
                null, null, null, null);
        assertThatThrownBy(() -> TraceStats.of(cfg)).isInstanceOf(TraceException.class)
                .hasMessageStartingWith(f + ":2: field 'conv': expected a session id (a string or an integer), got an object");
    }

    @Test
    void aMappedSessionColumnMissingFromTheHeaderIsAnError() {
        TraceConfig cfg = new TraceConfig(SAMPLE, "burstgpt", Map.of("session", "Conversation"), null, null, null,
                null, null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> TraceStats.of(cfg)).isInstanceOf(TraceException.class)
                .hasMessageStartingWith(SAMPLE + ":1: burstgpt trace needs a column 'Conversation'; the header has: ");
    }
}
