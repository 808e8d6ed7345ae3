package io.simfaasinfer.serverless;

/**
 * Lifecycle of a function instance slot: COLD (not provisioned) -> STARTING (cold start) -> IDLE
 * (ready, no request) <-> BUSY (serving) -> released back to COLD once its keep-alive runs out.
 */
public enum InstanceState {
    COLD, STARTING, IDLE, BUSY
}
