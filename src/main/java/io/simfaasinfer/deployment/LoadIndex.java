package io.simfaasinfer.deployment;

import io.simfaasinfer.cluster.Replica;

import java.util.Arrays;

/**
 * Indexed load of a fixed set of replicas (the entry stage's view of always-on pools), so that a
 * router's choice costs O(log n) instead of a scan of every replica: tournament trees over the
 * replicas' slots give the slot of least outstanding requests, of least KV utilisation (then fewer
 * outstanding), of least remaining work, and the most outstanding requests, each with the scan's
 * tie-break (the lowest slot among equals, so the choice is exactly the scan's), and the least and
 * the most transfer headroom of decode replicas (whether every one, or any, can take a request's KV).
 *
 * <p>A replica reports that its load may have changed ({@link Replica#loadChanged}) whenever its
 * scheduler's state changes; its slot is queued once, and every query first refreshes the queued
 * slots (O(log n) each, per tree in use; a slot's path stops at the first node whose entry does not
 * change, which on a large cluster is mostly near the leaf). A tree is built on the first query that
 * needs it, and a slot's figures are read only for the trees that exist, so a router pays only for
 * the figures it asks for (least outstanding reads no replica's KV utilisation or remaining work).
 */
final class LoadIndex implements Replica.LoadListener {

    private static final int OUTSTANDING = 0;
    private static final int KV = 1;
    private static final int WORK = 2;
    private static final int MAX_OUTSTANDING = 3;
    private static final int MIN_HEADROOM = 4;
    private static final int MAX_HEADROOM = 5;

    private final ReplicaView view;
    private final int n;
    /** Leaves start at {@code leaves}, a power of two; node k has children 2k and 2k + 1 (root 1). */
    private final int leaves;
    private final int[] outstanding;
    private final double[] kv;
    private final long[] work;
    /** Decode replicas' transfer headroom ({@code Scheduler.transferHeadroom}); read once a headroom tree exists. */
    private final int[] headroom;
    /**
     * Per tree: the winning slot of each node (-1: no replica below), or for MAX_OUTSTANDING,
     * MIN_HEADROOM and MAX_HEADROOM the maximum / minimum value itself.
     */
    private final int[][] trees = new int[6][];
    private final int[] dirty;
    private final boolean[] isDirty;
    private int dirtyCount;

    LoadIndex(ReplicaView view) {
        this.view = view;
        this.n = view.size();
        int m = 1;
        while (m < n) {
            m <<= 1;
        }
        this.leaves = m;
        this.outstanding = new int[n];
        this.kv = new double[n];
        this.work = new long[n];
        this.headroom = new int[n];
        this.dirty = new int[n];
        this.isDirty = new boolean[n];
        for (int i = 0; i < n; i++) {
            view.member(i).watch(this, i);
            read(i);
        }
    }

    @Override
    public void loadChanged(int slot) {
        if (!isDirty[slot]) {
            isDirty[slot] = true;
            dirty[dirtyCount++] = slot;
        }
    }

    int leastOutstanding() {
        return tree(OUTSTANDING)[1];
    }

    int leastKv() {
        return tree(KV)[1];
    }

    int leastWork() {
        return tree(WORK)[1];
    }

    int mostOutstanding() {
        return tree(MAX_OUTSTANDING)[1];
    }

    /** The least transfer headroom of any member (decode replicas). */
    int minHeadroom() {
        return tree(MIN_HEADROOM)[1];
    }

    /** The most transfer headroom of any member (decode replicas). */
    int maxHeadroom() {
        return tree(MAX_HEADROOM)[1];
    }

    private static boolean isHeadroomTree(int kind) {
        return kind == MIN_HEADROOM || kind == MAX_HEADROOM;
    }

    private boolean headroomRead() {
        return trees[MIN_HEADROOM] != null || trees[MAX_HEADROOM] != null;
    }

    private int[] tree(int kind) {
        refresh();
        int[] t = trees[kind];
        if (t == null) {
            t = new int[2 * leaves];
            Arrays.fill(t, kind == MAX_OUTSTANDING || kind == MAX_HEADROOM ? Integer.MIN_VALUE
                    : kind == MIN_HEADROOM ? Integer.MAX_VALUE : -1);
            if (isHeadroomTree(kind) && !headroomRead()) {
                for (int i = 0; i < n; i++) {
                    headroom[i] = view.transferHeadroom(i);
                }
            } else if (kind == KV) {
                for (int i = 0; i < n; i++) {
                    kv[i] = view.kvUtilization(i); // kept up to date only while this tree exists
                }
            } else if (kind == WORK) {
                for (int i = 0; i < n; i++) {
                    work[i] = view.remainingWork(i);
                }
            }
            for (int i = 0; i < n; i++) {
                t[leaves + i] = kind == MAX_OUTSTANDING ? outstanding[i]
                        : isHeadroomTree(kind) ? headroom[i] : i;
            }
            for (int k = leaves - 1; k >= 1; k--) {
                t[k] = winner(kind, t[2 * k], t[2 * k + 1]);
            }
            trees[kind] = t;
        }
        return t;
    }

    private void refresh() {
        for (int d = 0; d < dirtyCount; d++) {
            int slot = dirty[d];
            isDirty[slot] = false;
            read(slot);
            for (int kind = 0; kind < trees.length; kind++) {
                int[] t = trees[kind];
                if (t != null) {
                    int k = leaves + slot;
                    if (kind == MAX_OUTSTANDING) {
                        t[k] = outstanding[slot];
                    } else if (isHeadroomTree(kind)) {
                        t[k] = headroom[slot];
                    }
                    // up to the first node whose entry does not change, unless it is the changed slot
                    // winning (its new value still counts above): every node above is then unchanged too
                    boolean valued = kind == MAX_OUTSTANDING || isHeadroomTree(kind);
                    for (k >>>= 1; k >= 1; k >>>= 1) {
                        int before = t[k];
                        int after = winner(kind, t[2 * k], t[2 * k + 1]);
                        t[k] = after;
                        if (after == before && (valued || after != slot)) {
                            break;
                        }
                    }
                }
            }
        }
        dirtyCount = 0;
    }

    /** A slot's figures that some tree uses (outstanding requests always: the KV tree breaks ties by them). */
    private void read(int slot) {
        outstanding[slot] = view.outstanding(slot);
        if (trees[KV] != null) {
            kv[slot] = view.kvUtilization(slot);
        }
        if (trees[WORK] != null) {
            work[slot] = view.remainingWork(slot);
        }
        if (headroomRead()) {
            headroom[slot] = view.transferHeadroom(slot);
        }
    }

    /** The better of two children: for a min tree the slot the scan would keep (a before b, a < b). */
    private int winner(int kind, int a, int b) {
        if (kind == MAX_OUTSTANDING || kind == MAX_HEADROOM) {
            return Math.max(a, b);
        }
        if (kind == MIN_HEADROOM) {
            return Math.min(a, b);
        }
        if (b < 0) {
            return a;
        }
        if (a < 0) {
            return b;
        }
        // a < b always (a is the left subtree): b wins only when strictly better
        boolean bBetter = switch (kind) {
            case OUTSTANDING -> outstanding[b] < outstanding[a];
            case KV -> kv[b] < kv[a] || (kv[b] == kv[a] && outstanding[b] < outstanding[a]);
            default -> work[b] < work[a];
        };
        return bBetter ? b : a;
    }
}
