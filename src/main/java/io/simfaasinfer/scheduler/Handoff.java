package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;

/**
 * Where a prefill replica of a disaggregated deployment sends a request once its prefill emitted
 * the first token (TTFT ends there, as in vLLM, Splitwise and DistServe). The request has left the
 * scheduler's batches but still holds its KV blocks there until {@link Scheduler#releaseHandedOff}.
 */
@FunctionalInterface
public interface Handoff {

    /** {@code r} was prefilled and emitted its first token at {@code now} on replica {@code replica}. */
    void onPrefilled(Request r, int replica, long now);
}
