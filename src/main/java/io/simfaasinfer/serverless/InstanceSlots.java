package io.simfaasinfer.serverless;

import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.deployment.Pool;
import io.simfaasinfer.deployment.ReplicaView;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.routing.Router;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The instance slots (hosts) of a fleet, in slot order: each a replica of the pool, made when the
 * slot is first started (never {@code max_instances} up front), and which of them a request may
 * go to. Allocation-free per request.
 */
final class InstanceSlots {

    private final Pool pool;
    private final int maxInstances;
    private final int concurrencyLimit;
    private final ArrayList<Instance> slots = new ArrayList<>();
    /** Reused by {@link #choose} when room depends on the request. */
    private final ReplicaView scratch = new ReplicaView();
    /** {@link #stableEligible}'s view, the keep and readiness version it was made for; null before the first. */
    private ReplicaView stable;
    private int stableKeep = -1;
    private long stableReadiness = -1;
    /**
     * The readiness version at which {@link #choose} last found no ready instance with room, in a fleet
     * whose room does not depend on the request; -1 when it is not known to be full.
     */
    private long fullAt = -1;

    /** @param concurrencyLimit most requests in flight on one instance; 0 = no limit */
    InstanceSlots(Pool pool, int maxInstances, int concurrencyLimit) {
        this.pool = pool;
        this.maxInstances = maxInstances;
        this.concurrencyLimit = concurrencyLimit;
    }

    /** A new slot with a new replica of the pool (its first start). */
    Instance add() {
        if (slots.size() == maxInstances) {
            throw new IllegalStateException("no free instance slot although live < max_instances");
        }
        Instance in = new Instance(slots.size(), pool.newReplica());
        slots.add(in);
        return in;
    }

    Instance get(int slot) {
        return slots.get(slot);
    }

    /** The instance running {@code r} (the pool's replicas are made in slot order, indexes consecutive). */
    Instance of(Replica r) {
        return slots.get(r.index() - slots.get(0).replica.index());
    }

    List<Instance> all() {
        return Collections.unmodifiableList(slots);
    }

