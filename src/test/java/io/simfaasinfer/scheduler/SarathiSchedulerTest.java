package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunked prefills under a per-iteration token budget, decodes first. */
class SarathiSchedulerTest {

    @Test
    void a2000TokenPromptTakesFourChunkedIterationsWhileAnotherRequestKeepsDecoding() {
        var h = SchedulerHarness.of("sarathi", 1000, 16, "scheduler.chunk_size=512");
        Request a = h.arrive(10, 20);
        assertThat(h.step().prefills()).containsExactly(new SchedulerHarness.Chunk(0, 10, 0));
        Request b = h.arrive(2000, 5);
        // each iteration: A's decode token first, then 511 of B's prompt: 511 + 511 + 511 + 467 = 2000
        int[] chunks = {511, 511, 511, 467};
        int context = 0;
        for (int i = 0; i < 4; i++) {
            var it = h.step();
            assertThat(it.decodes()).as("decode of A in iteration %d", i).containsExactly(0L);
            assertThat(it.prefills()).containsExactly(new SchedulerHarness.Chunk(1, chunks[i], context));
            context += chunks[i];
            assertThat(b.blocks()).as("KV grows chunk by chunk").isEqualTo(h.kv.blocksFor(context));
            assertThat(b.generated()).isEqualTo(i < 3 ? 0 : 1);
        }
        assertThat(a.generated()).isEqualTo(5);
        var after = h.step();
        assertThat(after.prefills()).isEmpty();
        assertThat(after.decodes()).containsExactly(0L, 1L);
    }

    @Test
    void partialPrefillsContinueBeforeNewRequestsAreAdmitted() {
        var h = SchedulerHarness.of("sarathi", 1000, 16, "scheduler.chunk_size=512");
        h.arrive(800, 2);
        assertThat(h.step().prefills()).containsExactly(new SchedulerHarness.Chunk(0, 512, 0));
        h.arrive(100, 2);
        var it = h.step();
        // the partial prefill (288 left) goes first, then the new request gets the rest of the budget
        assertThat(it.prefills()).containsExactly(new SchedulerHarness.Chunk(0, 288, 512),
                new SchedulerHarness.Chunk(1, 100, 0));
    }

    @Test
    void outOfBlocksItPreemptsTheLatestArrivedAndEverythingStillFinishes() {
        var h = SchedulerHarness.of("sarathi", 20, 16, "scheduler.watermark=0");
        Request a = h.arrive(100, 100);
        Request b = h.arrive(100, 100);
        h.drain(2000);
        assertThat(h.preempted).isPositive();
        assertThat(b.preemptions()).isPositive();
        assertThat(a.preemptions()).isZero();
        assertThat(a.isFinished() && b.isFinished()).isTrue();
        assertThat(h.kv.usedBlocks()).isZero();
    }
}
