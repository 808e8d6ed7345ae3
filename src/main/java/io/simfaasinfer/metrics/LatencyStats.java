package io.simfaasinfer.metrics;

import org.HdrHistogram.Histogram;

/**
 * Streaming distribution of one latency: exact count, mean and max, percentiles from an
 * HdrHistogram at microsecond resolution with 3 significant digits (0.1% relative error), so
 * a hundred million samples cost the same few hundred kilobytes as a thousand.
 *
 * <p>Recording is run-length encoded at two levels, since the decodes of one batch share one gap:
 * a repeat of the last value only counts it (one comparison and one addition per token); when the
 * value changes, the run goes into the count, sum and max, and into a pending histogram bucket,
 * which reaches the histogram when its microsecond value changes. Exact: the histogram keeps
 * microseconds anyway, and a run adds {@code value x count} to the sum in one step, which is the
 * sum of its samples exactly (the double sum is exact to 2^53 ns, 104 days; past that one rounding
 * per run instead of per sample).
 */
public final class LatencyStats {

    private final Histogram histogram = new Histogram(3);
    /** The open run: its exact value, ns (-1: none), and how many samples it holds. */
    private long runNs = -1;
    private long runCount;
    /** Samples of closed runs not yet in the histogram, all of microsecond value {@code pendingUs}. */
    private long pendingUs = -1;
    private long pendingCount;
    private long count;
    private double sumNs;
    private long maxNs;

    public void record(long ns) {
        recordMany(ns, 1);
    }

    /** Records {@code n} samples of the same value. */
    public void recordMany(long ns, long n) {
        if (ns == runNs) {
            runCount += n;
            return;
        }
        if (ns < 0) {
            throw new IllegalArgumentException("negative latency " + ns);
        }
        closeRun();
        runNs = ns;
        runCount = n;
    }

    /** Moves the open run into the count, sum, max and pending bucket. */
    private void closeRun() {
        long n = runCount;
        if (n == 0) {
            return;
        }
        runCount = 0;
        long ns = runNs;
        count += n;
        sumNs += n == 1 ? (double) ns : (double) ns * n;
        if (ns > maxNs) {
            maxNs = ns;
        }
        long us = (ns + 500) / 1000;
        if (us != pendingUs) {
            flush();
            pendingUs = us;
        }
        pendingCount += n;
    }

    private void flush() {
        if (pendingCount > 0) {
            histogram.recordValueWithCount(pendingUs, pendingCount);
            pendingCount = 0;
        }
    }

    public long count() {
        return count + runCount;
    }

    /** Adds every sample of {@code other} to this distribution. */
    public void add(LatencyStats other) {
        closeRun();
        flush();
        other.closeRun();
        other.flush();
        histogram.add(other.histogram);
        count += other.count;
        sumNs += other.sumNs;
        maxNs = Math.max(maxNs, other.maxNs);
    }

    public double meanMs() {
        closeRun();
        return count == 0 ? 0 : sumNs / count / 1e6;
    }

    public double maxMs() {
        closeRun();
        return maxNs / 1e6;
    }

    /** The {@code q}-th percentile (0..100) in ms; 0 when empty. */
    public double percentileMs(double q) {
        closeRun();
        if (count == 0) {
            return 0;
        }
        flush();
        // the histogram reports the top of a value's bucket, which can lie above the exact maximum
        return Math.min(histogram.getValueAtPercentile(q) / 1e3, maxMs());
    }

    public LatencySummary summary() {
        return new LatencySummary(count(), meanMs(), percentileMs(50), percentileMs(90), percentileMs(95),
                percentileMs(99), maxMs());
    }
}
