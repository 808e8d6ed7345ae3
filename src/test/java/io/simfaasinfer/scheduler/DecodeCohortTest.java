package io.simfaasinfer.scheduler;

import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.request.DecodeClock;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steady decoders of vLLM's scheduler ({@link DecodeCohort}, taken when the observer accepts
 * decode runs) must give exactly what decoding every request one by one gives: the same batches,
 * the same state of every request at every step (read through its accessors while on the clock),
 * the same metrics, blocks and preemptions. Random workloads on small caches (preemption dissolves
 * the cohort), with and without prefix caching, several classes, unmeasured requests.
 */
class DecodeCohortTest {

    /** Forwards everything to a collector but takes every token one by one (no decode runs). */
    private static RequestObserver perToken(MetricsCollector m) {
        return new RequestObserver() {
            @Override public void onArrival(Request r, long now) { m.onArrival(r, now); }
            @Override public void onFirstScheduled(Request r, long now) { m.onFirstScheduled(r, now); }
            @Override public void onToken(Request r, long gapNs, long now) { m.onToken(r, gapNs, now); }
            @Override public void onPreempted(Request r, long now) { m.onPreempted(r, now); }
            @Override public void onFinished(Request r, long now) { m.onFinished(r, now); }
        };
    }

    private static Scheduler vllm(BlockManager kv, RequestObserver observer) {
        SchedulerConfig sc = TestConfigs.of("scheduler.max_num_batched_tokens=4096").scheduler();
        return Schedulers.registry().get("scheduler.name", "vllm")
                .create(new SchedulerContext(0, kv, sc, Catalog.builtin().model("llama-2-7b"), observer));
    }

