package io.simfaasinfer.metrics;

/** Mean, percentiles and max of one latency, in milliseconds, over {@code count} samples. */
public record LatencySummary(long count, double mean, double p50, double p90, double p95, double p99, double max) {
}
