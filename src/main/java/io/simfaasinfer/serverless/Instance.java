package io.simfaasinfer.serverless;

import io.simfaasinfer.cluster.Replica;

/**
 * One slot of the fleet: a replica (its own scheduler and KV cache) on one host, and the life of
 * the instances that run in it one after another. Keeps the time spent in each state, per current
 * lifetime (for billing) and in total.
 */
final class Instance {

    final int slot;
    final Replica replica;

    InstanceState state = InstanceState.COLD;
    private long stateSinceNs;
    /** Incremented at each start; an InstanceReady event carries it. */
    long generation;
    /** Incremented at each transition to IDLE; a keep-alive expiry carries it. */
    long idleEpoch;
    long idleSinceNs;
    /** When the last instance in this slot was released (host still caching the checkpoint), or -1. */
    long releasedNs = -1;
    boolean everUsed;
    CheckpointTier tier;

    private long lifeStartingNs;
    private long lifeIdleNs;
    private long lifeBusyNs;
    long totalStartingNs;
    long totalIdleNs;
    long totalBusyNs;

    Instance(int slot, Replica replica) {
        this.slot = slot;
        this.replica = replica;
    }

    /** Moves to {@code next} at {@code now}, charging the time since the last change to the state left. */
    void moveTo(InstanceState next, long now) {
        long d = now - stateSinceNs;
        switch (state) {
            case STARTING -> {
                lifeStartingNs += d;
                totalStartingNs += d;
            }
            case IDLE -> {
                lifeIdleNs += d;
                totalIdleNs += d;
            }
            case BUSY -> {
                lifeBusyNs += d;
                totalBusyNs += d;
            }
            default -> {
                // COLD time is not instance time
            }
        }
        if (next == InstanceState.IDLE && state != InstanceState.IDLE) {
            idleEpoch++;
            idleSinceNs = now;
        }
        state = next;
        stateSinceNs = now;
    }

    /** Starts a new lifetime (clears the per-lifetime counters). */
    void beginLife() {
        lifeStartingNs = 0;
        lifeIdleNs = 0;
        lifeBusyNs = 0;
        everUsed = true;
        replica.scheduler().kv().clearPrefixCache(); // a new instance starts with an empty KV cache
        replica.loadChanged();

    }

    boolean live() {
        return state != InstanceState.COLD;
    }

    boolean ready() {
        return state == InstanceState.IDLE || state == InstanceState.BUSY;
    }

    long lifeStartingNs() {
        return lifeStartingNs;
    }

    long lifeIdleNs() {
        return lifeIdleNs;
    }

    long lifeBusyNs() {
        return lifeBusyNs;
    }
}
