package io.simfaasinfer.kvcache;

import io.simfaasinfer.request.Request;

/**
 * Block-level prefix reuse in one replica's KV cache, after vLLM's automatic prefix caching.
 *
 * <p>A request's {@link Request#blockHashes()} name its KV blocks ({@code blockSize} tokens each,
 * equal leading hashes = equal token prefix). On admission the longest run of leading blocks
 * already in the cache is shared rather than recomputed (its prefill starts after them; at least
 * one prompt token is always computed, as in vLLM), and the request's other full prompt blocks are
 * registered so later requests can share them. Cached blocks are reference counted; when the last
 * holder finishes or is preempted they stay cached but become free (evictable), in an LRU list; a
 * new allocation that finds no empty block evicts the least recently released one. On release the
 * request's further full blocks whose hashes are known (for example generated tokens of a
 * conversation turn) are kept cached the same way.
 *
 * <p>Counting: {@link BlockManager#usedBlocks()} counts blocks referenced by running requests
 * (shared ones once); evictable cached blocks count as free. All operations are O(blocks of the
 * request) with no allocation beyond the primitive index and one scratch array of slots that grows to
 * the longest prompt; the blocks are kept by {@link CachedBlocks},
 * which finds a prompt's cached blocks by walking them from its first one, with a hash probe only
 * where prompts branch (block hashes are prefix-closed).
 */
public final class PrefixCache {

    private static final int NONE = CachedBlocks.NONE;

    private final BlockManager kv;
    private final int blockSize;
    private final CachedBlocks blocks;
    /** Request id -> leading blocks of that request referenced in the cache. */
    private final LongIntHashMap held = new LongIntHashMap(256);
    /** Request id -> slot of the last of those blocks (for {@link #cacheUpTo}). */
    private final LongIntHashMap heldLast = new LongIntHashMap(256);
    /** Scratch: the slots of the blocks an admission or release walks (grows to the longest prompt, never shrinks). */
    private int[] path;

    private long admissions;
    private long lookupBlocks;
    private long hitBlocks;
    private long hitTokens;
    private long prefillTokens;
    private long evictions;

    PrefixCache(BlockManager kv) {
        this.kv = kv;
        this.blockSize = kv.blockSize();
        int n = kv.totalBlocks();
        this.blocks = new CachedBlocks(n);
        this.path = new int[Math.min(n, 1 << 12)];
    }

    /** Cached blocks no running request holds (free, evicted on demand). */
    public int evictableBlocks() {
        return blocks.evictable();
    }

    /** Blocks with a cached hash, held or not. */
    public int cachedBlocks() {
        return blocks.size();
    }

    /** Admissions that looked up at least one hashed block. */
    public long admissions() { return admissions; }
    /** Full hashed prompt blocks looked up on admission. */
    public long lookupBlocks() { return lookupBlocks; }
    /** Of those, blocks found cached (not recomputed). */
    public long hitBlocks() { return hitBlocks; }
    /** Prefill tokens not computed thanks to cache hits. */
    public long hitTokens() { return hitTokens; }
    /** Prefill tokens of every admission (cached or not, recomputations included). */
    public long prefillTokens() { return prefillTokens; }
    /** Cached blocks evicted to make room. */
    public long evictions() { return evictions; }

    /** Leading blocks of {@code hashes} cached now, as a request of {@code promptTokens} tokens could reuse them. */
    public int matchedBlocks(long[] hashes, int promptTokens) {
        if (hashes == null) {
            return 0;
        }
        return leadingCached(hashes, Math.min(hashes.length, (promptTokens - 1) / blockSize));
    }

    /** How many of the first {@code max} hashes of {@code h} are cached, counted from the first. */
    private int leadingCached(long[] h, int max) {
        return blocks.walk(h, 0, max, NONE, null);
    }

    /** The scratch array of slots, at least {@code n} long. */
    private int[] path(int n) {
        if (path.length < n) {
            path = new int[Math.max(n, 2 * path.length)];
        }
        return path;
    }

    /**
     * Leading prompt blocks of {@code r} that {@link #admit} would share now: the run of its first
     * hashes cached here, leaving at least one prompt token to compute (0 if {@code r} has no hashes
     * or has started its prefill).
     */
    int admissionHits(Request r) {
        long[] h = r.blockHashes();
        if (h == null || r.prefilled() > 0) {
            return 0;
        }
        return leadingCached(h, Math.min(h.length, (r.prefillTarget() - 1) / blockSize));
    }

