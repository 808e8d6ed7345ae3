package io.simfaasinfer.workload;

import io.simfaasinfer.config.ArrivalConfig;
import io.simfaasinfer.config.ConfigException;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.apache.commons.statistics.distribution.ExponentialDistribution;
import org.apache.commons.statistics.distribution.GammaDistribution;

/**
 * Inter-arrival times of an arrival process, in seconds. Renewal processes (Poisson, gamma,
 * Weibull, constant) draw independent gaps; time-varying ones (on/off, diurnal, schedule) keep
 * their own clock, advanced by each gap they return.
 */
public interface ArrivalProcess {

    /** Seconds until the next arrival. */
    double nextGapS();

    /** Builds the process named in {@code cfg}, drawing from {@code rng}. */
    static ArrivalProcess of(ArrivalConfig cfg, UniformRandomProvider rng) {
        double rate = cfg.rate() == null ? 0 : cfg.rate();
        return switch (cfg.process()) {
            case "poisson" -> sampler(ExponentialDistribution.of(1.0 / rate), rng);
            case "gamma" -> {
                // shape k = 1/cv^2, scale = mean/k gives mean 1/rate and the requested CV
                double k = 1.0 / (cfg.cv() * cfg.cv());
                yield sampler(GammaDistribution.of(k, (1.0 / rate) / k), rng);
            }
            case "constant" -> () -> 1.0 / rate;
            case "weibull", "on_off", "diurnal", "schedule" -> ArrivalProcesses.of(cfg, rng);
            default -> throw new ConfigException("workload.arrival.process: unknown process '" + cfg.process()
                    + "'; expected one of " + ArrivalProcesses.NAMES);
        };
    }

    private static ArrivalProcess sampler(ContinuousDistribution d, UniformRandomProvider rng) {
        ContinuousDistribution.Sampler s = d.createSampler(rng);
        return s::sample;
    }
}
