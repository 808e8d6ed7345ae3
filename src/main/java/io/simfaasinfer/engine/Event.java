package io.simfaasinfer.engine;

import io.simfaasinfer.request.Request;

/**
 * A simulation event: small and immutable. The engine orders events by (time, {@link #phase()},
 * insertion sequence).
 */
public sealed interface Event permits Event.Arrival, Event.IterationDone, Event.Schedule,
        Event.InstanceReady, Event.InstanceExpiry, Event.Autoscale {

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

    /** A serverless instance finished its cold start ({@code generation} tells which start of the slot). */
    record InstanceReady(int instance, long generation) implements Event {
        @Override
        public Phase phase() {
            return Phase.INSTANCE_READY;
        }
    }

    /** A serverless instance's keep-alive ran out ({@code idleEpoch} tells which idle period of the slot). */
    record InstanceExpiry(int instance, long idleEpoch) implements Event {
        @Override
        public Phase phase() {
            return Phase.AUTOSCALE;
        }
    }

    /** The serverless autoscaler evaluates: on its periodic tick, or at once when poked by a waiting request. */
    record Autoscale(boolean periodic) implements Event {
        @Override
        public Phase phase() {
            return Phase.AUTOSCALE;
        }
    }
}
