package io.simfaasinfer.config;

/**
 * Run control.
 *
 * @param randomSeed     seed of every random stream of the run
 * @param durationS      stop generating arrivals after this many simulated seconds (null: no limit;
 *                       requests already admitted are still served to completion)
 * @param warmupRequests the first N arrivals are simulated but excluded from latency metrics
 * @param warmupS        arrivals before this time (s) are excluded from latency metrics
 */
public record SimulationConfig(long randomSeed, Double durationS, int warmupRequests, double warmupS) {
}
