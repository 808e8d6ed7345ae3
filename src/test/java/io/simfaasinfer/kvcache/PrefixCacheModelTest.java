package io.simfaasinfer.kvcache;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random admissions, chunked registrations, prefill progress, decode growth, completions,
 * preemptions (mid-prefill ones included) and cache clears, replayed on {@link PrefixCache} and on
 * {@link ReferencePrefixCache} (one hash probe per block): every answer and count must agree after
 * every operation, so hits, eviction order and its ties are the reference's; no block is lost and the
 * capacity is never exceeded; a router's questions (each continuing the answer to the one before) agree
 * with the reference too. Prompts share random prefixes of earlier ones (prefix-closed hashes,
 * as every workload source makes them), branching anywhere.
 */
class PrefixCacheModelTest {

    private static final int BS = 4;

    private static final class Live {
        final Request r;
        /** End of the prefill scheduled so far (prompt tokens). */
        int scheduledEnd;

        Live(Request r) {
            this.r = r;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void randomOperationsMatchThePerBlockReference(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 24 + rnd.nextInt(100);
        BlockManager kv = new BlockManager(n, BS, true);
        BlockManager refKv = new BlockManager(n, BS, false);
        ReferencePrefixCache ref = new ReferencePrefixCache(refKv);
        PrefixCache p = kv.prefixCache();
        List<long[]> prompts = new ArrayList<>();
        List<Live> waiting = new ArrayList<>();
        List<Live> running = new ArrayList<>();
        long ids = 0;
        long[] routerAsked = null;
        for (int step = 0; step < 4000; step++) {
            int op = rnd.nextInt(100);
            if (op < 15 && waiting.size() < 6) {
                int prompt = 1 + rnd.nextInt(14 * BS);
                int output = 1 + rnd.nextInt(10);
                long[] h = hashes(rnd, prompts, rnd.nextBoolean() ? prompt / BS : (prompt + output - 1) / BS);
                if (h != null) {
                    prompts.add(h);
                }
                waiting.add(new Live(new Request(ids++, 0, prompt, output, true, 0, Long.MAX_VALUE,
                        rnd.nextInt(10) == 0 ? null : h)));
            } else if (op < 35 && !waiting.isEmpty()) {
                Live l = waiting.get(rnd.nextInt(waiting.size()));
                Request r = l.r;
                int blocks = kv.blocksFor(r.prefillTarget());
                int hits = ref.admissionHits(r);
                assertThat(kv.cachedPrefixTokens(r)).isEqualTo(hits * BS);
                int cost = blocks - ref.heldHits(r, Math.min(hits, blocks));
                assertThat(kv.admissionCost(r, blocks)).isEqualTo(cost);
                if (cost > kv.freeBlocks()) {
                    continue;
                }
                int computeEnd = rnd.nextBoolean() ? Integer.MAX_VALUE
                        : Math.min(r.prefillTarget(), hits * BS + 1 + rnd.nextInt(3 * BS));
                int refCached = ref.admit(r, blocks, computeEnd);
                int cached = kv.allocateFor(r, blocks, computeEnd);
                assertThat(cached).isEqualTo(refCached);
                r.advancePrefill(cached);
                r.setBlocks(blocks);
                l.scheduledEnd = Math.min(r.prefillTarget(), computeEnd);
                waiting.remove(l);
                running.add(l);
            } else if (op < 45 && !running.isEmpty()) {
                Live l = running.get(rnd.nextInt(running.size()));
                Request r = l.r;
                if (r.inPrefill() && r.prefilled() == l.scheduledEnd) {
                    int end = Math.min(r.prefillTarget(), r.prefilled() + 1 + rnd.nextInt(3 * BS));
                    ref.cacheUpTo(r, end);
                    kv.cacheUpTo(r, end);
                    l.scheduledEnd = end;
                }
            } else if (op < 60 && !running.isEmpty()) {
                Live l = running.get(rnd.nextInt(running.size()));
                Request r = l.r;
                if (r.prefilled() < l.scheduledEnd) {
                    r.advancePrefill(l.scheduledEnd - r.prefilled());
                    if (!r.inPrefill()) {
                        emit(kv, ref, running, l);
                    }
                }
            } else if (op < 85 && !running.isEmpty()) {
                Live l = running.get(rnd.nextInt(running.size()));
                Request r = l.r;
                if (!r.inPrefill()) {
                    int need = kv.blocksFor(r.kvTokens() + 1) - r.blocks();
                    assertThat(refKv.freeBlocks()).isEqualTo(kv.freeBlocks());
                    if (need > kv.freeBlocks()) {
                        continue;
                    }
                    if (need > 0) {
                        ref.allocate(need);
                        kv.allocate(need);
                        r.setBlocks(r.blocks() + need);
                    }
                    emit(kv, ref, running, l);
                }
            } else if (op < 97 && !running.isEmpty()) {
                Live l = running.remove(rnd.nextInt(running.size()));
                ref.release(l.r);
                kv.release(l.r);
                l.r.preempt();
                l.scheduledEnd = 0;
                waiting.add(l);
            } else if (op == 99) {
                ref.dropEvictable();
                kv.clearPrefixCache();
            }
            assertThat(kv.usedBlocks()).isEqualTo(refKv.usedBlocks());
            assertThat(p.evictableBlocks()).isEqualTo(ref.evictableBlocks());
            assertThat(p.cachedBlocks()).isEqualTo(ref.cachedBlocks());
            assertThat(p.evictions()).isEqualTo(ref.evictions());
            assertThat(p.hitBlocks()).isEqualTo(ref.hitBlocks());
            assertThat(p.lookupBlocks()).isEqualTo(ref.lookupBlocks());
            assertThat(p.prefillTokens()).isEqualTo(ref.prefillTokens());
            assertThat(p.admissions()).isEqualTo(ref.admissions());
            assertThat(kv.usedBlocks() + p.evictableBlocks()).isLessThanOrEqualTo(n);
            assertThat(p.cachedBlocks()).isLessThanOrEqualTo(n);
            int held = running.stream().mapToInt(l -> l.r.blocks()).sum();
            assertThat(kv.usedBlocks()).isBetween(0, held);
            if (!prompts.isEmpty()) {
                long[] probe = prompts.get(rnd.nextInt(prompts.size()));
                int tokens = (probe.length + 1) * BS;
                assertThat(p.matchedBlocks(probe, tokens)).isEqualTo(ref.matchedBlocks(probe, tokens));
                // a router's questions, one request after another: each continues the answer for the one before
                for (int q = rnd.nextInt(3); q >= 0; q--) {
                    long[] asked = prompts.get(rnd.nextInt(prompts.size()));
                    if (rnd.nextInt(3) == 0) { // a new prompt sharing a prefix of the last one asked
                        asked = hashes(rnd, routerAsked == null ? prompts : List.of(routerAsked), 1 + rnd.nextInt(14));
                    }
                    int askedTokens = 1 + rnd.nextInt((asked.length + 1) * BS);
                    int common = 0;
                    while (routerAsked != null && common < Math.min(asked.length, routerAsked.length)
                            && asked[common] == routerAsked[common]) {
                        common++;
                    }
                    assertThat(p.matchedBlocks(asked, askedTokens, routerAsked, common))
                            .as("router question, step %d", step).isEqualTo(ref.matchedBlocks(asked, askedTokens));
                    routerAsked = asked;
                }
            }
        }
        for (Live l : running) {
            ref.release(l.r);
            kv.release(l.r);
        }
        assertThat(kv.usedBlocks()).isZero();
        assertThat(p.evictableBlocks()).isEqualTo(ref.evictableBlocks()).isEqualTo(p.cachedBlocks());
    }

    /** Emits a token of {@code l} (prefill done); a finished request releases its blocks. */
    private static void emit(BlockManager kv, ReferencePrefixCache ref, List<Live> running, Live l) {
        l.r.emitToken(1);
        if (l.r.isFinished()) {
            ref.release(l.r);
            kv.release(l.r);
            l.r.setBlocks(0);
            running.remove(l);
        }
    }

    /** {@code count} prefix-closed hashes: a random prefix of an earlier prompt's, then new ones. */
    private static long[] hashes(SplittableRandom rnd, List<long[]> prompts, int count) {
        if (count <= 0) {
            return null;
        }
        long[] h = new long[count];
        int shared = 0;
        if (!prompts.isEmpty() && rnd.nextInt(4) > 0) {
            long[] base = prompts.get(rnd.nextInt(prompts.size()));
            shared = rnd.nextInt(Math.min(base.length, count) + 1);
            System.arraycopy(base, 0, h, 0, shared);
        }
        for (int b = shared; b < count; b++) {
            h[b] = rnd.nextLong();
        }
        return h;
    }
}
