package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Admission by the projected peak KV of the running requests. */
class LightLlmSchedulerTest {

    @Test
    void aRequestJoinsExactlyWhenThePeakOfAllRunningToTheirEndFits() {
        // one-token blocks make the estimate exact: 100 tokens of KV
        var h = SchedulerHarness.of("lightllm", 100, 1);
        Request a = h.arrive(10, 50); // ends holding 10 + 50 - 1 = 59 tokens
        Request b = h.arrive(10, 50);
        assertThat(h.step().prefillIds()).containsExactly(0L);
        // After A emitted g tokens it holds 9 + g and adds 50 - g more; B would hold 10 and add 49.
        // From g = 2 on A has less left, so the peak is when A ends, both still running:
        // (9 + g + 50 - g) + (10 + 50 - g) = 119 - g <= 100 only from g = 19 on.
        while (b.firstScheduledNs() < 0) {
            long generatedBefore = a.generated();
            var it = h.step();
            if (b.firstScheduledNs() >= 0) {
                assertThat(generatedBefore).isEqualTo(19);
                assertThat(it.prefillIds()).containsExactly(1L);
                assertThat(it.decodes()).isEmpty();
            } else {
                assertThat(it.decodes()).containsExactly(0L);
            }
        }
        h.drain(1000);
        assertThat(h.preempted).isZero();
        assertThat(h.kv.peakBlocks()).isEqualTo(100);
        assertThat(a.isFinished() && b.isFinished()).isTrue();
    }

    @Test
    void theProjectedPeakUsesTheLongestRemainingOutputsFirst() {
        var h = SchedulerHarness.of("lightllm", 100, 1);
        h.arrive(10, 50);
        h.arrive(10, 20);
        // together: A (10, 49 to add), B (10, 19): max(10 + 49, 20 + 2 * 19) = 59 <= 100: both at once
        assertThat(h.step().prefillIds()).containsExactly(0L, 1L);
        var light = (LightLlmScheduler) h.scheduler;
        assertThat(light.peakBlocks(null)).isEqualTo(59);
    }
}