    @Test
    void steadyDecodesEqualTheRequestByRequestPass() {
        int steadyBatches = 0;
        long preemptions = 0;
        for (int seed = 0; seed < 40; seed++) {
            Random rnd = new Random(seed);
            boolean caching = seed % 3 == 0;
            int blocks = 30 + rnd.nextInt(200);
            BlockManager kvA = new BlockManager(blocks, 16, caching);
            BlockManager kvB = new BlockManager(blocks, 16, caching);
            MetricsCollector mA = new MetricsCollector(null);
            MetricsCollector mB = new MetricsCollector(null);
            Scheduler a = vllm(kvA, mA);
            Scheduler b = vllm(kvB, perToken(mB));
            Batch batchA = new Batch();
            Batch batchB = new Batch();
            List<Request> reqA = new ArrayList<>();
            List<Request> reqB = new ArrayList<>();
            long now = 0;
            int classes = 1 + rnd.nextInt(3);
            for (int step = 0; step < 1500; step++) {
                int arrivals = step < 1000 && rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0;
                for (int k = 0; k < arrivals; k++) {
                    int prompt = 1 + rnd.nextInt(300);
                    int output = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 120);
                    boolean measured = rnd.nextInt(6) > 0;
                    int cls = rnd.nextInt(classes);
                    long[] hashes = caching ? hashes(prompt, rnd.nextInt(3), rnd.nextLong()) : null;
                    long id = reqA.size();
                    for (int side = 0; side < 2; side++) {
                        Request r = new Request(id, now, prompt, output, measured, cls, Long.MAX_VALUE, hashes);
                        r.assign(0);
                        (side == 0 ? mA : mB).onArrival(r, now);
                        (side == 0 ? a : b).enqueue(r, now);
                        (side == 0 ? reqA : reqB).add(r);
                    }
                }
                boolean ranA = a.schedule(now, batchA);
                boolean ranB = b.schedule(now, batchB);
                assertThat(ranA).as("seed %d step %d", seed, step).isEqualTo(ranB);
                if (!ranA) {
                    now += 1_000;
                    continue;
                }
                steadyBatches += batchA.steadyDecodes() ? 1 : 0;
                assertThat(describe(batchA)).as("seed %d step %d", seed, step).isEqualTo(describe(batchB));
                // iteration time depends on the batch, so the gaps differ from one iteration to the next
                now += 1_000 + 7L * batchA.numDecodes() + 3L * batchA.totalPrefillTokens() + rnd.nextInt(50);
                a.complete(batchA, now);
                b.complete(batchB, now);
                if (step % 7 == 0) {
                    for (int i = 0; i < reqA.size(); i++) {
                        assertThat(state(reqA.get(i))).as("seed %d step %d request %d", seed, step, i)
                                .isEqualTo(state(reqB.get(i)));
                    }
                }
            }
            for (int i = 0; i < reqA.size(); i++) {
                assertThat(state(reqA.get(i))).as("seed %d request %d at the end", seed, i).isEqualTo(state(reqB.get(i)));
            }
            assertThat(mA.tbt().summary()).as("seed %d", seed).isEqualTo(mB.tbt().summary());
            assertThat(mA.tbt().count()).isEqualTo(mB.tbt().count());
            assertThat(mA.ttft().summary()).isEqualTo(mB.ttft().summary());
            assertThat(mA.e2e().summary()).isEqualTo(mB.e2e().summary());
            assertThat(mA.tpot().summary()).isEqualTo(mB.tpot().summary());
            assertThat(mA.completed()).isEqualTo(mB.completed());
            assertThat(mA.classes().summary(List.of("a", "b", "c"), List.of()))
                    .isEqualTo(mB.classes().summary(List.of("a", "b", "c"), List.of()));
            assertThat(a.emittedTokens()).isEqualTo(b.emittedTokens());
            assertThat(a.remainingWorkTokens()).isEqualTo(b.remainingWorkTokens());
            assertThat(kvA.usedBlocks()).isEqualTo(kvB.usedBlocks());
            assertThat(mA.preemptions()).isEqualTo(mB.preemptions());
            preemptions += mA.preemptions();
        }
        assertThat(steadyBatches).as("the cohort ran").isGreaterThan(10_000);
        assertThat(preemptions).as("preemption dissolved it").isPositive();
    }

    @Test
    void theClockTellsTheLargestGapSinceAnyJoin() {
        Random rnd = new Random(3);
        DecodeClock clock = new DecodeClock();
        List<Long> ends = new ArrayList<>();
        long now = 0;
        long oldest = 0;
        for (int e = 1; e <= 6_000; e++) {
            now += 1 + (rnd.nextInt(10) == 0 ? rnd.nextInt(5_000) : rnd.nextInt(100 + e % 300));
            if (rnd.nextInt(50) == 0) {
                oldest = Math.max(oldest, e - 1 - rnd.nextInt(200));
            }
            clock.advance(now, Math.min(oldest, clock.epoch()));
            ends.add(now);
            assertThat(clock.epoch()).isEqualTo(e);
            for (int q = 0; q < 3; q++) {
                long join = Math.max(oldest, e - rnd.nextInt(400));
                long max = 0;
                for (long k = join + 1; k <= e; k++) {
                    max = Math.max(max, k >= 2 ? ends.get((int) k - 1) - ends.get((int) k - 2) : 0);
                }
                assertThat(clock.maxGapSince(join)).as("epoch %d since %d", e, join).isEqualTo(max);
            }
        }
    }

    /** Prefix hashes: the first four blocks shared by the requests of one of three prompts, the rest unique. */
    private static long[] hashes(int prompt, int prefix, long unique) {
        long[] h = new long[prompt / 16];
        for (int i = 0; i < h.length; i++) {
            h[i] = i < 4 ? prefix * 1000L + i : unique * 31L + i;
        }
        return h;
    }

    private static String describe(Batch b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.numPrefills(); i++) {
            s.append('p').append(b.prefillRequest(i).id()).append(':').append(b.realPrefillTokens(i)).append('@')
                    .append(b.prefillContext(i)).append(' ');
        }
        for (int i = 0; i < b.numDecodes(); i++) {
            s.append('d').append(b.decodeRequest(i).id()).append('@').append(b.decodeContext(i)).append(' ');
        }
        return s.append("sum ").append(b.totalDecodeContext()).toString();
    }

    private static String state(Request r) {
        return r.state() + " gen " + r.generated() + " kv " + r.kvTokens() + " blocks " + r.blocks() + " last "
                + r.lastTokenNs() + " first " + r.firstTokenNs() + " maxGap " + r.maxGapNs() + " finish " + r.finishNs()
                + " preempted " + r.preemptions() + " left " + r.remainingOutput() + " prefilled " + r.prefilled();
    }
}
