package io.simfaasinfer.kvcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.simfaasinfer.kvcache.CachedBlocks.NONE;
import static org.assertj.core.api.Assertions.assertThat;

/** The walk structure of {@link CachedBlocks}: primary and branching successors, orphans, LRU order. */
class CachedBlocksTest {

    @Test
    void walksFindPrimaryAndBranchingSuccessors() {
        CachedBlocks c = new CachedBlocks(16);
        long[] a = {1, 2, 3, 4};
        long[] b = {1, 2, 7, 8};
        assertThat(c.addRun(a, 0, 4, NONE)).isEqualTo(4);
        assertThat(c.walk(b, 0, 4, NONE, null)).isEqualTo(2); // shares 1, 2
        int two = c.walkLast();
        assertThat(c.addRun(b, 2, 4, two)).isEqualTo(4); // 7 branches off 2, which has 3 already
        int[] slots = new int[4];
        assertThat(c.walk(a, 0, 4, NONE, slots)).isEqualTo(4);
        assertThat(c.walk(b, 0, 4, NONE, null)).isEqualTo(4);
        assertThat(c.size()).isEqualTo(6);
        assertThat(c.freeSlots()).isEqualTo(10);
        assertThat(c.find(9, two)).isEqualTo(NONE);
        assertThat(c.addRun(a, 0, 4, NONE)).isZero(); // cached already: nothing added
    }

    @Test
    void droppingABlockKeepsItsSuccessorsFindableAsOrphans() {
        CachedBlocks c = new CachedBlocks(8);
        long[] a = {1, 2, 3};
        long[] b = {1, 2, 5};
        c.addRun(a, 0, 3, NONE);
        int[] s = new int[3];
        c.walk(a, 0, 3, NONE, s);
        c.walk(b, 0, 2, NONE, null);
        c.addRun(b, 2, 3, c.walkLast()); // 5: an indexed successor of 2
        int five = c.walkLast();
        // 2 is dropped (registered, never computed): 3 (primary) and 5 (indexed) become orphans
        c.unref(s[1]);
        c.drop(s[1]);
        assertThat(c.walk(a, 0, 3, NONE, null)).isEqualTo(1);
        // 2 cached again, in a new slot: its old successors are still found from it
        assertThat(c.addRun(a, 1, 3, s[0])).isEqualTo(2); // stops at 3, cached already
        int two = c.walkLast();
        assertThat(c.find(3, two)).isEqualTo(s[2]);
        assertThat(c.find(5, two)).isEqualTo(five);
        assertThat(c.walk(a, 0, 3, NONE, null)).isEqualTo(3);
        assertThat(c.walk(b, 0, 3, NONE, null)).isEqualTo(3);
        // orphans dropped in turn leave nothing behind
        c.unref(five);
        c.drop(five);
        c.unref(s[2]);
        c.drop(s[2]);
        assertThat(c.walk(a, 0, 3, NONE, null)).isEqualTo(2);
        assertThat(c.walk(b, 0, 3, NONE, null)).isEqualTo(2);
        assertThat(c.size()).isEqualTo(2);
        assertThat(c.freeSlots()).isEqualTo(6);
    }

    @Test
    void evictionFollowsTheOrderBlocksWereFreedIn() {
        CachedBlocks c = new CachedBlocks(8);
        long[] a = {1, 2, 3};
        long[] b = {4, 5};
        int[] sa = new int[3];
        int[] sb = new int[2];
        c.addRun(a, 0, 3, NONE);
        c.walk(a, 0, 3, NONE, sa);
        c.addRun(b, 0, 2, NONE);
        c.walk(b, 0, 2, NONE, sb);
        for (int i = 2; i >= 0; i--) {
            c.unref(sa[i]);
            c.free(sa[i]);
        }
        c.unref(sb[1]);
        c.free(sb[1]);
        assertThat(c.evictable()).isEqualTo(4);
        assertThat(c.retain(sa[0])).isZero(); // a's head is in use again: it leaves the LRU list
        c.unref(sb[0]);
        c.free(sb[0]);
        c.evict(2); // a's 3, then 2
        assertThat(c.walk(a, 0, 3, NONE, null)).isEqualTo(1);
        assertThat(c.walk(b, 0, 2, NONE, null)).isEqualTo(2);
        c.evict(2); // b's 5, then 4
        assertThat(c.walk(b, 0, 2, NONE, null)).isZero();
        assertThat(c.evictable()).isZero();
        assertThat(c.size()).isEqualTo(1);
        assertThat(c.refs(sa[0])).isEqualTo(1);
    }

    @Test
    void aBlockRetainedAndFreedManyTimesIsEvictedByItsLatestFree() {
        CachedBlocks c = new CachedBlocks(4);
        int a = c.add(10, NONE);
        int b = c.add(20, NONE);
        c.unref(a);
        c.free(a);
        c.unref(b);
        c.free(b);
        // a is taken and freed again many times (more than twice the slots)
        for (int i = 0; i < 50; i++) {
            assertThat(c.retain(a)).isZero();
            assertThat(c.evictable()).isEqualTo(1);
            assertThat(c.unref(a)).isZero();
            c.free(a);
        }
        assertThat(c.evictable()).isEqualTo(2);
        c.evict(1); // b, freed before a's latest free
        assertThat(c.find(20, NONE)).isEqualTo(NONE);
        assertThat(c.find(10, NONE)).isEqualTo(a);
        c.evict(1);
        assertThat(c.find(10, NONE)).isEqualTo(NONE);
        assertThat(c.size()).isZero();
        assertThat(c.freeSlots()).isEqualTo(4);
    }

    /** Single-block prompts (roots) under random adds, retains, frees and evictions, against a plain LRU list. */
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
                long h = next++;
                assertThat(c.find(h, NONE)).isEqualTo(NONE);
                c.add(h, NONE);
                held.add(h);
                cached.add(h);
            } else if (op < 4 && !cached.isEmpty()) {
                long h = cached.get(rnd.nextInt(cached.size()));
                int s = c.find(h, NONE);
                int before = c.retain(s);
                assertThat(before).isEqualTo((int) held.stream().filter(x -> x == h).count());
                if (before == 0) {
                    assertThat(lru.remove(h)).isTrue();
                }
                held.add(h);
            } else if (op < 8 && !held.isEmpty()) {
                long h = held.remove(rnd.nextInt(held.size()));
                int s = c.find(h, NONE);
                if (c.unref(s) == 0) {
                    c.free(s);
                    lru.add(h);
                }
            } else if (op < 9 && !lru.isEmpty()) {
                int k = 1 + rnd.nextInt(lru.size());
                c.evict(k);
                for (int i = 0; i < k; i++) {
                    long h = lru.remove(0);
                    cached.remove(h);
                    assertThat(c.find(h, NONE)).isEqualTo(NONE);
                }
            }
            assertThat(c.evictable()).isEqualTo(lru.size());
            assertThat(c.size()).isEqualTo(cached.size());
            for (long h : lru) {
                int s = c.find(h, NONE);
                assertThat(s).isNotEqualTo(NONE);
                assertThat(c.refs(s)).isZero();
            }
        }
        c.evict(c.evictable());
        assertThat(c.size()).isEqualTo(held.stream().distinct().count());
    }
}
