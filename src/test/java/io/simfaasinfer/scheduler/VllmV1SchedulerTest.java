package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One token budget per step: running first, chunked prefills, recompute preemption of the last running. */
class VllmV1SchedulerTest {

    @Test
    void runningRequestsFirstThenNewOnesChunkedIntoWhatIsLeftOfTheBudget() {
        var h = SchedulerHarness.of("vllm-v1", 1000, 16, "scheduler.max_num_batched_tokens=1000");
        h.arrive(10, 50);
        h.step();
        h.arrive(2500, 5);
        h.arrive(600, 5);
        var s2 = h.step();
        assertThat(s2.decodes()).containsExactly(0L);
        assertThat(s2.prefills()).containsExactly(new SchedulerHarness.Chunk(1, 999, 0));
        var s3 = h.step();
        assertThat(s3.prefills()).containsExactly(new SchedulerHarness.Chunk(1, 999, 999));
        var s4 = h.step();
        assertThat(s4.decodes()).containsExactly(0L);
        assertThat(s4.prefills()).containsExactly(new SchedulerHarness.Chunk(1, 502, 1998),
                new SchedulerHarness.Chunk(2, 497, 0));
        var s5 = h.step();
        assertThat(s5.decodes()).containsExactly(0L, 1L);
        assertThat(s5.prefills()).containsExactly(new SchedulerHarness.Chunk(2, 103, 497));
    }

    @Test
    void outOfBlocksItPreemptsTheLastRunningRequestAndAdmitsNothingThatStep() {
        var h = SchedulerHarness.of("vllm-v1", 10, 16);
        Request a = h.arrive(64, 60); // 4 blocks each after the prefill
        Request b = h.arrive(64, 60);
        assertThat(h.step().prefillIds()).containsExactly(0L, 1L);
        SchedulerHarness.Iteration preemptedStep = null;
        while (h.preempted == 0) {
            var it = h.step();
            if (h.preempted > 0) {
                preemptedStep = it;
            }
        }
        assertThat(b.preemptions()).isEqualTo(1);
        assertThat(a.preemptions()).isZero();
        assertThat(preemptedStep.prefills()).as("no admission in a step that preempted").isEmpty();
        assertThat(preemptedStep.decodes()).containsExactly(0L);
        h.drain(1000);
        assertThat(a.isFinished() && b.isFinished()).isTrue();
    }

    @Test
    void aLongPrefillThresholdCapsEachChunkWhileDecodesContinue() {
        var h = SchedulerHarness.of("vllm-v1", 1000, 16, "scheduler.long_prefill_token_threshold=256");
        h.arrive(10, 50);
        h.step();
        h.arrive(1000, 5);
        int[] chunks = {256, 256, 256, 232};
        int context = 0;
        for (int c : chunks) {
            var it = h.step();
            assertThat(it.decodes()).as("the decode goes on beside chunk at %d", context).containsExactly(0L);
            assertThat(it.prefills()).containsExactly(new SchedulerHarness.Chunk(1, c, context));
            context += c;
        }
        assertThat(h.step().decodes()).as("prefill done: both decode").containsExactly(0L, 1L);
    }

    @Test
    void theThresholdAppliesToEachRequestSoTheBudgetLeftGoesToTheNextOnes() {
        var h = SchedulerHarness.of("vllm-v1", 1000, 16, "scheduler.long_prefill_token_threshold=256",
                "scheduler.max_num_batched_tokens=600");
        h.arrive(1000, 5);
        h.arrive(1000, 5);
        h.arrive(100, 5);
        assertThat(h.step().prefills()).containsExactly(new SchedulerHarness.Chunk(0, 256, 0),
                new SchedulerHarness.Chunk(1, 256, 0), new SchedulerHarness.Chunk(2, 88, 0));
        assertThat(h.step().prefills()).containsExactly(new SchedulerHarness.Chunk(0, 256, 256),
                new SchedulerHarness.Chunk(1, 256, 256), new SchedulerHarness.Chunk(2, 12, 88));

        var off = SchedulerHarness.of("vllm-v1", 1000, 16, "scheduler.max_num_batched_tokens=600");
        off.arrive(1000, 5);
        off.arrive(1000, 5);
        assertThat(off.step().prefills()).as("threshold 0: the budget alone")
                .containsExactly(new SchedulerHarness.Chunk(0, 600, 0));
    }
}
