package io.simfaasinfer.scheduler;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.RooflinePredictor;
import io.simfaasinfer.predictor.SimpleBatch;
import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Static batching, iteration by iteration. */
class FasterTransformerSchedulerTest {

    private static final RooflinePredictor PREDICTOR = new RooflinePredictor(Catalog.builtin().model("llama-2-7b"),
            Catalog.builtin().gpu("h100-80gb"), 1, RooflineParams.DEFAULTS);

    /** A harness timed by the roofline predictor, and its two requests. */
    private record Pair(SchedulerHarness h, Request shortOne, Request longOne) {
    }

    /** Prompts 100 and 500, outputs 10 and 50, submitted together at time 0. */
    private static Pair shortAndLong(boolean padding) {
        var h = SchedulerHarness.of("ft", 1000, 16, "scheduler.ft_padding=" + padding);
        h.predictor = PREDICTOR;
        Request a = h.arrive(100, 10);
        Request b = h.arrive(500, 50);
        return new Pair(h, a, b);
    }

    private static double ms(SimpleBatch b) {
        return PREDICTOR.predict(b).totalMs();
    }

    private static long ns(double ms) {
        return Math.max(1, Math.round(ms * 1e6));
    }

    @Test
    void withPaddingThePrefillCostsEveryPromptAtTheLongestAndFinishedSequencesAreStillStepped() {
        var p = shortAndLong(true);
        var h = p.h();
        var first = h.step();
        // the requests advance by their own prompts ...
        assertThat(first.prefills()).containsExactly(new SchedulerHarness.Chunk(0, 100, 0),
                new SchedulerHarness.Chunk(1, 500, 0));
        assertThat(p.shortOne().inPrefill()).isFalse();
        // ... but the GPU computes two 500-token prompts
        double padded = ms(SimpleBatch.prefills(500, 500));
        assertThat(h.predictedMs.get(0)).isEqualTo(padded).isGreaterThan(ms(SimpleBatch.prefills(100, 500)));
        assertThat(h.drain(100)).as("the longest output: 49 decode steps after the prefill").isEqualTo(49);
        for (int k = 1; k <= 49; k++) {
            // k-th decode step: every sequence, finished or not, attends over the longest prompt plus k - 1 tokens
            int context = 500 + k - 1;
            assertThat(h.predictedMs.get(k)).as("step %d", k).isEqualTo(ms(SimpleBatch.decodes(context, context)));
            assertThat(h.iterations.get(k).decodes()).as("step %d", k)
                    .isEqualTo(k <= 9 ? List.of(0L, 1L) : List.of(1L, SchedulerHarness.PADDING));
        }
        // the short request completed with its own last token (the 9th decode step), not at the batch's end
        Request a = p.shortOne();
        assertThat(a.isFinished()).isTrue();
        long prefillNs = ns(padded);
        assertThat(a.firstTokenNs() - a.arrivalNs()).isEqualTo(prefillNs);
        long upToStep9 = prefillNs;
        for (int k = 1; k <= 9; k++) {
            upToStep9 += ns(h.predictedMs.get(k));
        }
        assertThat(a.finishNs()).isEqualTo(upToStep9).isLessThan(p.longOne().finishNs());
        assertThat(p.longOne().finishNs()).isEqualTo(h.now);
        assertThat(h.kv.usedBlocks()).isZero();
    }

    @Test
    void paddingMakesTheShortRequestsTtftAndTheBatchLongerAndChangesNothingElse() {
        var on = shortAndLong(true);
        var off = shortAndLong(false);
        on.h().drain(100);
        off.h().drain(100);
        assertThat(on.h().iterations).hasSameSizeAs(off.h().iterations).hasSize(50);
        assertThat(on.h().iterations.get(0)).isEqualTo(off.h().iterations.get(0));
        assertThat(off.h().iterations.get(10).decodes()).containsExactly(1L);
        // padding off: the lower bound, each sequence costed as it is, finished ones not at all
        assertThat(off.h().predictedMs.get(0)).isEqualTo(ms(SimpleBatch.prefills(100, 500)));
        assertThat(off.h().predictedMs.get(1)).isEqualTo(ms(SimpleBatch.decodes(100, 500)));
        assertThat(off.h().predictedMs.get(10)).isEqualTo(ms(SimpleBatch.decodes(509)));
        Request a = on.shortOne();
        long ttftOn = a.firstTokenNs() - a.arrivalNs();
        long ttftOff = off.shortOne().firstTokenNs() - off.shortOne().arrivalNs();
        assertThat(ttftOn).isEqualTo(ns(ms(SimpleBatch.prefills(500, 500)))).isGreaterThan(ttftOff);
        assertThat(ttftOff).isEqualTo(ns(ms(SimpleBatch.prefills(100, 500))));
        assertThat(on.h().now).as("the batch takes longer").isGreaterThan(off.h().now);
        for (Pair p : List.of(on, off)) {
            assertThat(p.shortOne().isFinished()).isTrue();
            assertThat(p.longOne().isFinished()).isTrue();
            assertThat(p.shortOne().generated()).isEqualTo(10);
            assertThat(p.longOne().generated()).isEqualTo(50);
        }
    }

