package io.simfaasinfer.deployment;

import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.request.Request;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The always-on lifecycle: every replica of the pool exists and is ready from t = 0 to the end. */
public final class AlwaysOn implements Lifecycle {

    private final Pool pool;
    private final int count;
    private final List<Replica> replicas = new ArrayList<>();

    public AlwaysOn(Pool pool, int count) {
        this.pool = pool;
        this.count = count;
    }

    @Override
    public String name() {
        return "always_on";
    }

    @Override
    public void start(long now) {
        for (int i = 0; i < count; i++) {
            replicas.add(pool.newReplica());
        }
    }

    @Override
    public void collect(Request r, ReplicaView view, long now) {
        for (int i = 0, n = replicas.size(); i < n; i++) {
            Replica rep = replicas.get(i);
            if (pool.canTake(rep, r)) {
                view.add(rep);
            }
        }
    }

    @Override
    public void dispatch(Replica target, Request r, long now) {
        pool.accept(target, r, now);
    }

    @Override
    public void hold(Request r, long now) {
        throw new IllegalStateException("an always-on pool does not queue; its stage holds the request");
    }

    /** Every replica exists for the whole run: a stage may keep one view of them. */
    @Override
    public boolean staticMembership() {
        return true;
    }

    @Override
    public List<Replica> replicas() {
        return Collections.unmodifiableList(replicas);
    }

    @Override
    public int provisionedReplicas() {
        return count;
    }
}
