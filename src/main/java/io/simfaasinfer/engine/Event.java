package io.simfaasinfer.engine;

import io.simfaasinfer.request.Request;

/**
 * A simulation event: small and immutable. The engine orders events by (time, {@link #phase()},
 * insertion sequence).
 */
public sealed interface Event permits Event.Arrival, Event.IterationDone, Event.Schedule {

    Phase phase();

    /** A request arrives at the cluster. */
    record Arrival(Request request) implements Event {
        @Override
        public Phase phase() {
            return Phase.ARRIVAL;
        }
    }

    /** The iteration running on a replica finishes. */
    record IterationDone(int replica, long iteration) implements Event {
        @Override
        public Phase phase() {
            return Phase.ITERATION_DONE;
        }
    }

    /** An idle replica should try to start an iteration. */
    record Schedule(int replica) implements Event {
        @Override
        public Phase phase() {
            return Phase.SCHEDULE;
        }
    }
}
