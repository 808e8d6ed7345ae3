package io.simfaasinfer.engine;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Independent, reproducible random streams of one simulation, one per named purpose
 * (arrivals, prompt lengths, routing, ...), all derived from the simulation seed. Adding a new
 * stream never shifts the values drawn by an existing one.
 */
public final class RandomStreams {

    private final long seed;

    public RandomStreams(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** A fresh generator for {@code purpose}; the same seed and purpose always give the same sequence. */
    public UniformRandomProvider stream(String purpose) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (int i = 0; i < purpose.length(); i++) {
            h = mix(h ^ purpose.charAt(i));
        }
        return RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {h, mix(h)});
    }

    /** SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
