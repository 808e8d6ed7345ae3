package io.simfaasinfer.kvcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.simfaasinfer.kvcache.CachedBlocks.NONE;
import static org.assertj.core.api.Assertions.assertThat;

/** The run structure of {@link CachedBlocks}: primary and branching successors, splits, orphans, LRU order. */
class CachedBlocksTest {

    /** Registers h[from..to) after the last block of run {@code last}; returns the end cached. */
    private static int register(CachedBlocks c, long[] h, int from, int to, int last) {
        c.cursorAtEnd(last);
        return c.addRun(h, from, to);
    }

    /** Takes a reference to the first n blocks of h (cached); returns those that were free. */
    private static int hold(CachedBlocks c, long[] h, int n) {
        assertThat(c.walk(h, n, true)).isEqualTo(n);
        return c.retainWalked();
    }

    @Test
    void walksFindPrimaryAndBranchingSuccessors() {
        CachedBlocks c = new CachedBlocks(16);
        long[] a = {1, 2, 3, 4};
        long[] b = {1, 2, 7, 8};
        assertThat(register(c, a, 0, 4, NONE)).isEqualTo(4);
        assertThat(c.runs()).isEqualTo(1); // registered at once: one run
        assertThat(c.walk(b, 4, false)).isEqualTo(2); // shares 1, 2
        assertThat(hold(c, b, 2)).isZero(); // held by a's registrant already
        assertThat(c.runs()).isEqualTo(2); // 1, 2 (two holders) split from 3, 4 (one)
        int two = c.cursorRun();
        assertThat(c.refs(two)).isEqualTo(2);
        assertThat(register(c, b, 2, 4, two)).isEqualTo(4); // 7 branches off 2, which has 3 already
        assertThat(c.runs()).isEqualTo(3);
        assertThat(c.walk(a, 4, false)).isEqualTo(4);
        assertThat(c.walk(b, 4, false)).isEqualTo(4);
        assertThat(c.walk(new long[] {1, 2, 9}, 3, false)).isEqualTo(2);
        assertThat(c.size()).isEqualTo(6);
        assertThat(c.freeSlots()).isEqualTo(10);
        assertThat(register(c, a, 0, 4, NONE)).isZero(); // cached already: nothing added
    }

    @Test
    void aRegistrationInChunksExtendsTheRunItsRequestAloneHolds() {
        CachedBlocks c = new CachedBlocks(16);
        long[] a = {1, 2, 3, 4, 5, 6};
        assertThat(register(c, a, 0, 2, NONE)).isEqualTo(2);
        int run = c.cursorRun();
        assertThat(register(c, a, 2, 5, run)).isEqualTo(5);
        assertThat(c.cursorRun()).isEqualTo(run);
        assertThat(c.runs()).isEqualTo(1);
        assertThat(hold(c, a, 5)).isZero(); // a second holder: still one run
        assertThat(register(c, a, 5, 6, c.cursorRun())).isEqualTo(6); // not extended: held twice
        assertThat(c.runs()).isEqualTo(2);
        assertThat(c.walk(a, 6, false)).isEqualTo(6);
    }

