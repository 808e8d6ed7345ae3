package io.simfaasinfer.deployment;

import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.request.Request;

import java.util.List;

/**
 * How a pool's replicas come and go: the one seam on which always-on ({@link AlwaysOn}) and
 * serverless ({@code serverless.ServerlessLifecycle}) pools differ. The stage that routes a request
 * asks every pool's lifecycle for the replicas it may use now ({@link #collect}), lets the router
 * choose among all of them, and hands the choice back ({@link #dispatch}); when none is eligible the
 * lifecycle {@link #hold}s the request (a serverless fleet queues it and scales up). Events of a
 * lifecycle (cold starts, keep-alive expiries, autoscaling) carry their own handler.
 */
public interface Lifecycle {

    /** Registry-style name for reports: {@code always_on} or {@code serverless}. */
    String name();

    /** The simulation starts (t = 0): create what is alive from the start. */
    void start(long now);

    /** A request reaches the pool's stage (before routing); for bookkeeping such as a fleet's arrival count. */
    default void onOffered(Request r, long now) {
    }

    /** Adds to {@code view} the replicas {@code r} may be routed to now (none while earlier requests wait here). */
    void collect(Request r, ReplicaView view, long now);

    /**
     * A view of its own that a stage of this pool alone routes {@code r} over instead of collecting
     * one: the replicas {@link #collect} would add, in the same order, kept and indexed while they do
     * not change (a serverless fleet's ready instances), so a choice is not a scan of the fleet; null:
     * collect.
     */
    default ReplicaView view(Request r, long now) {
        return null;
    }

    /** The router chose {@code target} (one this lifecycle collected) for {@code r}: enqueue it there. */
    void dispatch(Replica target, Request r, long now);

    /** No replica of the stage is eligible for {@code r}: queue it, or reject it with a reason. */
    void hold(Request r, long now);

    /**
     * Whether {@link #hold} queues requests itself (a serverless fleet, which scales up for them);
     * otherwise the stage holds them (the decode stage's wait for memory).
     */
    default boolean queues() {
        return false;
    }

    /** Whether the replicas {@link #collect} offers never change (always-on), so a stage may keep one view. */
    default boolean staticMembership() {
        return false;
    }

    /** A prefill replica handed {@code r} off after its first token (it still holds the request's KV). */
    default void onHandedOff(Replica replica, Request r, long now) {
    }

    /** A prefill replica freed the KV of a request whose transfer completed. */
    default void onTransferReleased(Replica replica, long now) {
    }

    /** An iteration of {@code replica} ended and its scheduler retired it (before it schedules again). */
    default void onIterationDone(Replica replica, long now) {
    }

    /** The workload has no more requests. */
    default void onWorkloadExhausted(long now) {
    }

    /** The replicas that ever existed in this pool, in index order (for per-replica statistics). */
    List<Replica> replicas();

    /**
     * The run's result with this lifecycle's own section added (a serverless fleet adds its
     * instances, cold starts and billed cost); the result itself when it adds nothing.
     */
    default SimulationResult report(SimulationResult base) {
        return base;
    }

    /** The state of {@code replica} for time series: {@code ready} for always-on; a fleet's instance state. */
    default String stateOf(Replica replica) {
        return "ready";
    }

    /** Replicas provisioned for the whole run, for always-on cost (0: a serverless pool bills instance time instead). */
    int provisionedReplicas();
}
