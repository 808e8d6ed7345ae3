package io.simfaasinfer.config;

/**
 * Arrival process.
 *
 * @param process {@code poisson}, {@code gamma} or {@code constant}
 * @param rate    mean requests per second
 * @param cv      coefficient of variation of inter-arrival times ({@code gamma} only; 1 = Poisson)
 */
public record ArrivalConfig(String process, double rate, Double cv) {
}
