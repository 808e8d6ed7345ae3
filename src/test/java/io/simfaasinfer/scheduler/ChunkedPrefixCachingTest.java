package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prefix caching under the chunked-prefill schedulers: the cached prefix is skipped at admission and
 * only the rest of the prompt is chunked, blocks become shareable as their chunk is scheduled,
 * shared blocks are counted once, and KV, work and preemption accounting stay exact.
 */
class ChunkedPrefixCachingTest {

    private static final int BS = 16;

    private static long[] hashes(int blocks, long base, int sharedBlocks, long sharedBase) {
        long[] h = new long[blocks];
        for (int b = 0; b < blocks; b++) {
            h[b] = b < sharedBlocks ? sharedBase + b : base + b;
        }
        return h;
    }

    private static SchedulerHarness harness(String name, int blocks, int budget) {
        return SchedulerHarness.cached(name, blocks, BS, "scheduler.chunk_size=" + budget,
                "scheduler.max_num_batched_tokens=" + budget);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm-v1", "sarathi"})
    void cachedPrefixIsSkippedAndOnlyTheRestIsChunked(String name) {
        var h = harness(name, 200, 256);
        long[] a = hashes(37, 1000, 0, 0); // 600 tokens: 37 full blocks
        h.arrive(600, 1, a);
        h.drain(20);
        assertThat(h.iterations).extracting(it -> it.prefills().toString())
                .containsExactly("[0:256@0]", "[0:256@256]", "[0:88@512]");
        assertThat(h.kv.usedBlocks()).isZero();
        // shares A's first 32 blocks (512 tokens): one 88-token chunk after them
        Request b = h.arrive(600, 1, hashes(37, 2000, 32, 1000));
        assertThat(h.step().prefills().toString()).isEqualTo("[1:88@512]");
        assertThat(b.isFinished()).isTrue();
        // the same prompt as A: every full block but the last token's is cached (one token is always computed)
        h.arrive(600, 1, a);
        assertThat(h.step().prefills().toString()).isEqualTo("[2:8@592]");
        assertThat(h.kv.prefixCache().hitTokens()).isEqualTo(512 + 592);
        assertThat(h.kv.prefixCache().prefillTokens()).isEqualTo(3 * 600);
        assertThat(h.scheduler.remainingWorkTokens()).isZero();
        assertThat(h.kv.usedBlocks()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm-v1", "sarathi"})
    void blocksOfAChunkAreShareableOnceScheduledAndCountedOnce(String name) {
        var h = harness(name, 200, 300);
        long[] p = hashes(25, 1000, 0, 0); // 400 tokens: 25 full blocks
        h.arrive(400, 4, p);
        assertThat(h.step().prefills().toString()).isEqualTo("[0:300@0]");
        Request b = h.arrive(400, 4, p);
        assertThat(h.scheduler.remainingWorkTokens()).isEqualTo(100 + 4 + 400 + 4);
        // A's last chunk registers its blocks; B, admitted behind it, shares 24 of them
        assertThat(h.step().prefills().toString()).isEqualTo("[0:100@300, 1:16@384]");
        assertThat(b.blocks()).isEqualTo(25);
        assertThat(h.kv.usedBlocks()).isEqualTo(25 + 1);
        assertThat(h.scheduler.remainingWorkTokens()).isEqualTo(3 + 3);
        h.drain(20);
        assertThat(h.kv.usedBlocks()).isZero();
        assertThat(h.scheduler.remainingWorkTokens()).isZero();
    }

    /**
     * Seeded random workloads with shared prefixes in a cache too small for them: at every iteration
     * the KV is within capacity, shared blocks are not double counted (used at most the sum of what the
     * running requests hold, exactly that without caching), every chunk starts where its request's
     * prefill stands, and the work counter is exact; at the end every request finished and every block
     * is free. Preemptions happen (recompute releases shared and private blocks correctly).
     */
    @ParameterizedTest
    @ValueSource(strings = {"vllm", "vllm-v1", "sarathi"})
    void randomSharedPrefixWorkloadsUnderMemoryPressureStayConsistent(String name) {
        long preemptions = 0;
        long saved = 0;
        for (int seed = 1; seed <= 6; seed++) {
            for (boolean caching : new boolean[] {true, false}) {
                var h = name.equals("vllm")
                        ? (caching ? SchedulerHarness.cached(name, 64, BS) : SchedulerHarness.of(name, 64, BS))
                        : (caching ? harness(name, 64, 256) : SchedulerHarness.of(name, 64, BS,
                                "scheduler.chunk_size=256", "scheduler.max_num_batched_tokens=256"));
                var rnd = new SplittableRandom(seed);
                List<Request> all = new ArrayList<>();
                int steps = 0;
                while (all.size() < 60 || !all.stream().allMatch(Request::isFinished)) {
                    if (all.size() < 60 && rnd.nextInt(3) == 0) {
                        int group = rnd.nextInt(3);
                        int shared = 4 + 8 * group;
                        int prompt = shared * BS + 1 + rnd.nextInt(300);
                        int output = 1 + rnd.nextInt(Math.min(200, 1000 - prompt));
                        long id = all.size();
                        all.add(h.arrive(prompt, output, hashes(prompt / BS, 1_000_000 * (id + 1), shared, 1000L * group)));
                    }
                    int[] prefilledBefore = all.stream().mapToInt(Request::prefilled).toArray();
                    var it = h.step();
                    h.now += 1;
                    if (it != null) {
                        for (var c : it.prefills()) {
                            Request r = all.get((int) c.id());
                            int from = prefilledBefore[(int) c.id()];
                            assertThat(c.tokens()).isPositive();
                            // a chunk continues the prefill, or starts after a whole-block cached prefix
                            assertThat(c.context() == from || (from == 0 && c.context() % BS == 0 && caching))
                                    .as("%s chunk %s after %d", name, c, from).isTrue();
                            assertThat(r.prefilled()).isEqualTo(c.context() + c.tokens());
                        }
                    }
                    int held = all.stream().mapToInt(Request::blocks).sum();
                    int used = h.kv.usedBlocks();
                    assertThat(used).isBetween(0, h.kv.totalBlocks());
                    if (caching) {
                        assertThat(used).isLessThanOrEqualTo(held);
                        assertThat(used + h.kv.prefixCache().evictableBlocks()).isLessThanOrEqualTo(h.kv.totalBlocks());
                    } else {
                        assertThat(used).isEqualTo(held);
                    }
                    long work = all.stream().filter(r -> !r.isFinished())
                            .mapToLong(r -> r.remainingPrefill() + r.remainingOutput()).sum();
                    assertThat(h.scheduler.remainingWorkTokens()).as("%s seed %d step %d", name, seed, steps)
                            .isEqualTo(work);
                    assertThat(++steps).isLessThan(100_000);
                }
                assertThat(h.kv.usedBlocks()).isZero();
                assertThat(h.scheduler.remainingWorkTokens()).isZero();
                if (caching) {
                    preemptions += h.preempted;
                    saved += h.kv.prefixCache().hitTokens();
                }
            }
        }
        assertThat(preemptions).as("the 64-block cache forces recomputation").isPositive();
        assertThat(saved).isPositive();
    }
}