    /** Of the first {@code hits} blocks of {@code r} (all cached), those a running request holds (they take no free block). */
    int heldHits(Request r, int hits) {
        int[] slot = path(hits);
        blocks.walk(r.blockHashes(), 0, hits, NONE, slot);
        int n = 0;
        for (int b = 0; b < hits; b++) {
            if (blocks.refs(slot[b]) > 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Admits {@code r} holding {@code blocks} blocks: shares its cached leading blocks, allocates the
     * rest, registers its other full prompt blocks among the first {@code computeEnd} tokens (the
     * end of the prefill chunk scheduled with the admission; the whole prompt for an unchunked one).
     *
     * @return prompt tokens found cached (the request's prefill can skip them)
     */
    int admit(Request r, int blocks, int computeEnd) {
        prefillTokens += r.remainingPrefill();
        long[] h = r.blockHashes();
        if (h == null || r.prefilled() > 0 || blocks <= 0) {
            kv.allocateFresh(blocks);
            return 0;
        }
        admissions++;
        int target = r.prefillTarget();
        int promptBlocks = Math.min(h.length, target / blockSize);
        lookupBlocks += promptBlocks;
        int maxHit = Math.min(Math.min(promptBlocks, blocks), (target - 1) / blockSize);
        int[] slot = path(maxHit);
        int hit = this.blocks.walk(h, 0, maxHit, NONE, slot);
        int last = this.blocks.walkLast();
        int taken = 0;
        for (int b = 0; b < hit; b++) {
            if (this.blocks.retain(slot[b]) == 0) {
                taken++; // a free cached block: now in use
            }
        }
        kv.addUsed(taken);
        kv.allocateFresh(blocks - hit);
        int full = Math.min(Math.min(promptBlocks, blocks), Math.max(hit, computeEnd / blockSize));
        int reg = register(h, hit, full, last);
        if (reg > 0) {
            held.put(r.id(), reg);
            heldLast.put(r.id(), this.blocks.walkLast());
        }
        hitBlocks += hit;
        hitTokens += (long) hit * blockSize;
        return hit * blockSize;
    }

    /**
     * Caches {@code h[from]}, {@code h[from + 1]}, ... before {@code to}, each held once, until one is
     * cached already (by another request); {@code last} caches {@code h[from - 1]} (NONE if from = 0).
     * {@link CachedBlocks#walkLast} then has the slot of the last block cached.
     *
     * @return the end of the run cached
     */
    private int register(long[] h, int from, int to, int last) {
        return blocks.addRun(h, from, to, last);
    }

    /**
     * Registers the full prompt blocks of {@code r} (which holds {@code r.blocks()}) among its first
     * {@code computeEnd} tokens that are not registered yet, as a chunked prefill schedules its next
     * chunk: later requests can share them from then on (vLLM caches a block once it is full). A
     * block whose hash another request cached first stays private to {@code r}.
     */
    void cacheUpTo(Request r, int computeEnd) {
        long[] h = r.blockHashes();
        if (h == null) {
            return;
        }
        int m = held.get(r.id());
        int last = NONE;
        if (m == LongIntHashMap.ABSENT) {
            m = 0;
        } else {
            last = heldLast.get(r.id());
        }
        int full = Math.min(Math.min(h.length, r.blocks()), Math.min(r.prefillTarget(), computeEnd) / blockSize);
        // a private block of r becomes a shared cached one: the blocks in use do not change
        int reg = register(h, m, full, last);
        if (reg > m) {
            held.put(r.id(), reg);
            heldLast.put(r.id(), blocks.walkLast());
        }
    }

    /** Releases every block {@code r} holds ({@code r.blocks()}), keeping computed hashed blocks cached. */
    void release(Request r) {
        int total = r.blocks();
        int m = held.remove(r.id());
        if (m == LongIntHashMap.ABSENT) {
            m = 0;
        } else {
            heldLast.remove(r.id());
        }
        long[] h = r.blockHashes();
        int computedBlocks = r.kvTokens() / blockSize;
        // Further computed full blocks with known hashes (e.g. generated tokens) stay cached too.
        int extraEnd = h == null ? m : Math.max(m, Math.min(Math.min(h.length, total), computedBlocks));
        int privateBlocks = total - m;
        int[] slot = path(extraEnd);
        blocks.walk(h, 0, m, NONE, slot); // held by r: all cached
        int last = m > 0 ? slot[m - 1] : NONE;
        int kept = 0;
        for (int b = m; b < extraEnd; b++) {
            if (blocks.freeSlots() == 0) {
                throw new IllegalStateException("prefix cache has more entries than KV blocks");
            }
            int s = blocks.find(h[b], last);
            if (s == NONE) {
                s = blocks.add(h[b], last);
                slot[b] = s;
                kept++;
            } else {
                slot[b] = NONE; // cached already (by another request): this copy is freed
            }
            last = s;
        }
        // Deepest blocks first, so the LRU evicts a sequence's tail before its shared head.
        for (int b = extraEnd - 1; b >= m; b--) {
            if (slot[b] != NONE) {
                blocks.free(slot[b]);
            }
        }
        int freed = kept;
        for (int b = m - 1; b >= 0; b--) {
            int s = slot[b];
            if (blocks.unref(s) == 0) {
                freed++;
                if (b < computedBlocks) {
                    blocks.free(s);
                } else {
                    blocks.drop(s); // registered but never computed (released mid-prefill): not reusable
                }
            }
        }
        kv.addUsed(-freed - (privateBlocks - kept));
    }

    /** Evicts cached free blocks until {@code blocks} empty (never cached) blocks exist. */
    void makeRoom(int blocks) {
        int evictable = this.blocks.evictable();
        int need = blocks - (kv.totalBlocks() - kv.usedBlocks() - evictable);
        if (need > 0) {
            int k = Math.min(need, evictable);
            this.blocks.evict(k);
            evictions += k;
            if (k < need) {
                throw new IllegalStateException("KV cache over capacity: no evictable block for " + blocks + " blocks");
            }
        }
    }

    /** Forgets every cached block no request holds (a fresh instance starts with an empty cache). */
    void dropEvictable() {
        blocks.evict(blocks.evictable());
    }
}
