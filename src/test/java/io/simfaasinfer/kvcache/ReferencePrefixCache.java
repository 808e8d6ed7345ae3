package io.simfaasinfer.kvcache;

import io.simfaasinfer.request.Request;

import java.util.Arrays;

/**
 * The prefix cache as it was before {@link CachedBlocks} (commit 7a1654b): every cached block in one
 * hash index, probed per block. Kept as the reference model that {@link PrefixCacheModelTest}
 * replays random operations against; it keeps its own {@link BlockManager} (without prefix
 * caching) for the counts, and its callers make room themselves ({@link #allocate}).
 */
final class ReferencePrefixCache {

    private static final int NONE = -1;

    private final BlockManager kv;
    private final int blockSize;
    /** Block hash -> slot. */
    private final LongIntHashMap index;
    private final long[] slotHash;
    private final int[] refs;
    /** LRU list of cached slots with refs == 0: head = evicted first. */
    private final int[] prev;
    private final int[] next;
    private int head = NONE;
    private int tail = NONE;
    private int evictable;
    private final int[] freeSlots;
    private int freeTop;
    /** Request id -> leading blocks of that request referenced in the cache. */
    private final LongIntHashMap held = new LongIntHashMap(256);

    private long admissions;
    private long lookupBlocks;
    private long hitBlocks;
    private long hitTokens;
    private long prefillTokens;
    private long evictions;

    ReferencePrefixCache(BlockManager kv) {
        this.kv = kv;
        this.blockSize = kv.blockSize();
        int n = kv.totalBlocks();
        this.index = new LongIntHashMap(Math.min(n, 1 << 16));
        this.slotHash = new long[n];
        this.refs = new int[n];
        this.prev = new int[n];
        this.next = new int[n];
        this.freeSlots = new int[n];
        for (int i = 0; i < n; i++) {
            freeSlots[i] = n - 1 - i;
        }
        this.freeTop = n;
        Arrays.fill(prev, NONE);
        Arrays.fill(next, NONE);
    }

    /** Cached blocks no running request holds (free, evicted on demand). */
    public int evictableBlocks() {
        return evictable;
    }

    /** Blocks with a cached hash, held or not. */
    public int cachedBlocks() {
        return index.size();
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
        int max = Math.min(hashes.length, (promptTokens - 1) / blockSize);
        int n = 0;
        while (n < max && index.get(hashes[n]) != LongIntHashMap.ABSENT) {
            n++;
        }
        return n;
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
        int max = Math.min(h.length, (r.prefillTarget() - 1) / blockSize);
        int n = 0;
        while (n < max && index.get(h[n]) != LongIntHashMap.ABSENT) {
            n++;
        }
        return n;
    }

