package io.simfaasinfer.config;

/**
 * Synthetic workload.
 *
 * @param numRequests  requests to generate (null: until {@code simulation.duration_s})
 * @param arrival      arrival process
 * @param promptTokens prompt length distribution
 * @param outputTokens output length distribution
 */
public record WorkloadConfig(Integer numRequests, ArrivalConfig arrival, LengthConfig promptTokens,
                             LengthConfig outputTokens) {
}
