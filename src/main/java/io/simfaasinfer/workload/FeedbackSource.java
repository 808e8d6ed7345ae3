package io.simfaasinfer.workload;

import io.simfaasinfer.request.Request;

/**
 * A request source whose next requests depend on the earlier ones leaving the system (closed-loop
 * clients): the simulator tells it of each request that finished or was rejected, then takes every
 * request it has to give. {@link #next()} returning null means "none issued now", not the end; the
 * end is {@link #exhausted()}.
 */
public interface FeedbackSource extends RequestSource {

    /** Request {@code r} left the system at {@code now} (finished, or rejected). */
    void onDone(Request r, long now);

    /** Whether no request will ever be issued again. */
    boolean exhausted();
}
