package io.simfaasinfer.kvcache;

import org.junit.jupiter.api.Test;

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
}
