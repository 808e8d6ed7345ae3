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
 * a primary block clears a pointer. (Hashes that are not prefix-closed would differ from a plain
 * hash-to-block map only there: a later block cached after a different predecessor is not found.)
 *
 * <p>Slots are reused last-freed first, so the blocks of one prompt, evicted deepest first and
 * re-registered in order, keep neighbouring slots (in the Mooncake replay of
 * {@code bench/prefix-cache.sh}, 96% of the steps of a walk go to the next slot and 94% of evictions
 * to the previous one). A slot's fields sit together in one {@code int[]} record (8 ints, two slots
 * per cache line), so one block costs one line, and a walk tests the next slot first: its loads do
 * not wait on the previous ones. No allocation after construction (the index grows rarely).
 */
final class CachedBlocks {

    static final int NONE = -1;
    /** {@code PRED}: a prompt's first block, indexed. */
    private static final int ROOT = -1;
    /** {@code PRED}: a later block whose predecessor left the cache, indexed. */
    private static final int ORPHAN = -2;

    /** Record layout: 8 ints per slot. */
    private static final int SHIFT = 3;
    private static final int HASH_LO = 0;
    private static final int HASH_HI = 1;
    private static final int REFS = 2;
    /** LRU list of cached slots with refs == 0 (head = evicted first). */
    private static final int PREV = 3;
    private static final int NEXT = 4;
    /** Predecessor slot (this block is its primary successor, or in its list of indexed ones), ROOT or ORPHAN. */
    private static final int PRED = 5;
    /** Primary successor, or NONE. */
    private static final int SUCC = 6;
    /** First indexed successor, or NONE; the list runs through sibNext / sibPrev. */
    private static final int KIDS = 7;

    private final int[] rec;
    private final int slots;
    private final int[] sibNext;
    private final int[] sibPrev;
    /** Roots, orphans and non-primary successors: hash -> slot. */
    private final LongIntHashMap index;
    private int orphans;
    private int head = NONE;
    private int tail = NONE;
    private int evictable;
    private final int[] freeSlots;
    private int freeTop;
    private int size;
    /** Slot of the last block matched by the latest {@link #walk}. */
    private int walkLast;