    @Test
    void aBatchOfOneHasNothingToPad() {
        var on = SchedulerHarness.of("ft", 1000, 16);
        var off = SchedulerHarness.of("ft", 1000, 16, "scheduler.ft_padding=false");
        for (var h : List.of(on, off)) {
            h.predictor = PREDICTOR;
            h.arrive(300, 20);
            h.drain(100);
        }
        assertThat(on.predictedMs).isEqualTo(off.predictedMs);
        assertThat(on.now).isEqualTo(off.now);
    }

    @Test
    void aRequestArrivingDuringABatchWaitsForTheWholeBatch() {
        var h = SchedulerHarness.of("faster-transformer", 1000, 16);
        Request a = h.arrive(100, 3);
        assertThat(h.step().prefillIds()).containsExactly(0L);
        Request b = h.arrive(50, 2); // arrives while A's batch runs
        // A needs 2 more decode steps (3 tokens: the prefill emits the first); B may not join them
        assertThat(h.step()).isEqualTo(new SchedulerHarness.Iteration(List.of(), List.of(0L)));
        assertThat(h.step()).isEqualTo(new SchedulerHarness.Iteration(List.of(), List.of(0L)));
        assertThat(a.isFinished()).isTrue();
        assertThat(b.firstScheduledNs()).isEqualTo(-1);
        var next = h.step();
        assertThat(next.prefills()).containsExactly(new SchedulerHarness.Chunk(1, 50, 0));
        assertThat(b.firstScheduledNs()).isEqualTo(a.finishNs());
        assertThat(h.drain(10)).isEqualTo(1);
        assertThat(b.isFinished()).isTrue();
    }

    @Test
    void theBatchRunsUntilItsLongestRequestEndsAndFreedSlotsStayEmpty() {
        var h = SchedulerHarness.of("ft", 1000, 16);
        Request a = h.arrive(100, 2);
        Request b = h.arrive(200, 5);
        var first = h.step();
        assertThat(first.prefills()).containsExactly(new SchedulerHarness.Chunk(0, 100, 0),
                new SchedulerHarness.Chunk(1, 200, 0));
        // the maximum KV of each (prompt + output) is reserved up front
        assertThat(a.blocks()).isEqualTo(h.kv.blocksFor(102));
        assertThat(b.blocks()).isEqualTo(h.kv.blocksFor(205));
        h.arrive(10, 1);
        assertThat(h.step().decodes()).containsExactly(0L, 1L);
        assertThat(a.isFinished()).isTrue();
        assertThat(h.kv.usedBlocks()).as("A's reservation is released when it finishes").isEqualTo(b.blocks());
        for (int i = 0; i < 3; i++) {
            // A's slot is still stepped (padding on, the default) but emits nothing
            assertThat(h.step()).isEqualTo(new SchedulerHarness.Iteration(List.of(),
                    List.of(1L, SchedulerHarness.PADDING)));
        }
        assertThat(b.isFinished()).isTrue();
        assertThat(h.step().prefillIds()).containsExactly(2L);
        assertThat(h.preempted).isZero();
    }

    @Test
    void aBatchHoldsAtMostMaxNumSeqsAndOnlyWhatItsReservationsLeaveRoomFor() {
        var h = SchedulerHarness.of("faster-transformer", 30, 16, "scheduler.max_num_seqs=3");
        for (int i = 0; i < 5; i++) {
            h.arrive(100, 60); // 160 tokens = 10 blocks each
        }
        assertThat(h.step().prefillIds()).containsExactly(0L, 1L, 2L);
        assertThat(h.kv.usedBlocks()).isEqualTo(30);
        var h2 = SchedulerHarness.of("faster-transformer", 25, 16);
        for (int i = 0; i < 5; i++) {
            h2.arrive(100, 60);
        }
        assertThat(h2.step().prefillIds()).containsExactly(0L, 1L);
    }
}
