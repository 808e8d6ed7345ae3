package io.simfaasinfer.request;

/**
 * Receives the life events of requests as they happen. Metrics implement it; schedulers and the
 * simulator call it. Every method is called synchronously in simulation order with the current
 * simulated time, so implementations must be cheap (it runs once per generated token).
 */
public interface RequestObserver {

    default void onArrival(Request r, long now) { }

    /** The request will never be served; {@code reason} is a short snake_case code. */
    default void onRejected(Request r, String reason, long now) { }

    /** The request's first iteration starts (end of its queueing delay). */
    default void onFirstScheduled(Request r, long now) { }

    /**
     * A token was emitted; {@code gapNs} is the time since the previous token, or -1 for the first.
     * A gap of 0 marks a token delivered with the previous one (a multi-step run's burst:
     * {@code scheduler.num_scheduler_steps}); metrics count one inter-token gap per delivery.
     */
    default void onToken(Request r, long gapNs, long now) { }

    /** The request lost its KV cache and will be recomputed. */
    default void onPreempted(Request r, long now) { }

    default void onFinished(Request r, long now) { }

    /** An observer that ignores everything. */
    RequestObserver NONE = new RequestObserver() { };
}
