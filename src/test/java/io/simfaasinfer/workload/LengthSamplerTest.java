package io.simfaasinfer.workload;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.LengthConfig;
import io.simfaasinfer.engine.RandomStreams;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LengthSamplerTest {

    private static final int N = 100_000;

    private static UniformRandomProvider rng(long seed) {
        return new RandomStreams(seed).stream("lengths");
    }

    private static LengthConfig cfg(String dist, Integer value, Integer min, Integer max, Double mean, Double std,
                                    Double mu, Double sigma, Double exponent) {
        return new LengthConfig(dist, value, min, max, mean, std, mu, sigma, exponent);
    }

    /** Mean and std of N samples, checking every sample lies in [lo, hi]. */
    private static double[] moments(LengthSampler s, int lo, int hi) {
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < N; i++) {
            int v = s.sample();
            assertThat(v).isBetween(lo, hi);
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / N;
        return new double[] {mean, Math.sqrt(sq / N - mean * mean)};
    }

    @Test
    void fixedAlwaysGivesTheValue() {
        LengthSampler s = LengthSampler.of("prompt_tokens", LengthConfig.fixed(123), rng(1));
        for (int i = 0; i < 1000; i++) {
            assertThat(s.sample()).isEqualTo(123);
        }
        assertThat(s.clamped()).isZero();
        assertThat(s.label()).isEqualTo("prompt_tokens");
    }

    @Test
    void uniformIsInclusiveHitsBothEndsAndHasTheRightMoments() {
        LengthSampler s = LengthSampler.of("x", cfg("uniform", null, 10, 20, null, null, null, null, null), rng(2));
        int[] counts = new int[21];
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < N; i++) {
            int v = s.sample();
            assertThat(v).isBetween(10, 20);
            counts[v]++;
            sum += v;
            sq += (double) v * v;
        }
        for (int v = 10; v <= 20; v++) {
            // 11 values: ~9091 each
            assertThat(counts[v]).as("value %d", v).isBetween(8600, 9600);
        }
        double mean = sum / N;
        assertThat(mean).isCloseTo(15.0, within(0.05));
        // discrete uniform variance ((b-a+1)^2 - 1) / 12 = 10
        assertThat(sq / N - mean * mean).isCloseTo(10.0, within(0.2));
        assertThat(s.clamped()).isZero();
    }

    @Test
    void uniformDegenerateRange() {
        LengthSampler s = LengthSampler.of("x", cfg("uniform", null, 7, 7, null, null, null, null, null), rng(2));
        for (int i = 0; i < 100; i++) {
            assertThat(s.sample()).isEqualTo(7);
        }
    }

    @Test
    void normalHasRequestedMomentsWhenTheTailIsNotCut() {
        LengthSampler s = LengthSampler.of("x", cfg("normal", null, null, null, 500.0, 50.0, null, null, null), rng(3));
        double[] m = moments(s, 1, Integer.MAX_VALUE);
        assertThat(m[0]).isCloseTo(500, within(1.0));
        assertThat(m[1]).isCloseTo(50, within(1.0));
        assertThat(s.clamped()).isZero();
    }

    @Test
    void normalClampsAtMinAndMaxAndCountsExactly() {
        LengthConfig c = cfg("normal", null, 80, 130, 100.0, 20.0, null, null, null);
        LengthSampler s = LengthSampler.of("x", c, rng(4));
        int atMin = 0;
        int atMax = 0;
        for (int i = 0; i < N; i++) {
            int v = s.sample();
            assertThat(v).isBetween(80, 130);
            if (v == 80) {
                atMin++;
            }
            if (v == 130) {
                atMax++;
            }
        }
        // replay the same stream through the same distribution and count what falls outside
        ContinuousDistribution.Sampler replay = NormalDistribution.of(100, 20).createSampler(rng(4));
        long expected = 0;
        for (int i = 0; i < N; i++) {
            double v = Math.rint(replay.sample());
            if (v < 80 || v > 130) {
                expected++;
            }
        }
        assertThat(s.clamped()).isPositive().isEqualTo(expected);
        // P(rint(x) < 80) = P(x < 79.5) = Phi(-1.025) ~ 15.3%; P(x >= 130.5) = Phi(-1.525) ~ 6.4%
        assertThat(expected / (double) N).isCloseTo(0.153 + 0.064, within(0.01));
        assertThat(atMin).isGreaterThan(atMax);
    }

    @Test
    void normalDefaultMinIsOne() {
        LengthSampler s = LengthSampler.of("x", cfg("normal", null, null, null, 2.0, 10.0, null, null, null), rng(5));
        for (int i = 0; i < 10_000; i++) {
            assertThat(s.sample()).isGreaterThanOrEqualTo(1);
        }
        assertThat(s.clamped()).isPositive();
    }

    @Test
    void lognormalFromMeanAndStdMatchesThem() {
        LengthSampler s = LengthSampler.of("x", cfg("lognormal", null, null, null, 300.0, 150.0, null, null, null),
                rng(6));
        double[] m = moments(s, 1, Integer.MAX_VALUE);
        assertThat(m[0]).isCloseTo(300, within(300 * 0.03));
        assertThat(m[1]).isCloseTo(150, within(150 * 0.1));
    }

    @Test
    void lognormalFromMuAndSigma() {
        double mu = 5.0;
        double sigma = 0.5;
        LengthSampler s = LengthSampler.of("x", cfg("lognormal", null, null, null, null, null, mu, sigma, null),
                rng(7));
        double[] m = moments(s, 1, Integer.MAX_VALUE);
        double mean = Math.exp(mu + sigma * sigma / 2); // ~168.2
        assertThat(m[0]).isCloseTo(mean, within(mean * 0.03));
    }

    @Test
    void zipfStaysInRangeAndRankOneIsMostFrequent() {
        LengthSampler s = LengthSampler.of("x", cfg("zipf", null, 50, 59, null, null, null, null, 1.2), rng(8));
        int[] counts = new int[10];
        for (int i = 0; i < N; i++) {
            int v = s.sample();
            assertThat(v).isBetween(50, 59);
            counts[v - 50]++;
        }
        for (int k = 1; k < 10; k++) {
            assertThat(counts[0]).isGreaterThan(counts[k]);
            assertThat(counts[k - 1]).as("frequency falls with rank").isGreaterThan(counts[k]);
        }
        // P(rank 1) = 1 / H(10, 1.2) ~ 0.3337, and the largest rank is also hit
        double h = 0;
        for (int k = 1; k <= 10; k++) {
            h += Math.pow(k, -1.2);
        }
        assertThat(counts[0] / (double) N).isCloseTo(1 / h, within(0.01));
        assertThat(counts[9]).isPositive();
        assertThat(s.clamped()).isZero();
    }

    @Test
    void sameSeedSameSamples() {
        LengthConfig c = cfg("lognormal", null, 1, 4000, 200.0, 300.0, null, null, null);
        LengthSampler a = LengthSampler.of("x", c, rng(9));
        LengthSampler b = LengthSampler.of("x", c, rng(9));
        for (int i = 0; i < 1000; i++) {
            assertThat(a.sample()).isEqualTo(b.sample());
        }
    }

    @Test
    void unknownDistributionIsAConfigException() {
        assertThatThrownBy(() -> LengthSampler.of("prompt_tokens",
                cfg("pareto", null, null, null, null, null, null, null, null), rng(1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workload.prompt_tokens.distribution")
                .hasMessageContaining("pareto")
                .hasMessageContaining("lognormal");
    }
}
