package io.simfaasinfer.kvcache;

import java.util.Arrays;

/**
 * The cached blocks of one replica's {@link PrefixCache}, kept as <em>runs</em>: a run is a sequence
 * of consecutive blocks of one prompt, recorded once (the prompt's hash array, where the run starts in
 * it, its length, one reference count, LRU links and links to the runs before and after it).
 * Registration, admission, release and eviction work per run; nothing is stored per block (a run's
 * hashes are read from the array of the request that cached it, which requests never modify, and
 * which the run keeps alive while it is cached); only walks go block by block, comparing hashes.
 *
 * <p>Block hashes are prefix-closed ({@link io.simfaasinfer.workload.PrefixHashes}): equal hashes
 * mean equal positions and equal hashes of every earlier block, and a hash is cached at most once. So
 * the cached blocks form a forest, and so do the runs: each run but a first one follows the last
 * block of its predecessor run. A run records one <em>primary</em> successor run, the first one cached
 * after it; a walk of a prompt's hashes from its first block (as every caller does) compares the next
 * hash of the run while inside one and tests the primary successor at its end. Only the other runs are
 * in the hash index ({@link LongIntHashMap}, by first hash): first runs of prompts, runs that branch
 * off a run that has a primary successor already (linked in a list per run), and orphans, runs whose
 * predecessor block left the cache (evicted, or registered but released before it was computed); a
 * run end with no indexed successor is not probed for one while there are no orphans, and a block
 * inside a run has no successor but the run's next block (a branch there splits the run first).
 *
 * <p>All the blocks of a run have one reference count; a free run (count 0) is one entry of the LRU
 * list, standing for its blocks deepest first (the order a release frees them in). A run is split
 * where an admission or a release covers only its first part, where a block branches off inside it
 * and where a release keeps its computed part and drops the rest; the first part takes a new record
 * and the run's place under its predecessor, so a run keeps its record while its last block stays.
 * Eviction takes the deepest blocks of the head entry, so a partial eviction only shortens it. The LRU
 * order of blocks, and so every answer, is the one a per-block list has ({@code PrefixCacheModelTest}).
 * No allocation after construction but the scratch lists, which grow to the longest walk, and the
 * index (rarely).
 */
final class CachedBlocks extends RunForest {

    /** Cursor: the run of the block a registration continues after (NONE: before a first block) and its blocks up to that one. */
    private int cr = NONE;
    private int ci;
    /** The run the current {@link #keep} created last (the only one it may extend). */
    private int fresh = NONE;
    /** Whether blocks are registered by the request that holds the cursor (it may extend a run only it holds). */
    private boolean holder;
    /** Runs of the latest recorded {@link #walk} and blocks walked in each (from its first). */
    private int[] segRun = new int[16];
    private int[] segCount = new int[16];
    private int segs;
    /** Scratch for {@link #keep}: the runs it created. */
    private int[] made = new int[16];
    /** Counts the calls that may change what is cached or its references. */
    private long version;
    /** Where the latest walk ended: the run of its last block matched and the blocks matched in it. */
    private int wr = NONE;
    private int wi;

    CachedBlocks(int n) {
        super(n);
    }

    /** Cached blocks, held or not. */
    int size() { return size; }
    /** Changes with every call that may change which blocks are cached or their references. */
    long version() { return version; }
    /** Cached blocks no request holds. */
    int evictable() { return evictable; }
    /** Blocks that can still be cached. */
    int freeSlots() { return capacity - size; }
    /** Runs cached. */
    int runs() { return records(); }
    /** Reference count of run {@code r}. */
    int refs(int r) { return rec[(r << SHIFT) + REFS]; }
    /** Runs the latest recorded walk went through. */
    int segments() { return segs; }
    /** The i-th of those runs. */
    int segRun(int i) { return segRun[i]; }
    /** Blocks the walk matched in it. */
    int segCount(int i) { return segCount[i]; }
    /** The run of the cursor's block (NONE: before a first block); its block is the run's last after a registration. */
    int cursorRun() { return cr; }

    /**
     * Walks {@code h[0]}, {@code h[1]}, ... before {@code max} while they are cached. With
     * {@code record}, the runs walked are kept for {@link #segRun} / {@link #segCount} and the cursor
     * is left on the last block matched. Returns the blocks matched.
     */
    int walk(long[] h, int max, boolean record) {
        return walk(h, 0, max, NONE, 0, record);
    }

    /**
     * Continues a walk of {@code h} at block {@code from}, after {@code i} blocks of run {@code r} (the
     * run of block {@code from - 1}, as {@link #walkEndRun} / {@link #walkEndIndex} left them; NONE and 0
     * for {@code from} = 0), while the blocks are cached, before {@code max}: the same answer as
     * {@link #walk} from the first block when {@code h}'s first {@code from} blocks are the ones walked to
     * that place and the cache has not changed since ({@link #version}). Returns the blocks matched in all
     * and leaves where it ended for a later continuation; touches neither the cursor nor the recorded runs.
     */
    int walkFrom(long[] h, int from, int max, int r, int i) {
        return walk(h, from, max, r, i, false);
    }

