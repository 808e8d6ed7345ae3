package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Iteration-level scheduling with up-front KV reservation. */
class OrcaSchedulerTest {

    @Test
    void oneIterationMixesANewWholePromptWithTheDecodesOfRunningRequests() {
        var h = SchedulerHarness.of("orca", 1000, 16);
        Request a = h.arrive(100, 5);
        assertThat(h.step().prefillIds()).containsExactly(0L);
        assertThat(a.blocks()).as("prompt + output reserved at admission").isEqualTo(h.kv.blocksFor(105));
        h.arrive(300, 4);
        var mixed = h.step();
        assertThat(mixed.decodes()).containsExactly(0L);
        assertThat(mixed.prefills()).containsExactly(new SchedulerHarness.Chunk(1, 300, 0));
        var next = h.step();
        assertThat(next.prefills()).isEmpty();
        assertThat(next.decodes()).containsExactly(0L, 1L);
        int blocksA = a.blocks();
        h.step();
        assertThat(a.blocks()).as("decodes never allocate").isEqualTo(blocksA);
    }

    @Test
    void underMemoryPressureOrcaMakesRequestsWaitWhereVllmPreempts() {
        // 20 blocks of 16 tokens; two requests of 100 + 100 tokens need 13 blocks each at their peak
        var orca = SchedulerHarness.of("orca", 20, 16);
        Request a = orca.arrive(100, 100);
        Request b = orca.arrive(100, 100);
        assertThat(orca.step().prefillIds()).containsExactly(0L);
        orca.drain(1000);
        assertThat(orca.preempted).isZero();
        assertThat(b.firstScheduledNs()).isEqualTo(a.finishNs());
        assertThat(orca.kv.peakBlocks()).isLessThanOrEqualTo(20);

        var vllm = SchedulerHarness.of("vllm", 20, 16);
        vllm.arrive(100, 100);
        vllm.arrive(100, 100);
        assertThat(vllm.step().prefillIds()).containsExactly(0L, 1L);
        vllm.drain(1000);
        assertThat(vllm.preempted).isPositive();
    }
}
