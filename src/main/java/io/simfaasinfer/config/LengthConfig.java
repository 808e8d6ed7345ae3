package io.simfaasinfer.config;

/**
 * A token-length distribution. Which fields apply depends on {@code distribution}:
 * <ul>
 *   <li>{@code fixed}: value</li>
 *   <li>{@code uniform}: min, max (inclusive)</li>
 *   <li>{@code normal}: mean, std, optional min (default 1), max; samples outside are clamped and counted</li>
 *   <li>{@code lognormal}: mu, sigma of the underlying normal (or mean, std of the lengths), optional min/max (clamped, counted)</li>
 *   <li>{@code zipf}: exponent, min, max: rank k of a Zipf over max-min+1 ranks gives length min+k-1</li>
 * </ul>
 */
public record LengthConfig(String distribution, Integer value, Integer min, Integer max, Double mean, Double std,
                           Double mu, Double sigma, Double exponent) {

    public static LengthConfig fixed(int value) {
        return new LengthConfig("fixed", value, null, null, null, null, null, null, null);
    }
}
