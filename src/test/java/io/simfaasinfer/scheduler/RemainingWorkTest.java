package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The work counter behind {@code shortest_work} stays exact through chunks, decodes and preemptions. */
class RemainingWorkTest {

    @ParameterizedTest
    @ValueSource(strings = {"vllm", "sarathi", "vllm-v1", "orca", "faster-transformer", "lightllm"})
    void remainingWorkIsTheSumOverUnfinishedRequestsAtEveryIteration(String name) {
        var h = SchedulerHarness.of(name, 40, 16, "scheduler.chunk_size=256");
        List<Request> all = new ArrayList<>();
        all.add(h.arrive(300, 200));
        all.add(h.arrive(300, 150));
        assertThat(h.scheduler.remainingWorkTokens()).isEqualTo(300 + 200 + 300 + 150);
        int steps = 0;
        while (h.step() != null) {
            if (steps == 3) {
                all.add(h.arrive(200, 80));
            }
            long expected = all.stream().filter(r -> !r.isFinished())
                    .mapToLong(r -> r.remainingPrefill() + r.remainingOutput()).sum();
            assertThat(h.scheduler.remainingWorkTokens()).as("%s after iteration %d", name, steps).isEqualTo(expected);
            steps++;
        }
        assertThat(all).allMatch(Request::isFinished);
        assertThat(h.scheduler.remainingWorkTokens()).isZero();
        if (name.equals("vllm") || name.equals("sarathi") || name.equals("vllm-v1")) {
            assertThat(h.preempted).as("the 40-block cache forces recomputation").isPositive();
        }
    }
}
