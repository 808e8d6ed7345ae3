package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.SimulationResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prefix caching on a BurstGPT trace with a {@code Session ID} column: requests 30 s apart on one
 * replica with ample KV (each finishes before the next arrives, nothing is evicted), so every turn
 * reuses exactly the full 16-token blocks of its shared prefix, computed here by hand.
 */
class TraceSessionPrefixCachingTest {

    static final String SAMPLE = "src/test/resources/traces/burstgpt_sessions.csv";

    private static SimulationResult run(String... extra) {
        String[] base = {"workload.trace.file=" + SAMPLE, "cluster.prefix_caching=true", "cluster.block_size=16",
                "cluster.replicas=1"};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return new Simulator(TestConfigs.of(all), Catalog.builtin(), null, null).run();
    }

    /*
     * Saved tokens per turn = 16 x min(floor(S / 16), floor((P - 1) / 16), blocks the session has
     * computed), S = min(previous P + O, P); a turn computes P + O - 1 tokens (zero lengths raised to 1).
     *   1001: A2 min(149/16=9, 179/16=11)=9 -> 144; A3 min(219/16=13, 18)=13 -> 208;
     *         A4 (P=200 < 320: cut at 200) 199/16=12 -> 192; A5 min(229/16=14, 259/16=16)=14 -> 224;
     *         A6 (P=260 < 270) min(260/16=16, 259/16=16)=16 -> 256                          = 1024
     *   1002: B2 (S=47) min(2, 46/16=2)=2 -> 32; B3 P=15 < 16 -> 0;
     *         B4 only block 0 (computed by B3, 17 tokens) is cached -> 16                    =   48
     *   abc-7: C2 min(599/16=37, 37)=37 -> 592; C3 min(600/16=37, 600/16=37)=37 -> 592      = 1184
     *   1004: E1 O=0 raised to 1, L=101; E2 min(100/16=6, 119/16=7)=6 -> 96                 =   96
     *   2001 (GPT-4): G2 min(329/16=20, 399/16=24)=20 -> 320                                 =  320
     *   "s,5": F2 min(33/16=2, 33/16=2)=2 -> 32                                              =   32
     *   1003 (one turn), API log rows (no session): 0.                             total     = 2704
     */
    @Test
    void eachTurnReusesExactlyTheFullBlocksOfItsSharedPrefix() {
        SimulationResult r = run();
        assertThat(r.requests().completed()).isEqualTo(23);
        assertThat(r.requests().preemptions()).isZero();
        assertThat(r.prefixCache().prefillTokensSaved()).isEqualTo(2704);
        assertThat(r.workloadAdjustments()).containsEntry("trace_sessions", 7L)
                .containsEntry("trace_session_turns", 20L)
                .containsEntry("trace_sessions_evicted", 0L);
    }

    @Test
    void theModelFilterDropsTheGpt4Conversation() {
        SimulationResult r = run("workload.trace.model=ChatGPT");
        assertThat(r.requests().completed()).isEqualTo(21);
        assertThat(r.prefixCache().prefillTokensSaved()).isEqualTo(2704 - 320);
        assertThat(r.workloadAdjustments()).containsEntry("trace_rows_filtered", 2L)
                .containsEntry("trace_sessions", 6L);
    }

    @Test
    void withOneOpenSessionOnlyBackToBackTurnsShareAndEvictionsAreCounted() {
        // Only "s,5" has two consecutive session rows (API rows in between touch no session).
        SimulationResult r = run("workload.trace.max_open_sessions=1");
        assertThat(r.prefixCache().prefillTokensSaved()).isEqualTo(32);
        assertThat(r.workloadAdjustments()).containsEntry("trace_sessions", 19L)
                .containsEntry("trace_sessions_evicted", 18L);
    }

    @Test
    void withoutPrefixCachingNothingIsSavedAndSessionsAreNotTracked() {
        SimulationResult r = run("cluster.prefix_caching=false");
        assertThat(r.prefixCache().prefillTokensSaved()).isZero();
        assertThat(r.workloadAdjustments()).doesNotContainKey("trace_sessions");
    }

    @Test
    void replayIsDeterministic() {
        SimulationResult a = run("workload.trace.rate_scale=20");
        SimulationResult b = run("workload.trace.rate_scale=20");
        assertThat(a.prefixCache()).isEqualTo(b.prefixCache());
        assertThat(a.ttftMs()).isEqualTo(b.ttftMs());
        assertThat(a.workloadAdjustments()).isEqualTo(b.workloadAdjustments());
    }
}
