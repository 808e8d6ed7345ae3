package io.simfaasinfer.metrics;

import org.HdrHistogram.Histogram;

/**
 * Streaming distribution of one latency: exact count, mean and max, percentiles from an
 * HdrHistogram at microsecond resolution with 3 significant digits (0.1% relative error), so
 * a hundred million samples cost the same few hundred kilobytes as a thousand.
 */
public final class LatencyStats {

    private final Histogram histogram = new Histogram(3);
    private long count;
    private double sumNs;
    private long maxNs;

    public void record(long ns) {
        recordMany(ns, 1);
    }

    /** Records {@code n} samples of the same value. */
    public void recordMany(long ns, long n) {
        if (ns < 0) {
            throw new IllegalArgumentException("negative latency " + ns);
        }
        histogram.recordValueWithCount((ns + 500) / 1000, n);
        count += n;
        sumNs += (double) ns * n;
        if (ns > maxNs) {
            maxNs = ns;
        }
    }

    public long count() {
        return count;
    }

    /** Adds every sample of {@code other} to this distribution. */
    public void add(LatencyStats other) {
        histogram.add(other.histogram);
        count += other.count;
        sumNs += other.sumNs;
        maxNs = Math.max(maxNs, other.maxNs);
    }

    public double meanMs() {
        return count == 0 ? 0 : sumNs / count / 1e6;
    }

    public double maxMs() {
        return maxNs / 1e6;
    }

    /** The {@code q}-th percentile (0..100) in ms; 0 when empty. */
    public double percentileMs(double q) {
        if (count == 0) {
            return 0;
        }
        // the histogram reports the top of a value's bucket, which can lie above the exact maximum
        return Math.min(histogram.getValueAtPercentile(q) / 1e3, maxMs());
    }

    public LatencySummary summary() {
        return new LatencySummary(count, meanMs(), percentileMs(50), percentileMs(90), percentileMs(95),
                percentileMs(99), maxMs());
    }
}
