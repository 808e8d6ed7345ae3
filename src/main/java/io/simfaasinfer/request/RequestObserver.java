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

    /**
     * One iteration's decode tokens, all emitted at {@code now}: request {@code requests[i]} (skipped
     * where null) emitted one token {@code gapsNs[i]} (&gt;= 0) after its previous one, for {@code i <
     * n}. The same as {@link #onToken} for each in that order (which the default does); metrics take
     * the iteration in one pass. Called after every token of the iteration is emitted and before any
     * request the iteration finished is reported {@linkplain #onFinished finished}. The arrays are the
     * caller's, reused: read them during the call only.
     */
    default void onDecodeTokens(Request[] requests, long[] gapsNs, int n, long now) {
        for (int i = 0; i < n; i++) {
            Request r = requests[i];
            if (r != null) {
                onToken(r, gapsNs[i], now);
            }
        }
    }

    /**
     * Whether {@link #onDecodeRun} is enough for this observer: it needs no call per token of a
     * request past its second token (a decode gap &gt; 0 of a measured request counts only by class).
     * A scheduler then decodes its steady requests without touching each at every iteration
     * ({@link DecodeClock}). False by default: every token reaches {@link #onToken} or
     * {@link #onDecodeTokens}.
     */
    default boolean acceptsDecodeRuns() {
        return false;
    }

    /**
     * {@code count} decode tokens, all at {@code now}, of measured requests of workload class
     * {@code classId}, each {@code gapNs} (&gt; 0) after its request's previous token; which requests
     * is not said (none of them is at its first, second or last token: those come through
     * {@link #onDecodeTokens}). Called only if {@link #acceptsDecodeRuns}; tokens of unmeasured
     * requests are not reported this way.
     */
    default void onDecodeRun(int classId, long gapNs, long count, long now) {
        throw new UnsupportedOperationException(getClass().getName() + " does not accept decode runs");
    }

    /** The request lost its KV cache and will be recomputed. */
    default void onPreempted(Request r, long now) { }

    default void onFinished(Request r, long now) { }

    /** An observer that ignores everything. */
    RequestObserver NONE = new RequestObserver() { };
}