    private int walk(long[] h, int from, int max, int r, int i, boolean record) {
        int b = from;
        long[] a = null;
        int base = 0;
        int len = 0;
        if (r != NONE) {
            int o = r << SHIFT;
            a = arr[r];
            base = rec[o + OFF];
            len = rec[o + LEN];
        }
        int n = 0;
        while (b < max) {
            long x = h[b];
            if (i < len && a[base + i] == x) {
                i++;
                b++;
                continue;
            }
            int c = next(x, r, i, len);
            if (c == NONE) {
                break;
            }
            if (record && r != NONE) {
                n = segment(n, r, i);
            }
            r = c;
            a = arr[c];
            base = rec[(c << SHIFT) + OFF];
            len = rec[(c << SHIFT) + LEN];
            i = 1;
            b++;
        }
        if (record) {
            if (r != NONE) {
                n = segment(n, r, i);
            }
            segs = n;
            cr = r;
            ci = i;
        }
        wr = r;
        wi = i;
        return b;
    }

    /** The run where the latest walk ended (NONE: it matched nothing). */
    int walkEndRun() { return wr; }
    /** Blocks of that run the latest walk matched, from its first. */
    int walkEndIndex() { return wi; }

    private int segment(int n, int r, int count) {
        if (n == segRun.length) {
            segRun = Arrays.copyOf(segRun, 2 * n);
            segCount = Arrays.copyOf(segCount, 2 * n);
        }
        segRun[n] = r;
        segCount[n] = count;
        return n + 1;
    }

    /**
     * The run that caches {@code x} right after the {@code i}-th block of run {@code r} (of
     * {@code len}), starting with it, or NONE; r = NONE: a prompt's first block.
     */
    private int next(long x, int r, int i, int len) {
        if (r >= 0) {
            if (i == len) {
                int o = r << SHIFT;
                int c = rec[o + SUCC];
                if (c >= 0 && first(c) == x) {
                    return c;
                }
                if (rec[o + KIDS] < 0 && orphans == 0) {
                    return NONE;
                }
            } else if (orphans == 0) {
                return NONE; // inside a run a block has no other successor
            }
        }
        return index.get(x);
    }

    /** Whether {@code x} is cached right after the cursor; with {@code move}, the cursor goes there. */
    private boolean probe(long x, boolean move) {
        int len = 0;
        if (cr >= 0) {
            int o = cr << SHIFT;
            len = rec[o + LEN];
            if (ci < len && arr[cr][rec[o + OFF] + ci] == x) {
                if (move) {
                    ci++;
                }
                return true;
            }
        }
        int c = next(x, cr, ci, len);
        if (c == NONE) {
            return false;
        }
        if (move) {
            cr = c;
            ci = 1;
        }
        return true;
    }

    /** Puts the cursor on the last block of run {@code r} (NONE: before a first block). */
    void cursorAtEnd(int r) {
        cr = r;
        ci = r >= 0 ? rec[(r << SHIFT) + LEN] : 0;
    }

    /**
     * Caches {@code h[from]}, {@code h[from + 1]}, ... before {@code to} after the cursor (which
     * caches {@code h[from - 1]}, or is NONE for from = 0), held once, until one is cached already;
     * the cursor follows. Returns the end of the run cached; {@link #cursorRun} then has the run of
     * its last block, the run's last. A block just added has no successor, so (without orphans) the
     * others are added with it, with no lookup.
     */
    int addRun(long[] h, int from, int to) {
        version++;
        fresh = NONE;
        holder = true;
        int b = from;
        if (b < to) {
            if (size == capacity) {
                throw new IllegalStateException("prefix cache has more entries than KV blocks");
            }
            if (!probe(h[b], false)) {
                if (orphans == 0) {
                    if (to - b > capacity - size) {
                        throw new IllegalStateException("prefix cache has more entries than KV blocks");
                    }
                    add(h, b, to - b);
                    return to;
                }
                add(h, b, 1);
                b++;
                while (b < to) {
                    if (size == capacity) {
                        throw new IllegalStateException("prefix cache has more entries than KV blocks");
                    }
                    if (orphans > 0 && probe(h[b], false)) {
                        break;
                    }
                    add(h, b, 1);
                    b++;
                }
            }
        }
        return b;
    }

