package io.simfaasinfer.workload;

import io.simfaasinfer.config.ArrivalConfig;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.engine.RandomStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ArrivalProcessTest {

    private static final int N = 200_000;

    /** Mean and coefficient of variation of N gaps. */
    private static double[] meanCv(ArrivalProcess p) {
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < N; i++) {
            double g = p.nextGapS();
            assertThat(g).isGreaterThanOrEqualTo(0);
            sum += g;
            sq += g * g;
        }
        double mean = sum / N;
        double sd = Math.sqrt(sq / N - mean * mean);
        return new double[] {mean, sd / mean};
    }

    private static ArrivalProcess of(String process, double rate, Double cv, long seed) {
        return ArrivalProcess.of(new ArrivalConfig(process, rate, cv), new RandomStreams(seed).stream("arrivals"));
    }

    @ParameterizedTest
    @CsvSource({"0.5, 1", "4, 2", "100, 3"})
    void poissonHasMeanOneOverRateAndCvOne(double rate, long seed) {
        double[] m = meanCv(of("poisson", rate, null, seed));
        assertThat(m[0]).isCloseTo(1 / rate, within(0.01 / rate));
        assertThat(m[1]).isCloseTo(1.0, within(0.02));
    }

    @ParameterizedTest
    @CsvSource({"2, 0.5", "2, 1", "10, 3", "1, 2"})
    void gammaHasMeanOneOverRateAndTheRequestedCv(double rate, double cv) {
        double[] m = meanCv(of("gamma", rate, cv, 5));
        assertThat(m[0]).isCloseTo(1 / rate, within(0.03 / rate));
        assertThat(m[1]).isCloseTo(cv, within(cv * 0.1));
    }

    @Test
    void constantIsExact() {
        ArrivalProcess p = of("constant", 8, null, 1);
        for (int i = 0; i < 1000; i++) {
            assertThat(p.nextGapS()).isEqualTo(0.125);
        }
    }

    @Test
    void sameSeedSameGaps() {
        ArrivalProcess a = of("gamma", 3, 2.0, 77);
        ArrivalProcess b = of("gamma", 3, 2.0, 77);
        ArrivalProcess c = of("gamma", 3, 2.0, 78);
        boolean differs = false;
        for (int i = 0; i < 1000; i++) {
            double x = a.nextGapS();
            assertThat(b.nextGapS()).isEqualTo(x);
            differs |= c.nextGapS() != x;
        }
        assertThat(differs).isTrue();
    }

    @Test
    void unknownProcessIsAConfigException() {
        assertThatThrownBy(() -> of("bursty", 1, null, 1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("workload.arrival.process").hasMessageContaining("bursty")
                .hasMessageContaining("poisson");
    }
}
