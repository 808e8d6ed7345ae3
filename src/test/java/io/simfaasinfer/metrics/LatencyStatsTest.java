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
}
