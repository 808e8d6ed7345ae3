package io.simfaasinfer.deployment;

import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.routing.ClusterView;

/**
 * The one view every router gets, of any pool and lifecycle: the replicas a request may go to now
 * (all replicas of an always-on pool; the ready instances with room of a serverless one; the decode
 * replicas that can reserve its KV), each answered from its own scheduler and KV cache. Reused per
 * decision (filled, routed, cleared), allocation-free.
 */
public final class ReplicaView implements ClusterView {

    private Replica[] members = new Replica[8];
    private int size;

    public void clear() {
        size = 0;
    }

    public void add(Replica r) {
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

    @Override
    public int cachedPrefixTokens(int i, Request r) {
        BlockManager kv = members[i].scheduler().kv();
        return kv.cachedPrefixBlocks(r) * kv.blockSize();
    }
}