    @Test
    void droppingABlockKeepsItsSuccessorsFindableAsOrphans() {
        CachedBlocks c = new CachedBlocks(8);
        long[] a = {1, 2, 3};
        long[] b = {1, 2, 5};
        register(c, a, 0, 3, NONE);
        assertThat(c.release(a, 3, c.cursorRun(), 3, 3)).isEqualTo(3); // all computed: all free
        assertThat(c.evictable()).isEqualTo(3);
        assertThat(hold(c, b, 2)).isEqualTo(2); // q holds 1, 2
        int q = c.cursorRun();
        assertThat(hold(c, b, 2)).isZero(); // r too, and caches 5 after 2, an indexed successor
        assertThat(register(c, b, 2, 3, c.cursorRun())).isEqualTo(3);
        assertThat(c.release(b, 3, c.cursorRun(), 3, 3)).isEqualTo(1); // 5 is free; 1, 2 held by q
        // q leaves mid-prefill with only block 0 computed: 2 is dropped, 3 and 5 become orphans
        assertThat(c.release(b, 2, q, 2, 1)).isEqualTo(2);
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.walk(a, 3, false)).isEqualTo(1);
        assertThat(c.walk(b, 3, false)).isEqualTo(1);
        // 2 cached again: its old successors are found from it
        hold(c, a, 1);
        assertThat(c.addRun(a, 1, 3)).isEqualTo(2); // stops at 3, cached already
        assertThat(c.walk(a, 3, false)).isEqualTo(3);
        assertThat(c.walk(b, 3, false)).isEqualTo(3);
        assertThat(c.release(a, 2, c.cursorRun(), 2, 2)).isEqualTo(2);
        // orphans evicted in turn leave nothing behind
        c.evict(c.evictable());
        assertThat(c.walk(a, 3, false)).isZero();
        assertThat(c.walk(b, 3, false)).isZero();
        assertThat(c.size()).isZero();
        assertThat(c.runs()).isZero();
        assertThat(c.freeSlots()).isEqualTo(8);
    }

    @Test
    void evictionFollowsTheOrderBlocksWereFreedInDeepestFirst() {
        CachedBlocks c = new CachedBlocks(8);
        long[] a = {1, 2, 3};
        long[] b = {4, 5};
        register(c, a, 0, 3, NONE);
        int ra = c.cursorRun();
        register(c, b, 0, 2, NONE);
        int rb = c.cursorRun();
        c.release(a, 3, ra, 3, 3); // free: 3, 2, 1
        c.release(b, 2, rb, 2, 2); // then 5, 4
        assertThat(c.evictable()).isEqualTo(5);
        assertThat(hold(c, a, 1)).isOne(); // a's head is in use again: it leaves the LRU list
        assertThat(c.evictable()).isEqualTo(4);
        assertThat(c.release(a, 1, c.cursorRun(), 1, 1)).isOne(); // and is freed last: 3, 2, 5, 4, 1
        c.evict(1);
        assertThat(c.walk(a, 3, false)).isEqualTo(2);
        c.evict(2); // 2, then 5
        assertThat(c.walk(a, 3, false)).isOne();
        assertThat(c.walk(b, 2, false)).isOne();
        c.evict(1);
        assertThat(c.walk(b, 2, false)).isZero();
        assertThat(c.walk(a, 3, false)).isOne();
        c.evict(1);
        assertThat(c.walk(a, 3, false)).isZero();
        assertThat(c.size()).isZero();
        assertThat(c.evictable()).isZero();
    }

    @Test
    void theRecordsGrowWithTheRuns() {
        CachedBlocks c = new CachedBlocks(2_000);
        long[][] prompts = new long[700][];
        for (int i = 0; i < prompts.length; i++) { // more runs than the records made at first
            prompts[i] = new long[] {10L * i + 1, 10L * i + 2};
            assertThat(register(c, prompts[i], 0, 2, NONE)).isEqualTo(2);
            c.release(prompts[i], 2, c.cursorRun(), 2, 2);
        }
        assertThat(c.runs()).isEqualTo(700);
        assertThat(hold(c, prompts[5], 1)).isOne(); // a split, in a new record
        assertThat(c.runs()).isEqualTo(701);
        assertThat(c.size()).isEqualTo(1_400);
        c.evict(1_399 - 2 * 5); // least recently freed first: all but the last 5 prompts and prompts[5]'s held block
        for (int i = 0; i < prompts.length; i++) {
            assertThat(c.walk(prompts[i], 2, false)).isEqualTo(i >= 695 ? 2 : i == 5 ? 1 : 0);
        }
        assertThat(c.size()).isEqualTo(11);
    }

    /** Single-block prompts (roots) under random adds, retains, releases and evictions, against a plain LRU list. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void evictionOrderMatchesAPlainLruList(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 2 + rnd.nextInt(30);
        CachedBlocks c = new CachedBlocks(n);
        List<Long> lru = new ArrayList<>(); // free blocks' hashes, least recently freed first
        List<Long> held = new ArrayList<>(); // one entry per reference
        List<Long> cached = new ArrayList<>();
        long next = 1;
        for (int step = 0; step < 20_000; step++) {
            int op = rnd.nextInt(10);
            if (op < 2 && c.freeSlots() > 0) {
                long[] h = {next++};
                assertThat(c.walk(h, 1, false)).isZero();
                assertThat(register(c, h, 0, 1, NONE)).isOne();
                held.add(h[0]);
                cached.add(h[0]);
            } else if (op < 4 && !cached.isEmpty()) {
                long[] h = {cached.get(rnd.nextInt(cached.size()))};
                boolean free = lru.contains(h[0]);
                assertThat(hold(c, h, 1)).isEqualTo(free ? 1 : 0);
                assertThat(c.refs(c.cursorRun())).isEqualTo(1 + (int) held.stream().filter(x -> x == h[0]).count());
                if (free) {
                    lru.remove(h[0]);
                }
                held.add(h[0]);
            } else if (op < 8 && !held.isEmpty()) {
                long[] h = {held.remove(rnd.nextInt(held.size()))};
                c.walk(h, 1, true);
                if (c.release(h, 1, c.cursorRun(), 1, 1) == 1) {
                    lru.add(h[0]);
                }
            } else if (op < 9 && !lru.isEmpty()) {
                int k = 1 + rnd.nextInt(lru.size());
                c.evict(k);
                for (int i = 0; i < k; i++) {
                    long h = lru.remove(0);
                    cached.remove(h);
                    assertThat(c.walk(new long[] {h}, 1, false)).isZero();
                }
            }
            assertThat(c.evictable()).isEqualTo(lru.size());
            assertThat(c.size()).isEqualTo(cached.size());
            for (long h : lru) {
                assertThat(c.walk(new long[] {h}, 1, true)).isOne();
                assertThat(c.refs(c.cursorRun())).isZero();
            }
        }
        c.evict(c.evictable());
        assertThat(c.size()).isEqualTo(held.stream().distinct().count());
    }
}