    /**
     * Keeps {@code h[from]}, ... before {@code to} cached after the cursor, free: each one not cached
     * is added; one cached already (by another request) is passed. The blocks added are freed deepest
     * first. Returns how many were added.
     */
    int keep(long[] h, int from, int to) {
        version++;
        fresh = NONE;
        holder = false;
        int n = 0;
        int kept = 0;
        for (int b = from; b < to; b++) {
            if (size == capacity) {
                throw new IllegalStateException("prefix cache has more entries than KV blocks");
            }
            if (!probe(h[b], true)) {
                int before = cr;
                add(h, b, 1);
                kept++;
                if (cr != before) { // a new run
                    if (n == made.length) {
                        made = Arrays.copyOf(made, 2 * n);
                    }
                    made[n++] = cr;
                }
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            free(made[i]);
        }
        return kept;
    }

    /** Caches {@code h[b] ... h[b + count - 1]} (not cached) held once after the cursor, which moves to the last. */
    private void add(long[] h, int b, int count) {
        int[] r = rec;
        int p = cr;
        if (p >= 0 && ci != r[(p << SHIFT) + LEN]) {
            p = split(p, ci); // a branch inside a run: the cursor's block becomes the end of one
            r = rec;
        }
        size += count;
        int po = p << SHIFT;
        if (p >= 0 && arr[p] == h && r[po + OFF] + r[po + LEN] == b && (holder ? r[po + REFS] == 1 : p == fresh)
                && r[po + SUCC] == NONE && r[po + KIDS] == NONE) {
            r[po + LEN] += count;
            cr = p;
            ci = r[po + LEN];
            return;
        }
        int s = attach(h, b, count, p);
        fresh = s;
        cr = s;
        ci = count;
    }

    /**
     * Takes one more reference to the blocks of the latest recorded walk (all of each run walked,
     * split off where fewer); free runs leave the LRU list. The cursor stays on the last block, now
     * its run's last. Returns the blocks that were free.
     */
    int retainWalked() {
        version++;
        int taken = 0;
        for (int i = 0; i < segs; i++) {
            int r = segRun[i];
            int count = segCount[i];
            int o = r << SHIFT;
            if (count < rec[o + LEN]) {
                r = split(r, count);
                o = r << SHIFT;
            }
            if (rec[o + REFS]++ == 0) {
                unlink(r);
                evictable -= count;
                taken += count;
            }
            cr = r;
            ci = count;
        }
        return taken;
    }

    /**
     * Releases one reference to each of a prompt's first {@code m} blocks ({@code h}), the last in
     * run {@code last} and its last block; first keeps its blocks {@code m ... extraEnd - 1} cached
     * (as {@link #keep}). Of its first {@code computed} blocks, those left without references stay
     * cached, free, deepest most recently freed; the others left without are dropped. Returns the
     * held blocks left without references.
     */
    int release(long[] h, int m, int last, int extraEnd, int computed) {
        version++;
        // Without orphans the held runs are found from the last by the runs' links; with, by a walk.
        boolean linked = orphans == 0;
        if (linked) {
            cursorAtEnd(last);
        } else {
            walk(h, m, true);
        }
        // Deepest blocks first, so the LRU evicts a sequence's tail before its shared head.
        if (extraEnd > m) {
            keep(h, m, extraEnd);
        }
        int freed = 0;
        int b1 = m;
        if (linked) {
            for (int r = last; b1 > 0; ) {
                int o = r << SHIFT;
                int k = rec[o + LEN];
                int p = rec[o + PRED];
                b1 -= k;
                freed += unref(r, k, b1, computed);
                r = p;
            }
        } else {
            for (int i = segs - 1; i >= 0; i--) {
                int k = segCount[i];
                b1 -= k;
                freed += unref(segRun[i], k, b1, computed);
            }
        }
        return freed;
    }

    /** Drops one reference to the first {@code count} blocks of run {@code r}, a prompt's blocks b0 ...; returns those left without. */
    private int unref(int r, int count, int b0, int computed) {
        int o = r << SHIFT;
        if (count < rec[o + LEN]) {
            r = split(r, count);
            o = r << SHIFT;
        }
        if (rec[o + REFS] > 1) {
            rec[o + REFS]--;
            return 0;
        }
        if (b0 + count <= computed) {
            free(r);
        } else if (b0 >= computed) {
            rec[o + REFS] = 0;
            drop(r); // registered but never computed (released mid-prefill): not reusable
        } else {
            int c = split(r, computed - b0);
            rec[o + REFS] = 0;
            drop(r);
            free(c);
        }
        return count;
    }

    /** Evicts the {@code k} least recently freed blocks ({@code k <= evictable()}), in LRU order. */
    void evict(int k) {
        version++;
        int[] a = rec;
        evictable -= k;
        while (k > 0) {
            int r = head;
            int o = r << SHIFT;
            int len = a[o + LEN];
            if (len <= k) {
                int n = a[o + NEXT];
                head = n;
                if (n == NONE) {
                    tail = NONE;
                } else {
                    a[(n << SHIFT) + PREV] = NONE;
                }
                drop(r);
                k -= len;
            } else {
                a[o + LEN] = len - k; // its deepest k blocks
                orphanSuccessors(r);
                size -= k;
                k = 0;
            }
        }
    }
}
