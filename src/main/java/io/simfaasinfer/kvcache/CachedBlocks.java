package io.simfaasinfer.kvcache;

/**
 * The cached blocks of one replica's {@link PrefixCache}, one slot each: hash, reference count, the
 * LRU list of the free (evictable) ones, and the way a hash is found, which costs a hash-table probe
 * only where prompts branch.
 *
 * <p>Block hashes are prefix-closed ({@link io.simfaasinfer.workload.PrefixHashes}): equal hashes
 * mean equal positions and equal hashes of every earlier block. So each cached block but a first one
 * has one predecessor, the cached block of the hash before it, and the cached blocks form a forest.
 * Each block records one <em>primary</em> successor, the first one cached after it; a lookup that
 * walks a prompt's hashes from its first block (as every caller does) tests the primary successor of
 * the block just matched, an array read. Only the other blocks are in the hash index
 * ({@link LongIntHashMap}): first blocks of prompts, the successors that branch off a block that has a
 * primary one already (linked in a list per block), and orphans, cached blocks whose predecessor was
 * dropped (a block registered but released before it was computed); a block with no indexed
 * successor is not probed for one while there are no orphans. Registering a prompt's blocks in order
 * therefore probes the index once, where it leaves the cached ones, not once per block, and evicting
 * a primary block clears a pointer.
 *
 * <p>Slots are reused last-freed first, so the blocks of one prompt, evicted deepest first and
 * re-registered in order, keep neighbouring slots. No allocation after construction.
 */
final class CachedBlocks {

    static final int NONE = -1;
    /** {@link #pred}: a prompt's first block, indexed. */
    private static final int ROOT = -1;
    /** {@link #pred}: a later block whose predecessor left the cache, indexed. */
    private static final int ORPHAN = -2;

    private final long[] hash;
    private final int[] refs;
    /** Predecessor slot (this block is its primary successor, or is indexed in its list), ROOT or ORPHAN. */
    private final int[] pred;
    /** Primary successor, or NONE. */
    private final int[] succ;
    /** First indexed successor, or NONE; the list runs through sibNext / sibPrev. */
    private final int[] kids;
    private final int[] sibNext;
    private final int[] sibPrev;
    /** Roots, orphans and non-primary successors: hash -> slot. */
    private final LongIntHashMap index;
    private int orphans;
    /** LRU list of cached slots with refs == 0: head = evicted first. */
    private final int[] prev;
    private final int[] next;
    private int head = NONE;
    private int tail = NONE;
    private int evictable;
    private final int[] freeSlots;
    private int freeTop;
    private int size;

    CachedBlocks(int n) {
        hash = new long[n];
        refs = new int[n];
        pred = new int[n];
        succ = new int[n];
        kids = new int[n];
        sibNext = new int[n];
        sibPrev = new int[n];
        prev = new int[n];
        next = new int[n];
        freeSlots = new int[n];
        for (int i = 0; i < n; i++) {
            freeSlots[i] = n - 1 - i;
        }
        freeTop = n;
        index = new LongIntHashMap(Math.min(n, 1 << 12));
    }

    /** Cached blocks, held or not. */
    int size() { return size; }
    /** Cached blocks no request holds. */
    int evictable() { return evictable; }
    /** Slots without a cached block. */
    int freeSlots() { return freeTop; }
    int refs(int s) { return refs[s]; }
    /** Least recently freed evictable slot, or NONE. */
    int lruHead() { return head; }

    /**
     * The slot caching {@code h}, the hash of a prompt's block b, or NONE: {@code p} is the slot
     * caching block b - 1's hash (NONE for b = 0), as a walk from the prompt's first block has it.
     */
    int find(long h, int p) {
        if (p >= 0) {
            int c = succ[p];
            if (c >= 0 && hash[c] == h) {
                return c;
            }
            if (kids[p] < 0 && orphans == 0) {
                return NONE;
            }
        }
        return index.get(h);
    }

    /**
     * Caches {@code h} (not cached: {@link #find} said NONE) in a new slot held once, as the successor
     * of {@code p} (NONE for a first block).
     */
    int add(long h, int p) {
        if (freeTop == 0) {
            throw new IllegalStateException("prefix cache has more entries than KV blocks");
        }
        int s = freeSlots[--freeTop];
        hash[s] = h;
        refs[s] = 1;
        succ[s] = NONE;
        kids[s] = NONE;
        size++;
        if (p >= 0 && succ[p] == NONE) {
            succ[p] = s;
            pred[s] = p;
            return s;
        }
        index.put(h, s);
        pred[s] = p >= 0 ? p : ROOT;
        if (p >= 0) {
            int k = kids[p];
            sibPrev[s] = NONE;
            sibNext[s] = k;
            if (k >= 0) {
                sibPrev[k] = s;
            }
            kids[p] = s;
        }
        return s;
    }

    /** Takes one more reference to cached slot {@code s}; a free one leaves the LRU list. Returns refs before. */
    int retain(int s) {
        int before = refs[s]++;
        if (before == 0) {
            unlink(s);
            evictable--;
        }
        return before;
    }

    /** Drops one reference to {@code s}; returns the references left (0: the caller frees or drops it). */
    int unref(int s) {
        return --refs[s];
    }

    /** Makes cached slot {@code s} (no references) evictable, most recently freed. */
    void free(int s) {
        refs[s] = 0;
        prev[s] = tail;
        next[s] = NONE;
        if (tail == NONE) {
            head = s;
        } else {
            next[tail] = s;
        }
        tail = s;
        evictable++;
    }

    /** Evicts the least recently freed slot (there must be one). */
    void evictHead() {
        int s = head;
        unlink(s);
        evictable--;
        drop(s);
    }

    /** Forgets the block in slot {@code s} (no references, not in the LRU list); its successors become orphans. */
    void drop(int s) {
        int p = pred[s];
        if (p >= 0 && succ[p] == s) {
            succ[p] = NONE;
        } else {
            index.remove(hash[s]);
            if (p >= 0) {
                int a = sibPrev[s];
                int b = sibNext[s];
                if (a == NONE) {
                    kids[p] = b;
                } else {
                    sibNext[a] = b;
                }
                if (b != NONE) {
                    sibPrev[b] = a;
                }
            } else if (p == ORPHAN) {
                orphans--;
            }
        }
        int c = succ[s];
        if (c >= 0) {
            pred[c] = ORPHAN;
            index.put(hash[c], c);
            orphans++;
        }
        for (c = kids[s]; c >= 0; c = sibNext[c]) {
            pred[c] = ORPHAN; // indexed already
            orphans++;
        }
        freeSlots[freeTop++] = s;
        size--;
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
    }
}
