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
 * request) with no allocation beyond the primitive index and scratch lists that grow to the longest
 * prompt; the blocks are kept by {@link CachedBlocks} as runs of consecutive blocks, one record each,
 * which finds a prompt's cached blocks by walking them from its first one, with a hash probe only
 * where prompts branch (block hashes are prefix-closed); reference counts, the LRU list and eviction
 * work per run.
 */
public final class PrefixCache {

    private static final int NONE = CachedBlocks.NONE;

    private final BlockManager kv;
    private final int blockSize;
    private final CachedBlocks blocks;
    /** Request id -> leading blocks of that request referenced in the cache. */
    private final LongIntHashMap held = new LongIntHashMap(256);
    /** Request id -> the run of the last of those blocks, which it ends (for {@link #cacheUpTo} and {@link #release}). */
    private final LongIntHashMap heldLast = new LongIntHashMap(256);
    /** The latest lookup ({@link #leadingCached}) and its answer, valid while the cache's version is {@code lookupVersion}. */
    private long[] lookupHashes;
    private int lookupMax;
    private int lookupHit;
    private long lookupVersion = -1;
    /**
     * The latest router query ({@link #matchedBlocks(long[], int, long[], int)}): its hashes, how many of
     * their first blocks are cached, whether a miss ended them there (else the cap did), the run and
     * index where the walk ended, and the cache version that holds for.
     */
    private long[] routeHashes;
    private int routeHit;
    private boolean routeMissed;
    private int routeRun = NONE;
    private int routeIndex;
    private long routeVersion = -1;
    /** The same for {@link #heldHits}. */
    private long[] heldHashes;
    private int heldMax;
    private int heldHit;
    private long heldVersion = -1;

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
        return blocks.walk(hashes, Math.min(hashes.length, (promptTokens - 1) / blockSize), false);
    }

    /**
     * {@link #matchedBlocks(long[], int)} for a router that asks every replica about one request after
     * another: {@code previous} is the hashes it asked about before (null: none) and {@code common} how
     * many first hashes the two share. If this cache has not changed since it answered for
     * {@code previous} and that walk stopped within the shared blocks, the answer continues from where it
     * stopped: without a miss in the shared blocks it is the same (a miss at block d &lt; common is a miss
     * for both), else the walk resumes at that block (the shared blocks before it are cached along the
     * same runs). So a router over many replicas with a shared system prompt walks it once per replica
     * and change of that replica's cache, not once per request. The same answer as a walk from the first
     * block (asserted in the tests).
     */
    public int matchedBlocks(long[] hashes, int promptTokens, long[] previous, int common) {
        if (hashes == null) {
            return 0;
        }
        int max = Math.min(hashes.length, (promptTokens - 1) / blockSize);
        long v = blocks.version();
        int hit;
        int d = routeHit;
        if (previous != null && previous == routeHashes && v == routeVersion && d <= common) {
            if (d >= max) {
                routeHashes = hashes; // its first d blocks are cached: capped here; the walk's end stays where it was
                routeMissed = false;
                return checked(hashes, max, max);
            }
            if (routeMissed && d < common) {
                routeHashes = hashes; // the same miss at block d
                return checked(hashes, max, d);
            }
            hit = blocks.walkFrom(hashes, d, max, routeRun, routeIndex);
        } else {
            hit = blocks.walkFrom(hashes, 0, max, NONE, 0);
        }
        routeHashes = hashes;
        routeHit = hit;
        routeMissed = hit < max;
        routeRun = blocks.walkEndRun();
        routeIndex = blocks.walkEndIndex();
        routeVersion = v;
        return checked(hashes, max, hit);
    }

    /** {@code hit}, checked (assertions on) against a walk of {@code h} from its first block. */
    private int checked(long[] h, int max, int hit) {
        assert hit == blocks.walk(h, max, false) : "resumed prefix walk differs";
        return hit;
    }

    /**
     * How many of the first {@code max} hashes of {@code h}, a request's, are cached, counted from
     * the first (remembered for the same request while the cache does not change).
     */
    private int leadingCached(long[] h, int max) {
        long v = blocks.version();
        if (h != lookupHashes || max != lookupMax || v != lookupVersion) { // schedulers ask again before admitting
            lookupHit = blocks.walk(h, max, false);
            lookupHashes = h;
            lookupMax = max;
            lookupVersion = v;
        }
        return lookupHit;
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
        long[] h = r.blockHashes();
        long v = blocks.version();
        if (h == heldHashes && hits == heldMax && v == heldVersion) {
            return heldHit;
        }
        blocks.walk(h, hits, true);
        int n = 0;
        for (int i = 0, k = blocks.segments(); i < k; i++) {
            if (blocks.refs(blocks.segRun(i)) > 0) {
                n += blocks.segCount(i);
            }
        }
        heldHashes = h;
        heldMax = hits;
        heldVersion = v;
        heldHit = n;
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
        CachedBlocks c = this.blocks;
        int hit = c.walk(h, maxHit, true);
        kv.addUsed(c.retainWalked()); // free cached blocks: now in use; the cursor is on the last block hit
        kv.allocateFresh(blocks - hit);
        int full = Math.min(Math.min(promptBlocks, blocks), Math.max(hit, computeEnd / blockSize));
        int reg = c.addRun(h, hit, full);
        if (reg > 0) {
            held.put(r.id(), reg);
            heldLast.put(r.id(), c.cursorRun());
        }
        hitBlocks += hit;
        hitTokens += (long) hit * blockSize;
        return hit * blockSize;
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
        blocks.cursorAtEnd(last); // r's last registered block ends its run while r holds it
        int reg = blocks.addRun(h, m, full);
        if (reg > m) {
            held.put(r.id(), reg);
            heldLast.put(r.id(), blocks.cursorRun());
        }
    }

    /** Releases every block {@code r} holds ({@code r.blocks()}), keeping computed hashed blocks cached. */
    void release(Request r) {
        int total = r.blocks();
        int m = held.remove(r.id());
        int last = NONE;
        if (m == LongIntHashMap.ABSENT) {
            m = 0;
        } else {
            last = heldLast.remove(r.id());
        }
        long[] h = r.blockHashes();
        int computedBlocks = r.kvTokens() / blockSize;
        // Further computed full blocks with known hashes (e.g. generated tokens) stay cached too.
        int extraEnd = h == null ? m : Math.max(m, Math.min(Math.min(h.length, total), computedBlocks));
        int privateBlocks = total - m;
        int freed = blocks.release(h, m, last, extraEnd, computedBlocks);
        kv.addUsed(-freed - privateBlocks);
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