    CachedBlocks(int n) {
        if (n < 1 || n > Integer.MAX_VALUE >> SHIFT) {
            throw new IllegalArgumentException("slots must be in [1, " + (Integer.MAX_VALUE >> SHIFT) + "], got " + n);
        }
        slots = n;
        rec = new int[n << SHIFT];
        sibNext = new int[n];
        sibPrev = new int[n];
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
    int refs(int s) { return rec[(s << SHIFT) + REFS]; }
    /** Slot of the last block the latest {@link #walk} matched (its {@code last} if none). */
    int walkLast() { return walkLast; }

    private long hash(int s) {
        int o = s << SHIFT;
        return ((long) rec[o + HASH_HI] << 32) | (rec[o + HASH_LO] & 0xFFFFFFFFL);
    }

    /**
     * The slot caching {@code h}, the hash of a prompt's block b, or NONE: {@code p} is the slot
     * caching block b - 1's hash (NONE for b = 0), as a walk from the prompt's first block has it.
     */
    int find(long h, int p) {
        if (p >= 0) {
            int o = p << SHIFT;
            int c = rec[o + SUCC];
            if (c >= 0 && hash(c) == h) {
                return c;
            }
            if (rec[o + KIDS] < 0 && orphans == 0) {
                return NONE;
            }
        }
        return index.get(h);
    }

    /**
     * Walks {@code h[from]}, {@code h[from + 1]}, ... before {@code max} while they are cached, from
     * {@code last}, the slot caching {@code h[from - 1]} (NONE if from = 0); stores each block's
     * slot in {@code out[b]} unless {@code out} is null. Returns the end of the cached run
     * ({@link #walkLast} has the slot of its last block).
     */
    int walk(long[] h, int from, int max, int last, int[] out) {
        int[] r = rec;
        int b = from;
        int s = last;
        while (b < max) {
            int c = s + 1;
            // the next slot first: these loads do not depend on the previous iteration's
            if (s < 0 || c >= slots || r[(s << SHIFT) + SUCC] != c || hash(c) != h[b]) {
                c = find(h[b], s);
                if (c == NONE) {
                    break;
                }
            }
            if (out != null) {
                out[b] = c;
            }
            s = c;
            b++;
        }
        walkLast = s;
        return b;
    }

    /**
     * Caches {@code h[from]}, {@code h[from + 1]}, ... before {@code to} in new slots held once, until
     * one is cached already; {@code last} caches {@code h[from - 1]} (NONE if from = 0). Returns the
     * end of the run cached; {@link #walkLast} has the slot of its last block ({@code last} if none).
     * A block just added has no successor, so (without orphans) the next needs no lookup.
     */
    int addRun(long[] h, int from, int to, int last) {
        int b = from;
        if (b < to) {
            if (freeTop == 0) {
                throw new IllegalStateException("prefix cache has more entries than KV blocks");
            }
            if (find(h[b], last) == NONE) {
                last = add(h[b], last);
                b++;
                while (b < to) {
                    if (freeTop == 0) {
                        throw new IllegalStateException("prefix cache has more entries than KV blocks");
                    }
                    if (orphans > 0 && find(h[b], last) != NONE) {
                        break;
                    }
                    last = add(h[b], last);
                    b++;
                }
            }
        }
        walkLast = last;
        return b;
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
        int o = s << SHIFT;
        int[] r = rec;
        r[o + HASH_LO] = (int) h;
        r[o + HASH_HI] = (int) (h >>> 32);
        r[o + REFS] = 1;
        r[o + SUCC] = NONE;
        r[o + KIDS] = NONE;
        size++;
        if (p >= 0 && r[(p << SHIFT) + SUCC] == NONE) {
            r[(p << SHIFT) + SUCC] = s;
            r[o + PRED] = p;
            return s;
        }
        index.put(h, s);
        r[o + PRED] = p >= 0 ? p : ROOT;
        if (p >= 0) {
            int k = r[(p << SHIFT) + KIDS];
            sibPrev[s] = NONE;
            sibNext[s] = k;
            if (k >= 0) {
                sibPrev[k] = s;
            }
            r[(p << SHIFT) + KIDS] = s;
        }
        return s;
    }

    /** Takes one more reference to cached slot {@code s}; a free one leaves the LRU list. Returns refs before. */
    int retain(int s) {
        int before = rec[(s << SHIFT) + REFS]++;
        if (before == 0) {
            unlink(s);
            evictable--;
        }
        return before;
    }

    /** Drops one reference to {@code s}; returns the references left (0: the caller frees or drops it). */
    int unref(int s) {
        return --rec[(s << SHIFT) + REFS];
    }

    /** Makes cached slot {@code s} (no references) evictable, most recently freed. */
    void free(int s) {
        int o = s << SHIFT;
        int[] r = rec;
        r[o + REFS] = 0;
        r[o + PREV] = tail;
        r[o + NEXT] = NONE;
        if (tail == NONE) {
            head = s;
        } else {
            r[(tail << SHIFT) + NEXT] = s;
        }
        tail = s;
        evictable++;
    }

    /**
     * Evicts the {@code k} least recently freed slots ({@code k <= evictable()}), in LRU order. The
     * list is cut once; each step guesses that the next slot is the previous one (as it mostly is,
     * blocks being freed deepest first), so the walk does not wait on each slot's link to be loaded.
     */
    void evict(int k) {
        int[] r = rec;
        int s = head;
        for (int i = 0; i < k; i++) {
            int n = r[(s << SHIFT) + NEXT];
            drop(s);
            int guess = s - 1;
            if (n == guess) {
                s = guess;
            } else {
                s = n;
            }
        }
        head = s;
        if (s == NONE) {
            tail = NONE;
        } else {
            r[(s << SHIFT) + PREV] = NONE;
        }
        evictable -= k;
    }

    /** Forgets the block in slot {@code s} (no references, not in the LRU list); its successors become orphans. */
    void drop(int s) {
        int[] r = rec;
        int o = s << SHIFT;
        int p = r[o + PRED];
        if (p >= 0 && r[(p << SHIFT) + SUCC] == s) {
            r[(p << SHIFT) + SUCC] = NONE;
        } else {
            index.remove(hash(s));
            if (p >= 0) {
                int a = sibPrev[s];
                int b = sibNext[s];
                if (a == NONE) {
                    r[(p << SHIFT) + KIDS] = b;
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
        int c = r[o + SUCC];
        if (c >= 0) {
            r[(c << SHIFT) + PRED] = ORPHAN;
            index.put(hash(c), c);
            orphans++;
        }
        for (c = r[o + KIDS]; c >= 0; c = sibNext[c]) {
            r[(c << SHIFT) + PRED] = ORPHAN; // indexed already
            orphans++;
        }
        freeSlots[freeTop++] = s;
        size--;
    }

    private void unlink(int s) {
        int[] r = rec;
        int o = s << SHIFT;
        int p = r[o + PREV];
        int n = r[o + NEXT];
        if (p == NONE) {
            head = n;
        } else {
            r[(p << SHIFT) + NEXT] = n;
        }
        if (n == NONE) {
            tail = p;
        } else {
            r[(n << SHIFT) + PREV] = p;
        }
    }
}
