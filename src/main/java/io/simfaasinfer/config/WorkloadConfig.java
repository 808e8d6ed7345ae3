package io.simfaasinfer.config;

/**
 * Synthetic workload.
 *
 * @param numRequests  requests to generate (null: until {@code simulation.duration_s})
 * @param arrival      arrival process
 * @param promptTokens prompt length distribution
 * @param outputTokens output length distribution
 * @param ttftSloMs    time-to-first-token SLO of every request, ms after its arrival (null: no deadline)
 */
public record WorkloadConfig(Integer numRequests, ArrivalConfig arrival, LengthConfig promptTokens,
                             LengthConfig outputTokens,
                             Double ttftSloMs) {

    /** A workload without TTFT deadlines. */
    public WorkloadConfig(Integer numRequests, ArrivalConfig arrival, LengthConfig promptTokens,
                          LengthConfig outputTokens) {
        this(numRequests, arrival, promptTokens, outputTokens, null);
    }
}
