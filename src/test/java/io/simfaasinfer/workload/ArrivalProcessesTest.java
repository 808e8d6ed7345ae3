package io.simfaasinfer.workload;

import io.simfaasinfer.config.ArrivalConfig;
import io.simfaasinfer.engine.RandomStreams;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Weibull, on/off MMPP, diurnal and piecewise schedule: rates and shapes against their definitions. */
class ArrivalProcessesTest {

    private static ArrivalProcess of(ArrivalConfig c, long seed) {
        return ArrivalProcess.of(c, new RandomStreams(seed).stream("arrivals"));
    }

    private static ArrivalConfig cfg(String p, double rate, Double shape, Double onRate, Double offRate, Double onMean,
                                     Double offMean, Double amp, Double period, List<ArrivalConfig.RateStep> sched) {
        return new ArrivalConfig(p, rate, null, shape, onRate, offRate, onMean, offMean, amp, period, null, sched);
    }

    /** Arrival times until {@code horizonS}. */
    private static double[] times(ArrivalProcess p, double horizonS) {
        double[] out = new double[1 << 16];
        int n = 0;
        double t = 0;
        while (true) {
            t += p.nextGapS();
            if (t >= horizonS) {
                return java.util.Arrays.copyOf(out, n);
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = t;
        }
    }

    @Test
    void weibullHasMeanOneOverRateAndShapeBelowOneIsBurstier() {
        for (double k : new double[] {0.5, 1.0, 2.0}) {
            ArrivalProcess p = of(cfg("weibull", 4, k, null, null, null, null, null, null, null), 7);
            int n = 200_000;
            double s = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double g = p.nextGapS();
                s += g;
                sq += g * g;
            }
            double mean = s / n;
            double cv = Math.sqrt(sq / n - mean * mean) / mean;
            assertThat(mean).isCloseTo(0.25, within(0.25 * 0.02));
            // CV of a Weibull: sqrt(G(1+2/k)/G(1+1/k)^2 - 1): k=0.5 -> sqrt(5), k=1 -> 1, k=2 -> 0.5227
            double expected = k == 0.5 ? Math.sqrt(5) : k == 1.0 ? 1 : 0.5227;
            assertThat(cv).as("k=" + k).isCloseTo(expected, within(expected * 0.05));
        }
    }

    @Test
    void onOffHasTheTimeWeightedMeanRateAndCountsFollowTheStates() {
        ArrivalProcess p = of(cfg("on_off", 0, null, 20.0, 1.0, 10.0, 30.0, null, null, null), 3);
        double horizon = 40_000;
        double[] t = times(p, horizon);
        double mean = ArrivalProcesses.onOffMeanRate(20, 1, 10, 30);
        assertThat(mean).isCloseTo(5.75, within(1e-12));
        assertThat(t.length / horizon).isCloseTo(mean, within(mean * 0.05));
        // bursts: the per-10 s counts are far more dispersed than Poisson (index of dispersion >> 1)
        int bins = (int) (horizon / 10);
        double[] c = new double[bins];
        for (double x : t) {
            c[(int) (x / 10)]++;
        }
        double m = java.util.Arrays.stream(c).average().orElseThrow();
        double v = java.util.Arrays.stream(c).map(x -> (x - m) * (x - m)).sum() / (bins - 1);
        assertThat(v / m).isGreaterThan(10);
    }

    @Test
    void diurnalFollowsTheSinusoid() {
        double period = 100;
        ArrivalProcess p = of(cfg("diurnal", 10, null, null, null, null, null, 0.8, period, null), 5);
        double[] t = times(p, 200 * period);
        double[] firstHalf = {0};
        double[] secondHalf = {0};
        for (double x : t) {
            if (x % period < period / 2) {
                firstHalf[0]++;
            } else {
                secondHalf[0]++;
            }
        }
        assertThat(t.length / (200 * period)).isCloseTo(10, within(0.3));
        // integral of 1 + 0.8 sin over each half period: (1 +- 1.6/pi) x 50 s x 10/s
        double hi = 200 * 10 * (period / 2) * (1 + 1.6 / Math.PI);
        double lo = 200 * 10 * (period / 2) * (1 - 1.6 / Math.PI);
        assertThat(firstHalf[0]).isCloseTo(hi, within(hi * 0.03));
        assertThat(secondHalf[0]).isCloseTo(lo, within(lo * 0.05));
    }

    @Test
    void scheduleHasEachStepsRateAndRepeats() {
        List<ArrivalConfig.RateStep> steps = List.of(new ArrivalConfig.RateStep(60, 2), new ArrivalConfig.RateStep(30, 0),
                new ArrivalConfig.RateStep(10, 50));
        ArrivalProcess p = of(cfg("schedule", 0, null, null, null, null, null, null, null, steps), 9);
        double[] t = times(p, 100 * 100);
        long[] perStep = new long[3];
        for (double x : t) {
            double ph = x % 100;
            perStep[ph < 60 ? 0 : ph < 90 ? 1 : 2]++;
        }
        assertThat(perStep[1]).isZero();
        assertThat((double) perStep[0]).isCloseTo(100 * 120, within(100 * 120 * 0.05)); // 60 s x 2/s per cycle
        assertThat((double) perStep[2]).isCloseTo(100 * 500, within(100 * 500 * 0.02));
    }

    @Test
    void sameSeedSameArrivals() {
        ArrivalConfig c = cfg("on_off", 0, null, 20.0, 0.0, 1.0, 3.0, null, null, null);
        assertThat(times(of(c, 11), 500)).containsExactly(times(of(c, 11), 500));
        assertThat(times(of(c, 11), 500)).isNotEqualTo(times(of(c, 12), 500));
    }
}
