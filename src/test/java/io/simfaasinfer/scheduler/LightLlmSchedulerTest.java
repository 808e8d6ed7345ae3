package io.simfaasinfer.scheduler;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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

    /**
     * The projected peak from the running set's kept order (merged with the candidate) equals the one
     * sorted from scratch, for no candidate and for every waiting request, before every iteration of
     * random workloads: several block sizes, prefix caching, the steady-decoder cohort on (its members'
     * tokens read through the clock) and off, requests that finish at their prefill, bursts that
     * keep requests waiting.
     */
    @Test
    void theKeptOrderGivesThePeakSortingGives() {
        long checks = 0;
        for (int seed = 0; seed < 12; seed++) {
            Random rnd = new Random(seed);
            int bs = new int[] {1, 16, 32}[seed % 3];
            BlockManager kv = new BlockManager(200 + rnd.nextInt(400), bs, seed % 4 == 0); // every request fits alone
            var sc = TestConfigs.of("scheduler.max_num_batched_tokens=" + (256 + rnd.nextInt(4000)),
                    "scheduler.max_num_seqs=" + (rnd.nextBoolean() ? 256 : 12)).scheduler();
            MetricsCollector metrics = new MetricsCollector(null);
            io.simfaasinfer.request.RequestObserver observer = seed % 2 == 0 ? metrics
                    : new io.simfaasinfer.request.RequestObserver() { }; // no decode runs: no cohort
            var light = (LightLlmScheduler) Schedulers.registry().get("scheduler.name", "lightllm")
                    .create(new SchedulerContext(0, kv, sc, Catalog.builtin().model("llama-2-7b"), observer));
            Batch batch = new Batch();
            List<Request> all = new ArrayList<>();
            long now = 0;
            for (int step = 0; step < 100_000 && (step < 1200 || light.running() + light.waiting() > 0); step++) {
                int arrivals = step < 900 && rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(4) : 0;
                for (int k = 0; k < arrivals; k++) {
                    int prompt = 1 + rnd.nextInt(bs == 1 ? 30 : 400);
                    int output = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 150);
                    Request r = new Request(all.size(), now, prompt, output, rnd.nextInt(5) > 0);
                    r.assign(0);
                    if (observer == metrics) {
                        metrics.onArrival(r, now);
                    }
                    light.enqueue(r, now);
                    all.add(r);
                }
                assertThat(light.peakBlocks(null)).as("seed %d step %d", seed, step).isEqualTo(light.peakBlocksBySorting(null));
                for (Request r : all) {
                    if (r.state() == Request.State.WAITING) {
                        assertThat(light.peakBlocks(r)).as("seed %d step %d candidate %d", seed, step, r.id())
                                .isEqualTo(light.peakBlocksBySorting(r));
                        checks++;
                    }
                }
                if (!light.schedule(now, batch)) {
                    now += 1_000;
                    continue;
                }
                now += 1_000 + rnd.nextInt(50);
                light.complete(batch, now);
            }
            for (Request r : all) {
                assertThat(r.isFinished()).as("seed %d request %d", seed, r.id()).isTrue();
            }
        }
        assertThat(checks).as("candidates were checked").isGreaterThan(10_000);
    }
}
