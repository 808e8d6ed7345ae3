package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.request.Request;

import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Local decision of one replica: which waiting request goes next. The scheduler keeps its
 * waiting queue in {@link #order()}; before admitting it calls {@link #select} (only when
 * {@link #selectsBatch()}), then admits from the head while {@link #mayAdmit} allows and its own
 * limits (token budget, sequences, KV blocks) hold. One instance serves one replica.
 */
public interface LocalPolicy {

    /**
     * Priority of waiting requests; the least is admitted first. The key of a waiting request must
     * not change while it waits (a request's progress only changes while it runs).
     */
    Comparator<Request> order();

    /** True if the policy chooses each iteration's admissions itself ({@link #select}); false if it only orders. */
    default boolean selectsBatch() {
        return false;
    }

    /**
     * Chooses among the waiting requests within {@code budget}. May remove and re-add requests of
     * {@code waiting} (to move its choice to the head) but must leave every request in it.
     */
    default void select(PriorityQueue<Request> waiting, AdmissionBudget budget, long now) {
    }

    /** Whether {@code r}, the head of the waiting queue, may be admitted in the iteration being formed. */
    default boolean mayAdmit(Request r) {
        return true;
    }

    /**
     * What the policy counted over the run (e.g. the MILP's solves and fallbacks), reported in the
     * results under {@code scheduling.local_policy_counters}, summed over replicas. Empty by default.
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    /** A policy that only orders the waiting queue by {@code order}. */
    static LocalPolicy ordered(Comparator<Request> order) {
        return () -> order;
    }
}
