package io.simfaasinfer.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LatencyStatsTest {

    @Test
    void emptyIsAllZero() {
        LatencyStats s = new LatencyStats();
        assertThat(s.summary()).isEqualTo(new LatencySummary(0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void countMeanAndMaxAreExactAndPercentilesWithinResolution() {
        LatencyStats s = new LatencyStats();
        Random rnd = new Random(1);
        int n = 50_000;
        long[] v = new long[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            v[i] = 100_000L + (long) (rnd.nextDouble() * 2e9); // 0.1 ms .. 2 s
            s.record(v[i]);
            sum += v[i];
        }
        Arrays.sort(v);
        assertThat(s.count()).isEqualTo(n);
        assertThat(s.meanMs()).isCloseTo(sum / n / 1e6, within(1e-9));
        assertThat(s.maxMs()).isEqualTo(v[n - 1] / 1e6);
        for (double q : new double[] {50, 90, 95, 99}) {
            double exact = v[(int) Math.ceil(q / 100 * n) - 1] / 1e6;
            assertThat(s.percentileMs(q)).as("p%s", q).isCloseTo(exact, within(exact * 0.002 + 0.001));
        }
        LatencySummary sum2 = s.summary();
        assertThat(sum2.p50()).isLessThanOrEqualTo(sum2.p90());
        assertThat(sum2.p90()).isLessThanOrEqualTo(sum2.p95());
        assertThat(sum2.p95()).isLessThanOrEqualTo(sum2.p99());
    }

    @Test
    void recordManyEqualsRepeatedRecord() {
        LatencyStats a = new LatencyStats();
        LatencyStats b = new LatencyStats();
        a.recordMany(3_500_000, 1000);
        a.recordMany(9_000_000, 10);
        for (int i = 0; i < 1000; i++) {
            b.record(3_500_000);
        }
        for (int i = 0; i < 10; i++) {
            b.record(9_000_000);
        }
        assertThat(a.summary()).isEqualTo(b.summary());
        assertThat(a.meanMs()).isCloseTo((3.5 * 1000 + 9.0 * 10) / 1010, within(1e-12));
        assertThat(a.percentileMs(50)).isCloseTo(3.5, within(0.005));
        assertThat(a.maxMs()).isEqualTo(9.0);
    }

    @Test
    void zeroIsRecordedAndNegativeRejected() {
        LatencyStats s = new LatencyStats();
        s.record(0);
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.meanMs()).isZero();
        assertThat(s.maxMs()).isZero();
        assertThatThrownBy(() -> s.record(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.count()).isEqualTo(1);
    }

    /** numpy.percentile(a, q) with its default "linear" method, written out: the definition the exact path follows. */
    private static double numpyPercentile(double[] sorted, double q) {
        double h = (sorted.length - 1) * q / 100;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    @Test
    void smallSamplesGiveNumpysPercentiles() {
        LatencyStats s = new LatencyStats();
        for (long ms : new long[] {4, 1, 3, 2}) {
            s.record(ms * 1_000_000);
        }
        assertThat(s.exactPercentiles()).isTrue();
        // numpy.median([1, 2, 3, 4]) = 2.5; numpy.percentile(..., 90) = 3.7, 95 = 3.85, 99 = 3.97
        assertThat(s.summary()).isEqualTo(new LatencySummary(4, 2.5, 2.5, 3.7, 3.85, 3.97, 4.0));
    }

    @Test
    void aBurstsMedianIsTheMeanOfItsTwoMiddleSamples() {
        // 40 first tokens in two groups of 20 (a burst prefilled in two steps): numpy's median lies between
        // them, where the histogram's rank ceil(q n / 100) gives the lower group
        LatencyStats s = new LatencyStats();
        s.recordMany(187_000_000L, 20);
        s.recordMany(229_000_000L, 20);
        assertThat(s.percentileMs(50)).isEqualTo(208.0);
        assertThat(s.percentileMs(0)).isEqualTo(187.0);
        assertThat(s.percentileMs(100)).isEqualTo(229.0);
    }

    @Test
    void exactPercentilesMatchNumpyOnRandomSamplesWithRuns() {
        Random rnd = new Random(7);
        LatencyStats s = new LatencyStats();
        double[] all = new double[0];
        int runs = 0;
        while (runs < LatencyStats.EXACT_RUNS) {
            long ns = rnd.nextInt(50_000_000);
            int n = 1 + rnd.nextInt(4);
            s.recordMany(ns, n);
            int from = all.length;
            all = Arrays.copyOf(all, from + n);
            Arrays.fill(all, from, all.length, ns / 1e6);
            runs++;
        }
        Arrays.sort(all);
        assertThat(s.exactPercentiles()).isTrue();
        for (double q : new double[] {0, 1, 25, 50, 90, 95, 99, 99.9, 100}) {
            // to the nanosecond (the report's resolution), i.e. within 0.5e-6 ms of numpy's value
            assertThat(s.percentileMs(q)).as("p%s", q).isCloseTo(numpyPercentile(all, q), within(0.5e-6 + 1e-12));
        }
        s.record(1); // one run more than the exact store holds: the histogram answers
        assertThat(s.exactPercentiles()).isFalse();
        assertThat(s.percentileMs(50)).isCloseTo(numpyPercentile(all, 50), within(numpyPercentile(all, 50) * 0.002));
    }

    @Test
    void mergingKeepsExactPercentilesOnlyWhileEverySampleIsKnown() {
        LatencyStats a = new LatencyStats();
        LatencyStats b = new LatencyStats();
        a.record(1_000_000);
        a.record(2_000_000);
        b.record(3_000_000);
        b.record(4_000_000);
        a.add(b);
        assertThat(a.exactPercentiles()).isTrue();
        assertThat(a.percentileMs(50)).isEqualTo(2.5);
        LatencyStats big = new LatencyStats();
        for (int i = 0; i <= LatencyStats.EXACT_RUNS; i++) {
            big.record(1_000_000L + i);
        }
        assertThat(big.exactPercentiles()).isFalse();
        a.add(big);
        assertThat(a.exactPercentiles()).isFalse();
        assertThat(a.count()).isEqualTo(4 + LatencyStats.EXACT_RUNS + 1);
    }
}
