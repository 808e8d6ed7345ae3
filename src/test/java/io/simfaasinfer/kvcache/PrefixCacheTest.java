package io.simfaasinfer.kvcache;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Exact block-level cases of prefix reuse and LRU eviction of cached blocks of finished requests. */
class PrefixCacheTest {

    private long ids;

    private Request req(int prompt, long... hashes) {
        return new Request(ids++, 0, prompt, 1, true, 0, Long.MAX_VALUE, hashes.length == 0 ? null : hashes);
    }

    /** Admits {@code r} as a scheduler does; returns the prompt tokens found cached. */
    private static int admit(BlockManager kv, Request r) {
        int blocks = kv.blocksFor(r.prefillTarget());
        int cached = kv.allocateFor(r, blocks);
        r.advancePrefill(cached);
        r.setBlocks(blocks);
        return cached;
    }

    /** Runs the rest of {@code r}'s prefill, emits its one token and releases it. */
    private static void finish(BlockManager kv, Request r) {
        r.advancePrefill(r.remainingPrefill());
        r.emitToken(1);
        kv.release(r);
        r.setBlocks(0);
    }

    @Test
    void finishedRequestsLeaveTheirPromptBlocksCachedForTheNextOne() {
        BlockManager kv = new BlockManager(8, 4, true);
        Request a = req(9, 1, 2);
        assertThat(admit(kv, a)).isZero();
        assertThat(kv.usedBlocks()).isEqualTo(3);
        finish(kv, a);
        assertThat(kv.usedBlocks()).isZero();
        assertThat(kv.prefixCache().evictableBlocks()).isEqualTo(2);
        assertThat(kv.freeBlocks()).isEqualTo(8); // cached blocks of finished requests count as free
        Request b = req(9, 1, 2);
        assertThat(admit(kv, b)).isEqualTo(8);
        assertThat(b.remainingPrefill()).isEqualTo(1);
        assertThat(kv.usedBlocks()).isEqualTo(3);
        // a request sharing only the first block shares it while b runs: counted once
        Request c = req(9, 1, 7);
        assertThat(admit(kv, c)).isEqualTo(4);
        assertThat(kv.usedBlocks()).isEqualTo(5);
        PrefixCache p = kv.prefixCache();
        assertThat(p.lookupBlocks()).isEqualTo(6);
        assertThat(p.hitBlocks()).isEqualTo(3);
        assertThat(p.hitTokens()).isEqualTo(12);
        finish(kv, b);
        finish(kv, c);
        assertThat(kv.usedBlocks()).isZero();
        assertThat(p.evictableBlocks()).isEqualTo(3); // hashes 1, 2, 7
    }

    @Test
    void aWholePromptIsNeverServedFromCacheAtLeastOneTokenIsComputed() {
        BlockManager kv = new BlockManager(8, 4, true);
        Request a = req(8, 1, 2);
        admit(kv, a);
        finish(kv, a);
        Request b = req(8, 1, 2);
        assertThat(admit(kv, b)).isEqualTo(4); // block 2 holds the last prompt token: recomputed
    }

    @Test
    void newAllocationsEvictTheLeastRecentlyReleasedBlocksDeepestFirst() {
        BlockManager kv = new BlockManager(6, 4, true);
        Request a = req(9, 1, 2);
        admit(kv, a);
        finish(kv, a);
        Request c = req(9, 3, 4);
        admit(kv, c);
        finish(kv, c);
        PrefixCache p = kv.prefixCache();
        assertThat(p.evictableBlocks()).isEqualTo(4);
        // 3 blocks needed, 2 empty: the least recently released block goes, a's tail (hash 2)
        Request e = req(12);
        admit(kv, e);
        assertThat(p.evictions()).isEqualTo(1);
        assertThat(kv.cachedPrefixBlocks(req(9, 1, 2))).isEqualTo(1);
        assertThat(kv.cachedPrefixBlocks(req(9, 3, 4))).isEqualTo(2);
        // c's blocks are reused; its third block needs room: hash 1 is evicted next
        Request f = req(9, 3, 4);
        assertThat(admit(kv, f)).isEqualTo(8);
        assertThat(p.evictions()).isEqualTo(2);
        assertThat(kv.cachedPrefixBlocks(req(9, 1, 2))).isZero();
        assertThat(kv.usedBlocks()).isEqualTo(6);
        assertThat(kv.freeBlocks()).isZero();
    }

    @Test
    void withoutPrefixCachingNothingIsShared() {
        BlockManager kv = new BlockManager(8, 4, false);
        Request a = req(9, 1, 2);
        admit(kv, a);
        finish(kv, a);
        assertThat(admit(kv, req(9, 1, 2))).isZero();
        assertThat(kv.prefixCache()).isNull();
    }

    @Test
    void clearingTheCacheForgetsFreeBlocksOnly() {
        BlockManager kv = new BlockManager(8, 4, true);
        Request a = req(9, 1, 2);
        admit(kv, a);
        finish(kv, a);
        Request b = req(9, 5, 6);
        admit(kv, b); // running: holds hashes 5, 6
        kv.clearPrefixCache();
        assertThat(kv.prefixCache().evictableBlocks()).isZero();
        assertThat(kv.cachedPrefixBlocks(req(9, 1, 2))).isZero();
        assertThat(kv.cachedPrefixBlocks(req(9, 5, 6))).isEqualTo(2);
        assertThat(kv.usedBlocks()).isEqualTo(3);
        finish(kv, b);
        assertThat(kv.usedBlocks()).isZero();
        assertThat(kv.freeBlocks()).isEqualTo(8);
    }
}
