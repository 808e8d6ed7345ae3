package io.simfaasinfer.kvcache;

import java.util.Arrays;

/**
 * The records of {@link CachedBlocks}' runs and the links between them: the forest of runs (each
 * run's predecessor, its primary successor and its list of indexed ones), the hash index of the runs
 * that are not primary successors, and the LRU list of free runs; splitting a run, forgetting one and
 * orphaning its successors. See {@link CachedBlocks} for what a run is.
 */
abstract class RunForest {

    static final int NONE = -1;
    /** {@code PRED}: a prompt's first run, indexed. */
    static final int ROOT = -1;
    /** {@code PRED}: a run whose predecessor block left the cache, indexed. */
    static final int ORPHAN = -2;

    /** Run record: 16 ints, one cache line. */
    static final int SHIFT = 4;
    /** Where the run starts in its hash array. */
    static final int OFF = 0;
    static final int LEN = 1;
    static final int REFS = 2;
    /** LRU list of runs with refs == 0 (head = evicted first, from its last block). */
    static final int PREV = 3;
    static final int NEXT = 4;
    /** The run whose last block precedes this one's first, ROOT or ORPHAN. */
    static final int PRED = 5;
    /** Primary successor run, or NONE. */
    static final int SUCC = 6;
    /** First indexed successor run, or NONE; the list runs through SIB and SIB_PREV. */
    static final int KIDS = 7;
    static final int SIB = 8;
    static final int SIB_PREV = 9;

    /** Blocks that can be cached (at most as many runs). */
    final int capacity;
    /** The records (grown on demand, up to capacity: there are far fewer runs than blocks). */
    int[] rec;
    /** The hash array each run's blocks are in. */
    long[][] arr;
    /** Unused records. */
    int[] spare;
    int spareTop;
    /** Roots, orphans and non-primary successors: first hash -> run. */
    final LongIntHashMap index;
    /** Runs indexed as orphans. */
    int orphans;
    /** LRU list of free runs: evicted first, last freed. */
    int head = NONE;
    int tail = NONE;
    /** Blocks of the free runs. */
    int evictable;
    /** Blocks of all runs. */
    int size;

    RunForest(int n) {
        if (n < 1 || n > Integer.MAX_VALUE >> SHIFT) {
            throw new IllegalArgumentException("slots must be in [1, " + (Integer.MAX_VALUE >> SHIFT) + "], got " + n);
        }
        capacity = n;
        int m = Math.min(n, 256);
        rec = new int[m << SHIFT];
        arr = new long[m][];
        spare = new int[m];
        for (int i = 0; i < m; i++) {
            spare[i] = m - 1 - i;
        }
        spareTop = m;
        index = new LongIntHashMap(Math.min(n, 1 << 12));
    }

    /** An unused record; the records double when there is none (so callers reload {@link #rec} after). */
    final int newRecord() {
        if (spareTop == 0) {
            int m = arr.length;
            int g = Math.min(capacity, 2 * m);
            rec = Arrays.copyOf(rec, g << SHIFT);
            arr = Arrays.copyOf(arr, g);
            spare = new int[g];
            for (int i = g - 1; i >= m; i--) {
                spare[spareTop++] = i;
            }
        }
        return spare[--spareTop];
    }

    /** Records in use (one per run). */
    final int records() {
        return arr.length - spareTop;
    }

    /** The hash of run {@code r}'s first block. */
    final long first(int r) {
        return arr[r][rec[(r << SHIFT) + OFF]];
    }

    /** A new run of {@code h[b] ... h[b + count - 1]}, held once, after the last block of run {@code p} (NONE: a first run). */
    final int attach(long[] h, int b, int count, int p) {
        int s = newRecord();
        int[] r = rec;
        int o = s << SHIFT;
        int po = p << SHIFT;
        arr[s] = h;
        r[o + OFF] = b;
        r[o + LEN] = count;
        r[o + REFS] = 1;
        r[o + SUCC] = NONE;
        r[o + KIDS] = NONE;
        if (p >= 0 && r[po + SUCC] == NONE) {
            r[po + SUCC] = s;
            r[o + PRED] = p;
        } else {
            index.put(h[b], s);
            r[o + PRED] = p >= 0 ? p : ROOT;
            if (p >= 0) { // the parent's first child
                int k = r[po + KIDS];
                r[o + SIB_PREV] = NONE;
                r[o + SIB] = k;
                splice(r, p, NONE, s, k, s);
            }
        }
        return s;
    }

