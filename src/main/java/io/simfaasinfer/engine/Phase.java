package io.simfaasinfer.engine;

/**
 * Order of events that fall on the same simulated instant (lower ordinal first).
 *
 * <p>At one instant the engine first hands the client the outputs an engine delivers late
 * ({@link #OUTPUT_DELIVERED}), then retires finished iterations (freeing KV blocks and
 * completing requests), then finished KV transfers (a request joins its decode replica), then
 * admits arrivals (so they can join the next batch), and only then lets idle replicas schedule
 * their next iteration, so a scheduling decision at time t sees every arrival, completion and
 * transfer at t. Ties within a phase keep insertion order.
 */
public enum Phase {
    /**
     * Outputs an engine processes one step late (vLLM V0's asynchronous output processing) reach the
     * client: before an iteration that ends at the same instant emits the tokens that follow them.
     */
    OUTPUT_DELIVERED,
    /** An iteration of a replica ends: tokens are emitted, finished requests leave. */
    ITERATION_DONE,
    /** Disaggregated serving: a KV-cache transfer to a decode replica starts sending or completes. */
    TRANSFER,
    /** Serverless: an instance finishes its cold start and takes queued requests (before arrivals at the same instant). */
    INSTANCE_READY,
    /** A request arrives at the deployment and is routed to a replica. */
    ARRIVAL,
    /** Serverless: autoscaler evaluations and keep-alive expiries, after every arrival at the same instant. */
    AUTOSCALE,
    /** An idle replica forms and starts its next iteration. */
    SCHEDULE
}