    /** Of the first {@code hits} blocks of {@code r} (all cached), those a running request holds (they take no free block). */
    int heldHits(Request r, int hits) {
        long[] h = r.blockHashes();
        int n = 0;
        for (int b = 0; b < hits; b++) {
            if (refs[index.get(h[b])] > 0) {
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
            makeRoom(blocks);
            kv.addUsed(blocks);
            return 0;
        }
        admissions++;
        int target = r.prefillTarget();
        int promptBlocks = Math.min(h.length, target / blockSize);
        lookupBlocks += promptBlocks;
        int maxHit = Math.min(Math.min(promptBlocks, blocks), (target - 1) / blockSize);
        int hit = 0;
        while (hit < maxHit) {
            int s = index.get(h[hit]);
            if (s == LongIntHashMap.ABSENT) {
                break;
            }
            if (refs[s]++ == 0) {
                unlink(s);
                evictable--;
                kv.addUsed(1);
            }
            hit++;
        }
        makeRoom(blocks - hit);
        kv.addUsed(blocks - hit);
        int full = Math.min(Math.min(promptBlocks, blocks), Math.max(hit, computeEnd / blockSize));
        int reg = hit;
        while (reg < full && tryTakeSlot(h[reg]) >= 0) {
            reg++;
        }
        if (reg > 0) {
            held.put(r.id(), reg);
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
        if (m == LongIntHashMap.ABSENT) {
            m = 0;
        }
        int full = Math.min(Math.min(h.length, r.blocks()), Math.min(r.prefillTarget(), computeEnd) / blockSize);
        int reg = m;
        while (reg < full && tryTakeSlot(h[reg]) >= 0) {
            reg++; // a private block of r becomes a shared cached one: the blocks in use do not change
        }
        if (reg > m) {
            held.put(r.id(), reg);
        }
    }

    /** Releases every block {@code r} holds ({@code r.blocks()}), keeping computed hashed blocks cached. */
    void release(Request r) {
        int total = r.blocks();
        int m = held.remove(r.id());
        if (m == LongIntHashMap.ABSENT) {
            m = 0;
        }
        long[] h = r.blockHashes();
        int computedBlocks = r.kvTokens() / blockSize;
        // Further computed full blocks with known hashes (e.g. generated tokens) stay cached too.
        int extraEnd = h == null ? m : Math.max(m, Math.min(Math.min(h.length, total), computedBlocks));
        int privateBlocks = total - m;
        int kept = 0;
        // Deepest blocks first, so the LRU evicts a sequence's tail before its shared head.
        for (int b = extraEnd - 1; b >= m; b--) {
            int s = tryTakeSlot(h[b]);
            if (s < 0) {
                continue; // cached already (by another request): this copy is freed
            }
            refs[s] = 0;
            append(s);
            evictable++;
            kept++;
        }
        kv.addUsed(-kept);
        for (int b = m - 1; b >= 0; b--) {
            int s = index.get(h[b]);
            if (--refs[s] == 0) {
                kv.addUsed(-1);
                if (b < computedBlocks) {
                    append(s);
                    evictable++;
                } else {
                    // registered but never computed (released mid-prefill): not reusable
                    index.remove(h[b]);
                    freeSlots[freeTop++] = s;
                }
            }
        }
        kv.addUsed(-(privateBlocks - kept));
    }

    /** Takes {@code blocks} blocks outside an admission (a decode's growth), evicting as needed. */
    void allocate(int blocks) {
        makeRoom(blocks);
        kv.addUsed(blocks);
    }

    /** Evicts cached free blocks until {@code blocks} empty (never cached) blocks exist. */
    void makeRoom(int blocks) {
        int empty = kv.totalBlocks() - kv.usedBlocks() - evictable;
        while (empty < blocks) {
            int s = head;
            if (s == NONE) {
                throw new IllegalStateException("KV cache over capacity: no evictable block for " + blocks + " blocks");
            }
            unlink(s);
            index.remove(slotHash[s]);
            freeSlots[freeTop++] = s;
            evictable--;
            evictions++;
            empty++;
        }
    }

    /** Forgets every cached block no request holds (a fresh instance starts with an empty cache). */
    void dropEvictable() {
        while (head != NONE) {
            int s = head;
            unlink(s);
            index.remove(slotHash[s]);
            freeSlots[freeTop++] = s;
            evictable--;
        }
    }

    /** Caches {@code hash} in a new slot held once; -1 (nothing done) if it is cached already. */
    private int tryTakeSlot(long hash) {
        if (freeTop == 0) {
            throw new IllegalStateException("prefix cache has more entries than KV blocks");
        }
        int s = freeSlots[freeTop - 1];
        if (index.putIfAbsent(hash, s) != LongIntHashMap.ABSENT) {
            return -1;
        }
        freeTop--;
        slotHash[s] = hash;
        refs[s] = 1;
        return s;
    }

    private void append(int s) {
        prev[s] = tail;
        next[s] = NONE;
        if (tail == NONE) {
            head = s;
        } else {
            next[tail] = s;
        }
        tail = s;
    }

    private void unlink(int s) {
        int p = prev[s];
        int n = next[s];
        if (p == NONE) {
            head = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            tail = p;
        } else {
            prev[n] = p;
        }
        prev[s] = NONE;
        next[s] = NONE;
    }
}