    /** Run {@code r} (no references now) becomes the most recently freed LRU entry. */
    final void free(int r) {
        int[] a = rec;
        int o = r << SHIFT;
        a[o + REFS] = 0;
        a[o + PREV] = tail;
        a[o + NEXT] = NONE;
        if (tail == NONE) {
            head = r;
        } else {
            a[(tail << SHIFT) + NEXT] = r;
        }
        tail = r;
        evictable += a[o + LEN];
    }

    /**
     * Splits run {@code r} after its first {@code k} blocks: they become a new run, which takes r's
     * place under its predecessor (and, if free, the place just after r in the LRU list) and has r,
     * its last blocks with its successors, as its primary successor. Returns the new run.
     */
    final int split(int r, int k) {
        int s = newRecord();
        int[] a = rec;
        int o = r << SHIFT;
        int os = s << SHIFT;
        arr[s] = arr[r];
        a[os + OFF] = a[o + OFF];
        a[os + LEN] = k;
        a[o + OFF] += k;
        a[o + LEN] -= k;
        int refs = a[o + REFS];
        a[os + REFS] = refs;
        int p = a[o + PRED];
        a[os + PRED] = p;
        if (p >= 0 && a[(p << SHIFT) + SUCC] == r) {
            a[(p << SHIFT) + SUCC] = s;
        } else {
            index.put(first(s), s); // in r's place
            if (p >= 0) {
                int x = a[o + SIB_PREV];
                int y = a[o + SIB];
                a[os + SIB_PREV] = x;
                a[os + SIB] = y;
                splice(a, p, x, s, y, s);
            }
        }
        a[os + SUCC] = r;
        a[os + KIDS] = NONE;
        a[o + PRED] = s;
        if (refs == 0) {
            int n = a[o + NEXT];
            a[os + PREV] = r;
            a[os + NEXT] = n;
            a[o + NEXT] = s;
            if (n == NONE) {
                tail = s;
            } else {
                a[(n << SHIFT) + PREV] = s;
            }
        }
        return s;
    }

    /**
     * Re-points the two ends of a place in parent {@code p}'s list of children: the child before it
     * ({@code before}, or the parent's first-child link when {@code before} is NONE) to {@code next},
     * the child after it ({@code after}, if any) back to {@code prev}. Adding a first child, putting a
     * run in another's place and unlinking one are this with different ends.
     */
    private static void splice(int[] a, int p, int before, int next, int after, int prev) {
        if (before == NONE) {
            a[(p << SHIFT) + KIDS] = next;
        } else {
            a[(before << SHIFT) + SIB] = next;
        }
        if (after != NONE) {
            a[(after << SHIFT) + SIB_PREV] = prev;
        }
    }

    /** Forgets run {@code r} (no references, not in the LRU list); its successors become orphans. */
    final void drop(int r) {
        int[] a = rec;
        int o = r << SHIFT;
        int p = a[o + PRED];
        if (p >= 0 && a[(p << SHIFT) + SUCC] == r) {
            a[(p << SHIFT) + SUCC] = NONE;
        } else {
            index.remove(first(r));
            if (p >= 0) {
                int x = a[o + SIB_PREV];
                int y = a[o + SIB];
                splice(a, p, x, y, y, x); // x and y become neighbours
            } else if (p == ORPHAN) {
                orphans--;
            }
        }
        orphanSuccessors(r);
        size -= a[o + LEN];
        arr[r] = null;
        spare[spareTop++] = r;
    }

    /** The successors of run {@code r}'s last block, which leaves the cache, become orphans. */
    final void orphanSuccessors(int r) {
        int[] a = rec;
        int o = r << SHIFT;
        int c = a[o + SUCC];
        if (c >= 0) {
            a[(c << SHIFT) + PRED] = ORPHAN;
            index.put(first(c), c);
            orphans++;
            a[o + SUCC] = NONE;
        }
        for (c = a[o + KIDS]; c >= 0; c = a[(c << SHIFT) + SIB]) {
            a[(c << SHIFT) + PRED] = ORPHAN; // indexed already
            orphans++;
        }
        a[o + KIDS] = NONE;
    }

    final void unlink(int r) {
        int[] a = rec;
        int o = r << SHIFT;
        int p = a[o + PREV];
        int n = a[o + NEXT];
        if (p == NONE) {
            head = n;
        } else {
            a[(p << SHIFT) + NEXT] = n;
        }
        if (n == NONE) {
            tail = p;
        } else {
            a[(n << SHIFT) + PREV] = p;
        }
    }
}
