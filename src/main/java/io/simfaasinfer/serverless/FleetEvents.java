package io.simfaasinfer.serverless;

import io.simfaasinfer.engine.Event;
import io.simfaasinfer.engine.Phase;

/** The events of a serverless fleet; each carries its fleet, which handles it. */
final class FleetEvents {

    private FleetEvents() {
    }

    /** A serverless instance finished its cold start ({@code generation} tells which start of the slot). */
    record InstanceReady(ServerlessLifecycle fleet, int instance, long generation) implements Event {
        @Override
        public Phase phase() {
            return Phase.INSTANCE_READY;
        }

        @Override
        public void fire(long now) {
            fleet.onReadyEvent(instance, generation, now);
        }
    }

    /** A serverless instance's keep-alive ran out ({@code idleEpoch} tells which idle period of the slot). */
    record InstanceExpiry(ServerlessLifecycle fleet, int instance, long idleEpoch) implements Event {
        @Override
        public Phase phase() {
            return Phase.AUTOSCALE;
        }

        @Override
        public void fire(long now) {
            fleet.onExpiryEvent(instance, idleEpoch, now);
        }
    }

    /** The autoscaler evaluates: on its periodic tick, or at once when poked by a waiting request. */
    record Autoscale(ServerlessLifecycle fleet, boolean periodic) implements Event {
        @Override
        public Phase phase() {
            return Phase.AUTOSCALE;
        }

        @Override
        public void fire(long now) {
            fleet.onAutoscaleEvent(periodic, now);
        }
    }
}
