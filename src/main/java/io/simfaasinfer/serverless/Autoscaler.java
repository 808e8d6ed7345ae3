package io.simfaasinfer.serverless;

/**
 * An autoscaling policy: how many instances the fleet should have. It decides only from the
 * read-only {@link FleetView} and the time (it may keep its own history, e.g. a cooldown or a panic
 * mode, but cannot change the fleet). The fleet clamps the answer to [min, max] instances, starts
 * instances when it is above the live count, and releases idle instances whose keep-alive has run
 * out while the live count is above it.
 */
public interface Autoscaler {

    /** Instances wanted at {@code nowNs}. */
    int desired(FleetView view, long nowNs);

    /**
     * Whether the policy is also evaluated whenever a request has to wait in the global queue, not
     * only on the periodic tick (the fleet always evaluates at once when a request finds no instance at all).
     */
    default boolean reactive() {
        return false;
    }
}
