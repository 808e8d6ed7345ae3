package io.simfaasinfer.config;

/**
 * A token-length distribution. Which fields apply depends on {@code distribution}:
 * <ul>
 *   <li>{@code fixed}: value</li>
 *   <li>{@code uniform}: min, max (inclusive)</li>
 *   <li>{@code normal}: mean, std, optional min (default 1), max; samples outside are clamped and counted</li>
 *   <li>{@code lognormal}: mu, sigma of the underlying normal (or mean, std of the lengths), optional min/max (clamped, counted)</li>
 *   <li>{@code zipf}: exponent, min, max: rank k of a Zipf over max-min+1 ranks gives length min+k-1</li>
 *   <li>{@code empirical}: file (a trace in any supported format), optional format (default auto),
 *       field ({@code prompt} or {@code output}; default: the one this distribution is for), min, max:
 *       lengths drawn uniformly from that column of the trace</li>
 * </ul>
 */
public record LengthConfig(String distribution, Integer value, Integer min, Integer max, Double mean, Double std,
                           Double mu, Double sigma, Double exponent, String file, String format, String field) {

    public LengthConfig(String distribution, Integer value, Integer min, Integer max, Double mean, Double std,
                        Double mu, Double sigma, Double exponent) {
        this(distribution, value, min, max, mean, std, mu, sigma, exponent, null, null, null);
    }

    public static LengthConfig fixed(int value) {
        return new LengthConfig("fixed", value, null, null, null, null, null, null, null);
    }

    /** This distribution with {@code file} replaced (paths resolved against a config file's folder). */
    public LengthConfig withFile(String newFile) {
        return new LengthConfig(distribution, value, min, max, mean, std, mu, sigma, exponent, newFile, format, field);
    }
}
