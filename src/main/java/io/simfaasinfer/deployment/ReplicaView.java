package io.simfaasinfer.deployment;

import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.routing.ClusterView;

/**
 * The one view every router gets, of any pool and lifecycle: the replicas a request may go to now
 * (all replicas of an always-on pool; the ready instances with room of a serverless one; the decode
 * replicas that can reserve its KV), each answered from its own scheduler and KV cache. Reused per
 * decision (filled, routed, cleared), allocation-free; or, over always-on pools, filled once and
 * {@linkplain #index indexed}, so that a router's choice is O(log n) in the replicas.
 */
public final class ReplicaView implements ClusterView {

    private Replica[] members = new Replica[8];
    private int size;
    /** Set by {@link #index}: the members' load, indexed; null for a view filled per decision. */
    private LoadIndex index;

    public void clear() {
        if (index != null) {
            throw new IllegalStateException("an indexed view keeps its members");
        }
        size = 0;
    }

    /**
     * Indexes the members' load from now on, for a view whose members do not change while it is
     * used (always-on pools; a serverless fleet's ready instances between changes): the routers' choices ({@link #leastOutstanding} and the others) then cost O(log n).
     * Each member reports its changes ({@link Replica#loadChanged}) to this view only. With assertions
     * on (the tests) every indexed answer is checked against the scan.
     */
    public void index() {
        if (size > 0) {
            index = new LoadIndex(this);
        }
    }

    /** Whether {@link #index} may watch the members: none is watched by another index already. */
    public boolean indexable() {
        for (int i = 0; i < size; i++) {
            if (members[i].watched()) {
                return false;
            }
        }
        return true;
    }

    /** Ends {@link #index}: the members stop reporting to this view (one that is replaced by another). */
    public void unindex() {
        if (index != null) {
            for (int i = 0; i < size; i++) {
                members[i].unwatch(index);
            }
            index = null;
            kvs = null;
        }
    }

    @Override
    public int leastOutstanding() {
        if (index == null) {
            return ClusterView.super.leastOutstanding();
        }
        int i = index.leastOutstanding();
        assert i == ClusterView.super.leastOutstanding() : "indexed least_outstanding differs from the scan";
        return i;
    }

    @Override
    public int mostOutstanding() {
        if (index == null) {
            return ClusterView.super.mostOutstanding();
        }
        int max = index.mostOutstanding();
        assert max == ClusterView.super.mostOutstanding() : "indexed most outstanding differs from the scan";
        return max;
    }

    @Override
    public int leastKvUtilization() {
        if (index == null) {
            return ClusterView.super.leastKvUtilization();
        }
        int i = index.leastKv();
        assert i == ClusterView.super.leastKvUtilization() : "indexed least_kv differs from the scan";
        return i;
    }

    @Override
    public int leastRemainingWork() {
        if (index == null) {
            return ClusterView.super.leastRemainingWork();
        }
        int i = index.leastWork();
        assert i == ClusterView.super.leastRemainingWork() : "indexed shortest_work differs from the scan";
        return i;
    }

    /**
     * The least transfer headroom of the members ({@code Scheduler.transferHeadroom}: blocks a KV
     * transfer may reserve now, -1 without a free sequence slot): every member can take a transfer of
     * {@code b} blocks when it is at least {@code b}. Indexed views answer in O(log n).
     */
    public int minTransferHeadroom() {
        if (index == null) {
            return scanHeadroom(false);
        }
        int min = index.minHeadroom();
        assert min == scanHeadroom(false) : "indexed transfer headroom differs from the scan";
        return min;
    }

    /**
     * The most transfer headroom of the members: no member can take a transfer of {@code b} blocks when
     * it is below {@code b}. Indexed views answer in O(log n).
     */
    public int maxTransferHeadroom() {
        if (index == null) {
            return scanHeadroom(true);
        }
        int max = index.maxHeadroom();
        assert max == scanHeadroom(true) : "indexed transfer headroom differs from the scan";
        return max;
    }

    /** The most ({@code most}) or least transfer headroom of the members, by a scan. */
    private int scanHeadroom(boolean most) {
        int v = most ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            v = most ? Math.max(v, transferHeadroom(i)) : Math.min(v, transferHeadroom(i));
        }
        return v;
    }

    /** The member's transfer headroom (decode replicas). */
    int transferHeadroom(int i) {
        return members[i].scheduler().transferHeadroom();
    }

    /** Prefix hashes of the request last asked about ({@link #cachedPrefixTokens}), those of the one before, and how many first hashes they share. */
    private long[] askedHashes;
    /** {@link #kvOf}'s caches of an indexed view's members; null until first asked. */
    private BlockManager[] kvs;
    private long[] previousHashes;
    private int commonBlocks;

    public void add(Replica r) {
        if (index != null) {
            throw new IllegalStateException("an indexed view keeps its members");
        }
        if (size == members.length) {
            members = java.util.Arrays.copyOf(members, size * 2);
        }
        members[size++] = r;
    }

    /** The replica at view index {@code i}. */
    public Replica member(int i) {
        if (i < 0 || i >= size) {
            throw new IllegalStateException("router chose replica " + i + " of a view of " + size);
        }
        return members[i];
    }

    @Override
    public int size() {
        return size;
    }

    /** Waiting + running requests, plus KV transfers on their way to it (decode replicas). */
    @Override
    public int outstanding(int i) {
        var s = members[i].scheduler();
        return s.outstanding() + s.incomingTransfers();
    }

    @Override
    public double kvUtilization(int i) {
        return members[i].scheduler().kv().utilization();
    }

    @Override
    public long remainingWork(int i) {
        return members[i].scheduler().remainingWorkTokens();
    }

    /**
     * Continues from each member's answer for the request asked about before ({@link #prefixQuery}):
     * a router asking every member about one request after another walks the shared leading blocks
     * once per member and change of its cache, not once per request
     * ({@code BlockManager.cachedPrefixBlocks(Request, long[], int)}; the same answers).
     */
    @Override
    public int cachedPrefixTokens(int i, Request r) {
        long[] h = r.blockHashes();
        if (h == null) {
            return 0;
        }
        if (h != askedHashes) {
            prefixQuery(h);
        }
        BlockManager kv = index != null ? kvOf(i) : members[i].scheduler().kv();
        return kv.cachedPrefixBlocks(r, previousHashes, commonBlocks) * kv.blockSize();
    }

    /** The KV caches of an indexed view's members (which do not change), kept beside them: one load less per question. */
    private BlockManager kvOf(int i) {
        if (kvs == null) {
            kvs = new BlockManager[size];
            for (int k = 0; k < size; k++) {
                kvs[k] = members[k].scheduler().kv();
            }
        }
        return kvs[i];
    }

    /** A new request's hashes: the last ones become the previous, and the blocks the two share are counted once. */
    private void prefixQuery(long[] h) {
        previousHashes = askedHashes;
        askedHashes = h;
        int common = 0;
        if (previousHashes != null) {
            int n = Math.min(h.length, previousHashes.length);
            while (common < n && h[common] == previousHashes[common]) {
                common++;
            }
        }
        commonBlocks = common;
    }
}
