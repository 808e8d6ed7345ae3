package io.simfaasinfer.workload;

import io.simfaasinfer.config.ArrivalConfig;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.statistics.distribution.WeibullDistribution;

import java.util.List;

/**
 * The arrival processes beyond Poisson, gamma and constant: Weibull renewals, on/off bursts (a
 * two-state Markov-modulated Poisson process), a diurnal (sinusoidal-rate) Poisson process by
 * thinning, and a piecewise-constant rate schedule. Each draws only from the stream it is given.
 */
public final class ArrivalProcesses {

    /**
     * Every arrival process name: those {@link ArrivalProcess#of} knows, and closed_loop (users waiting
     * for their responses, {@link ClosedLoopWorkload}).
     */
    public static final String NAMES = "closed_loop, constant, diurnal, gamma, on_off, poisson, schedule, weibull";

    private ArrivalProcesses() {
    }

    static ArrivalProcess of(ArrivalConfig c, UniformRandomProvider rng) {
        return switch (c.process()) {
            case "weibull" -> weibull(c.rate(), c.shape(), rng);
            case "on_off" -> new OnOff(c.onRate(), c.offRate(), c.onMeanS(), c.offMeanS(), rng);
            case "diurnal" -> new Diurnal(c.rate(), c.amplitude(), c.periodS(), c.phaseS() == null ? 0 : c.phaseS(), rng);
            case "schedule" -> new Schedule(c.schedule(), rng);
            default -> throw new IllegalArgumentException("not an extra arrival process: " + c.process());
        };
    }

    /** Weibull gaps of shape {@code k} and mean 1/rate: scale = mean / Gamma(1 + 1/k). */
    static ArrivalProcess weibull(double rate, double k, UniformRandomProvider rng) {
        double scale = (1.0 / rate) / WeibullDistribution.of(k, 1).getMean(); // mean of scale 1 = Gamma(1 + 1/k)
        var s = WeibullDistribution.of(k, scale).createSampler(rng);
        return s::sample;
    }

    /** Mean rate of an on/off process: time-weighted mean of its two rates. */
    public static double onOffMeanRate(double onRate, double offRate, double onMeanS, double offMeanS) {
        return (onRate * onMeanS + offRate * offMeanS) / (onMeanS + offMeanS);
    }

    /**
     * Two-state MMPP: Poisson at the state's rate; the state lasts an exponential time of its mean,
     * then flips. Starts in its stationary distribution. By memorylessness a gap that crosses a state
     * change is redrawn from the change at the new rate.
     */
    static final class OnOff implements ArrivalProcess {
        private final double[] rates;
        private final double[] means;
        private final ZigguratSampler.Exponential exp;
        private int state;
        private double stateLeftS;

        OnOff(double onRate, double offRate, double onMeanS, double offMeanS, UniformRandomProvider rng) {
            this.rates = new double[] {onRate, offRate};
            this.means = new double[] {onMeanS, offMeanS};
            this.exp = ZigguratSampler.Exponential.of(rng);
            this.state = rng.nextDouble() < onMeanS / (onMeanS + offMeanS) ? 0 : 1;
            this.stateLeftS = exp.sample() * means[state];
        }

        @Override
        public double nextGapS() {
            double gap = 0;
            while (true) {
                double rate = rates[state];
                double draw = rate > 0 ? exp.sample() / rate : Double.POSITIVE_INFINITY;
                if (draw <= stateLeftS) {
                    stateLeftS -= draw;
                    return gap + draw;
                }
                gap += stateLeftS;
                state = 1 - state;
                stateLeftS = exp.sample() * means[state];
            }
        }
    }

    /** Poisson with rate(t) = mean x (1 + a sin(2 pi (t + phase) / period)), by thinning at the peak rate. */
    static final class Diurnal implements ArrivalProcess {
        private final double mean;
        private final double amplitude;
        private final double omega;
        private final double phaseS;
        private final double peak;
        private final ZigguratSampler.Exponential exp;
        private final UniformRandomProvider rng;
        private double t;

        Diurnal(double mean, double amplitude, double periodS, double phaseS, UniformRandomProvider rng) {
            this.mean = mean;
            this.amplitude = amplitude;
            this.omega = 2 * Math.PI / periodS;
            this.phaseS = phaseS;
            this.peak = mean * (1 + amplitude);
            this.exp = ZigguratSampler.Exponential.of(rng);
            this.rng = rng;
        }

        double rateAt(double s) {
            return mean * (1 + amplitude * Math.sin(omega * (s + phaseS)));
        }

        @Override
        public double nextGapS() {
            double start = t;
            do {
                t += exp.sample() / peak;
            } while (rng.nextDouble() * peak > rateAt(t));
            return t - start;
        }
    }

    /** Poisson with a piecewise-constant rate, the steps repeating; exact (integrated-rate) sampling. */
    static final class Schedule implements ArrivalProcess {
        private final double[] durations;
        private final double[] rates;
        private final ZigguratSampler.Exponential exp;
        private int step;
        private double stepLeftS;

        Schedule(List<ArrivalConfig.RateStep> steps, UniformRandomProvider rng) {
            this.durations = steps.stream().mapToDouble(ArrivalConfig.RateStep::durationS).toArray();
            this.rates = steps.stream().mapToDouble(ArrivalConfig.RateStep::rate).toArray();
            this.exp = ZigguratSampler.Exponential.of(rng);
            this.stepLeftS = durations[0];
        }

        @Override
        public double nextGapS() {
            double area = exp.sample(); // unit-rate exponential, spent at the steps' rates
            double gap = 0;
            while (true) {
                double rate = rates[step];
                if (rate > 0 && area <= rate * stepLeftS) {
                    double dt = area / rate;
                    stepLeftS -= dt;
                    return gap + dt;
                }
                area -= rate * stepLeftS;
                gap += stepLeftS;
                step = (step + 1) % durations.length;
                stepLeftS = durations[step];
            }
        }
    }
}
