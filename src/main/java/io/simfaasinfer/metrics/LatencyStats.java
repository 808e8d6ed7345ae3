package io.simfaasinfer.metrics;

import org.HdrHistogram.Histogram;

import java.util.Arrays;

/**
 * Streaming distribution of one latency: exact count, mean and max; percentiles exact while the
 * distribution has at most {@link #EXACT_RUNS} runs (below), from an HdrHistogram at microsecond
 * resolution with 3 significant digits (0.1% relative error) beyond, so a hundred million samples cost
 * the same few hundred kilobytes as a thousand.
 *
 * <p>Exact percentiles follow numpy's default ({@code numpy.percentile}, method "linear"; {@code
 * numpy.median} at 50), the definition of the benchmark clients whose figures a simulation is compared
 * with (vLLM's {@code benchmark_serving.py} / {@code vllm bench serve}, SGLang's {@code bench_serving}):
 * over the n samples sorted, the value at rank {@code h = (n - 1) q / 100}, interpolated
 * linearly between the ranks below and above it, so the median of an even count is the mean of the two
 * middle values. The histogram gives the value at rank {@code ceil(q n / 100)} instead (the lower middle
 * for a median): on a burst of 40 requests whose TTFTs come in groups the two differ by 13%
 * (docs/metrics.md). Past {@link #EXACT_RUNS} runs (thousands of requests, or of distinct inter-token
 * gaps) the exact store is dropped and the histogram answers; the two definitions then differ by less
 * than the histogram's resolution unless neighbouring samples are far apart.
 *
 * <p>Recording is run-length encoded at two levels, since the decodes of one batch share one gap:
 * a repeat of the last value only counts it (one comparison and one addition per token); when the
 * value changes, the run goes into the count, sum and max, the exact store (while it lasts), and into
 * a pending histogram bucket, which reaches the histogram when its microsecond value changes. Exact:
 * the histogram keeps microseconds anyway, and a run adds {@code value x count} to the sum in one step,
 * which is the sum of its samples exactly (the double sum is exact to 2^53 ns, 104 days; past that one
 * rounding per run instead of per sample).
 */
public final class LatencyStats {

    /** Runs kept for exact percentiles; past this many the histogram answers. */
    static final int EXACT_RUNS = 4096;
    /** Exact percentiles pack a run as {@code value << RUN_BITS | index}: values below 2^51 ns (26 days). */
    private static final int RUN_BITS = 12;
    private static final long EXACT_MAX_NS = (1L << (Long.SIZE - 1 - RUN_BITS)) - 1;

    private final Histogram histogram = new Histogram(3);
    /** The closed runs' values (ns) and counts while exact ({@code exactValues != null}); grown by doubling. */
    private long[] exactValues = new long[16];
    private long[] exactCounts = new long[16];
    private int exactRuns;
    /** The exact store sorted ({@code value << RUN_BITS | run}), or null when a run came in since. */
    private long[] sorted;
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
        if (exactValues != null) {
            keepExact(ns, n);
        }
        long us = (ns + 500) / 1000;
        if (us != pendingUs) {
            flush();
            pendingUs = us;
        }
        pendingCount += n;
    }

    /** Appends a closed run to the exact store, or drops the store once it would pass {@link #EXACT_RUNS}. */
    private void keepExact(long ns, long n) {
        if (exactRuns == EXACT_RUNS || ns > EXACT_MAX_NS) {
            dropExact();
            return;
        }
        if (exactRuns == exactValues.length) {
            exactValues = Arrays.copyOf(exactValues, 2 * exactRuns);
            exactCounts = Arrays.copyOf(exactCounts, 2 * exactRuns);
        }
        exactValues[exactRuns] = ns;
        exactCounts[exactRuns] = n;
        exactRuns++;
        sorted = null;
    }

    private void dropExact() {
        exactValues = null;
        exactCounts = null;
        sorted = null;
    }

    /** Whether percentiles are exact (numpy's definition) rather than the histogram's. */
    public boolean exactPercentiles() {
        closeRun();
        return exactValues != null;
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
        if (exactValues != null) {
            if (other.exactValues == null) {
                dropExact(); // the other's samples are no longer all known
            } else {
                for (int i = 0; i < other.exactRuns && exactValues != null; i++) {
                    keepExact(other.exactValues[i], other.exactCounts[i]);
                }
            }
        }
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
        if (exactValues != null) {
            return Math.round(exactPercentileNs(q)) / 1e6; // to the nanosecond: the samples' own resolution
        }
        flush();
        // the histogram reports the top of a value's bucket, which can lie above the exact maximum
        return Math.min(histogram.getValueAtPercentile(q) / 1e3, maxMs());
    }

    /** numpy's linear percentile over the exact store: rank (n - 1) q / 100, interpolated between its neighbours. */
    private double exactPercentileNs(double q) {
        if (sorted == null) {
            sorted = new long[exactRuns];
            for (int i = 0; i < exactRuns; i++) {
                sorted[i] = exactValues[i] << RUN_BITS | i;
            }
            Arrays.sort(sorted);
        }
        double h = (count - 1) * Math.min(100, Math.max(0, q)) / 100;
        long lo = (long) Math.floor(h);
        long hi = Math.min(lo + 1, count - 1);
        long below = 0; // samples of the runs up to and including this one
        long vLo = -1;
        for (long key : sorted) {
            long value = key >>> RUN_BITS;
            below += exactCounts[(int) (key & ((1 << RUN_BITS) - 1))];
            if (vLo < 0 && lo < below) {
                vLo = value;
            }
            if (hi < below) {
                return vLo + (h - lo) * (value - vLo);
            }
        }
        throw new IllegalStateException("exact store holds " + below + " samples, count " + count);
    }

    public LatencySummary summary() {
        return new LatencySummary(count(), meanMs(), percentileMs(50), percentileMs(90), percentileMs(95),
                percentileMs(99), maxMs());
    }
}
