package io.simfaasinfer.metrics;

import org.HdrHistogram.Histogram;

/**
 * Streaming distribution of one latency: exact count, mean and max, percentiles from an
 * HdrHistogram at microsecond resolution with 3 significant digits (0.1% relative error), so
 * a hundred million samples cost the same few hundred kilobytes as a thousand.
 */
public final class LatencyStats {

    private final Histogram histogram = new Histogram(3);
    /**
     * Samples not yet in the histogram: a run of equal microsecond values (the decodes of one batch
     * share one gap), added in one call when the value changes or the histogram is read. Exact: the
     * histogram keeps microseconds anyway.
     */
    private long pendingUs = -1;
    private long pendingCount;
    /** The last value recorded, ns (-1: none): a repeat of it skips the rounding and the max. */
    private long lastNs = -1;
    private long count;
    private double sumNs;
    private long maxNs;

    public void record(long ns) {
        recordMany(ns, 1);
    }

    /** Records {@code n} samples of the same value. */
    public void recordMany(long ns, long n) {
        if (ns == lastNs) {
            // the decodes of one batch: the same gap again, already rounded into the pending run
            pendingCount += n;
            count += n;
            sumNs += (double) ns * n;
            return;
        }
        if (ns < 0) {
            throw new IllegalArgumentException("negative latency " + ns);
        }
        lastNs = ns;
        long us = (ns + 500) / 1000;
        if (us != pendingUs) {
            flush();
            pendingUs = us;
        }
        pendingCount += n;
        count += n;
        sumNs += (double) ns * n;
        if (ns > maxNs) {
            maxNs = ns;
        }
    }

    private void flush() {
        if (pendingCount > 0) {
            histogram.recordValueWithCount(pendingUs, pendingCount);
            pendingCount = 0;
        }
    }

    public long count() {
        return count;
    }

    /** Adds every sample of {@code other} to this distribution. */
    public void add(LatencyStats other) {
        flush();
        other.flush();
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
        flush();
        // the histogram reports the top of a value's bucket, which can lie above the exact maximum
        return Math.min(histogram.getValueAtPercentile(q) / 1e3, maxMs());
    }

    public LatencySummary summary() {
        return new LatencySummary(count, meanMs(), percentileMs(50), percentileMs(90), percentileMs(95),
                percentileMs(99), maxMs());
    }
}