    /** Every slot's replica, in slot order. */
    List<Replica> replicas() {
        List<Replica> out = new ArrayList<>(slots.size());
        for (Instance in : slots) {
            out.add(in.replica);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Adds to {@code into} the ready instances with room for {@code r}: among the first
     * {@code max(1, desired)} ready ones (slot order); only if none of those has room, any ready one
     * with room (the surplus above the autoscaler's answer takes overflow only, so it drains).
     */
    void eligible(Request r, int desired, ReplicaView into) {
        int keep = Math.max(1, desired);
        int seen = 0;
        int before = into.size();
        for (int i = 0, n = slots.size(); i < n; i++) {
            Instance in = slots.get(i);
            if (in.ready() && seen++ < keep && hasRoom(in, r)) {
                into.add(in.replica);
            }
        }
        if (into.size() == before) {
            for (int i = 0, n = slots.size(); i < n; i++) {
                Instance in = slots.get(i);
                if (in.ready() && hasRoom(in, r)) {
                    into.add(in.replica);
                }
            }
        }
    }

    /**
     * What {@link #eligible} adds for any request when every kept instance has room: the first
     * {@code max(1, desired)} ready instances in slot order. Kept as one indexed view until the set of
     * ready instances ({@code readiness}, a version of it) or {@code desired} changes, so a request
     * neither scans the slots nor refills a view, and a router's choice is O(log n) in the fleet.
     * With a concurrency limit the view serves while the busiest kept instance is below it (the
     * view's most-outstanding index, O(log n)): then each of them has room and {@link #eligible} would add
     * exactly these, in this order. Null when room depends on the request or on an instance at its
     * limit (then {@link #eligible}): a decode fleet, whose instances must be able to reserve the
     * request's KV, or a kept instance at the limit.
     */
    ReplicaView stableEligible(int desired, long readiness) {
        if (!pool.takesAny()) {
            return null;
        }
        int keep = Math.max(1, desired);
        if (stable == null || keep != stableKeep || readiness != stableReadiness) {
            if (stable != null) {
                stable.unindex();
            }
            ReplicaView v = new ReplicaView();
            for (int i = 0, n = slots.size(), seen = 0; i < n && seen < keep; i++) {
                Instance in = slots.get(i);
                if (in.ready()) {
                    v.add(in.replica);
                    seen++;
                }
            }
            v.index();
            stable = v;
            stableKeep = keep;
            stableReadiness = readiness;
        }
        if (concurrencyLimit > 0 && stable.size() > 0 && stable.mostOutstanding() >= concurrencyLimit) {
            return null;
        }
        return stable;
    }

    /**
     * A ready instance with room for {@code r}, chosen by {@code router} over the view a request
     * arriving now would get ({@link #stableEligible}, else {@link #eligible}); null when none has room.
     */
    Instance choose(Request r, int desired, long readiness, Router router, long now) {
        ReplicaView v = stableEligible(desired, readiness);
        if (v == null) {
            scratch.clear();
            eligible(r, desired, scratch);
            v = scratch;
        }
        if (v.size() == 0) {
            fullAt = pool.takesAny() ? readiness : -1;
            return null;
        }
        fullAt = -1;
        return of(v.member(router.route(r, v, now)));
    }

    /**
     * Whether a {@link #choose} after {@code in}'s iteration could find room. False only when the last
     * one found no ready instance with room (so {@link #eligible} was empty whatever {@code desired}), no
     * instance became ready or stopped being ready since ({@code readiness}), and {@code in} still has
     * none: an instance's load falls only at its own iteration end (a finished or handed-off request
     * leaves it), so the scan this saves would find nothing again. Lets a saturated fleet with a queue
     * skip a scan of its slots at every instance's every iteration.
     */
    boolean mayHaveRoom(Instance in, long readiness) {
        if (fullAt < 0 || fullAt != readiness || (in.ready() && hasRoom(in, null))) {
            return true;
        }
        assert noneHasRoom() : "a fleet found full has room";
        return false;
    }

    private boolean noneHasRoom() {
        for (Instance in : slots) {
            if (in.ready() && hasRoom(in, null)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Room for {@code r}: under the concurrency limit, and (a decode fleet) able to reserve its KV now;
     * {@code r} may be null in a fleet that takes any request.
     */
    private boolean hasRoom(Instance in, Request r) {
        var s = in.replica.scheduler();
        return (concurrencyLimit <= 0 || s.outstanding() + s.incomingTransfers() < concurrencyLimit)
                && pool.canTake(in.replica, r);
    }

    /** Nothing on the instance: no request queued, running, arriving by transfer or held for one. */
    static boolean empty(Replica replica) {
        var s = replica.scheduler();
        return s.outstanding() == 0 && s.incomingTransfers() == 0 && s.heldForTransfer() == 0;
    }

    /**
     * The slot to start next: the cold slot whose host released the model most recently within
     * {@code hostTtlNs} (null if none, or -1 = no locality), else the first cold slot, else a new one.
     *
     * @return the slot, and whether its host still caches the checkpoint
     */
    Instance toStart(long now, long hostTtlNs, boolean[] cachedOut) {
        Instance choice = null;
        Instance cached = null;
        for (Instance in : slots) {
            if (in.state != InstanceState.COLD) {
                continue;
            }
            if (choice == null) {
                choice = in;
            }
            if (hostTtlNs >= 0 && in.releasedNs >= 0 && now - in.releasedNs <= hostTtlNs
                    && (cached == null || in.releasedNs > cached.releasedNs)) {
                cached = in;
            }
        }
        cachedOut[0] = cached != null;
        if (cached != null) {
            return cached;
        }
        return choice != null ? choice : add();
    }
}
