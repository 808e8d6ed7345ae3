package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Static batching, iteration by iteration. */
class FasterTransformerSchedulerTest {

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
        for (int i = 0; i < 3; i++) {
            assertThat(h.step()).isEqualTo(new SchedulerHarness.Iteration(List.of(), List.of(1L)));
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
