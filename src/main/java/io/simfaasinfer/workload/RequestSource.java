package io.simfaasinfer.workload;

import io.simfaasinfer.request.Request;

/**
 * A stream of requests in non-decreasing arrival time, pulled one at a time so that a workload of
 * any length never sits in memory whole.
 */
public interface RequestSource {

    /** The next request, or null when the workload is exhausted. */
    Request next();

    /** Counters of adjustments made while generating (e.g. clamped lengths), by name; empty if none. */
    default java.util.Map<String, Long> adjustments() {
        return java.util.Map.of();
    }
}
