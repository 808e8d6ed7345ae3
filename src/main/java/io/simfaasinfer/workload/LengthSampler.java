package io.simfaasinfer.workload;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.LengthConfig;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.DiscreteDistribution;
import org.apache.commons.statistics.distribution.LogNormalDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.apache.commons.statistics.distribution.ZipfDistribution;

/**
 * Draws token lengths (>= 1) from a configured distribution. Continuous samples are rounded to
 * the nearest integer; samples outside [min, max] are clamped and counted, never silently. An
 * {@code empirical} distribution draws from the lengths of a trace file ({@link EmpiricalLengths}).
 */
public final class LengthSampler {

    private final String label;
    private final int min;
    private final int max;
    private final Draw draw;
    private long clamped;

    @FunctionalInterface
    private interface Draw {
        double next();
    }

    private LengthSampler(String label, int min, int max, Draw draw) {
        this.label = label;
        this.min = min;
        this.max = max;
        this.draw = draw;
    }

    /** Label used in reports, e.g. {@code prompt_tokens}. */
    public String label() {
        return label;
    }

    /** Samples clamped into [min, max] so far. */
    public long clamped() {
        return clamped;
    }

    public int sample() {
        double v = Math.rint(draw.next());
        if (v < min) {
            clamped++;
            return min;
        }
        if (v > max) {
            clamped++;
            return max;
        }
        return (int) v;
    }

    public static LengthSampler of(String label, LengthConfig c, UniformRandomProvider rng) {
        int lo = c.min() != null ? c.min() : 1;
        int hi = c.max() != null ? c.max() : Integer.MAX_VALUE;
        return switch (c.distribution()) {
            case "fixed" -> new LengthSampler(label, 1, Integer.MAX_VALUE, c.value()::doubleValue);
            case "uniform" -> new LengthSampler(label, c.min(), c.max(),
                    () -> c.min() + rng.nextInt(c.max() - c.min() + 1));
            case "normal" -> continuous(label, lo, hi, NormalDistribution.of(c.mean(), c.std()), rng);
            case "lognormal" -> {
                double mu;
                double sigma;
                if (c.mu() != null) {
                    mu = c.mu();
                    sigma = c.sigma();
                } else {
                    // from the mean and std of the lengths themselves
                    double s2 = Math.log(1 + (c.std() * c.std()) / (c.mean() * c.mean()));
                    sigma = Math.sqrt(s2);
                    mu = Math.log(c.mean()) - s2 / 2;
                }
                yield continuous(label, lo, hi, LogNormalDistribution.of(mu, sigma), rng);
            }
            case "zipf" -> {
                DiscreteDistribution.Sampler s =
                        ZipfDistribution.of(c.max() - c.min() + 1, c.exponent()).createSampler(rng);
                yield new LengthSampler(label, c.min(), c.max(), () -> c.min() + s.sample() - 1);
            }
            case "empirical" -> {
                int[] values = EmpiricalLengths.load(label, c, rng);
                yield new LengthSampler(label, Math.max(1, lo), hi, () -> values[rng.nextInt(values.length)]);
            }
            default -> throw new ConfigException("workload." + label + ".distribution: unknown distribution '"
                    + c.distribution() + "'; expected one of empirical, fixed, lognormal, normal, uniform, zipf");
        };
    }

    private static LengthSampler continuous(String label, int lo, int hi, ContinuousDistribution d,
                                            UniformRandomProvider rng) {
        ContinuousDistribution.Sampler s = d.createSampler(rng);
        return new LengthSampler(label, Math.max(1, lo), hi, s::sample);
    }
}
