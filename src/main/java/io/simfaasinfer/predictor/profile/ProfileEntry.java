package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.SimpleBatch;

import java.util.OptionalDouble;

/**
 * One measured grid point of a FaaSInfer {@code fitted_profile.json}: a whole model iteration.
 *
 * <ul>
 *   <li>{@link Phase#PREFILL}: {@code batchSize} fresh prompts of {@code seqLen} tokens each
 *       ({@code kvCache} is 0, {@code newTokens} equals {@code seqLen});</li>
 *   <li>{@link Phase#DECODE}: {@code batchSize} sequences with {@code kvCache} tokens cached, each
 *       generating {@code newTokens} tokens (1 in ordinary decoding; {@code seqLen} is 0).</li>
 * </ul>
 *
 * @param index         position in the file (0-based), for messages and reports
 * @param phase         prefill or decode
 * @param seqLen        prompt length of a prefill entry (0 for decode)
 * @param kvCache       cached tokens per sequence of a decode entry (0 for prefill)
 * @param newTokens     new tokens per sequence (seqLen for prefill)
 * @param batchSize     sequences in the iteration
 * @param meanMs        mean iteration time, ms
 * @param medianMs      median iteration time, ms (what the fitters use)
 * @param stdMs         standard deviation, ms (NaN when the file has none)
 * @param minMs         fastest replay, ms (NaN when the file has none)
 * @param n             repetitions (0 when the file has none)
 * @param eagerMedianMs median without CUDA graphs (host launch overhead included), when measured
 */
public record ProfileEntry(
        int index,
        Phase phase,
        int seqLen,
        int kvCache,
        int newTokens,
        int batchSize,
        double meanMs,
        double medianMs,
        double stdMs,
        double minMs,
        int n,
        OptionalDouble eagerMedianMs) {

    public enum Phase {
        PREFILL, DECODE;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The record's own equality, written out: a record's generated {@code equals} and {@code hashCode}
     * are bootstrapped through {@code java.lang.runtime.ObjectMethods} at their first call, which spins
     * about twenty method-handle classes that the class-data archive cannot hold (the fitted-profile
     * cache, keyed by entries, calls them once per run: about 20 ms of start-up). Same semantics:
     * components compared as the record would ({@link Double#compare} for doubles).
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ProfileEntry e)) {
            return false;
        }
        return index == e.index && phase == e.phase && seqLen == e.seqLen && kvCache == e.kvCache
                && newTokens == e.newTokens && batchSize == e.batchSize && Double.compare(meanMs, e.meanMs) == 0
                && Double.compare(medianMs, e.medianMs) == 0 && Double.compare(stdMs, e.stdMs) == 0
                && Double.compare(minMs, e.minMs) == 0 && n == e.n && eagerMedianMs.equals(e.eagerMedianMs);
    }

    @Override
    public int hashCode() {
        int h = Integer.hashCode(index);
        h = 31 * h + phase.hashCode();
        h = 31 * h + Integer.hashCode(seqLen);
        h = 31 * h + Integer.hashCode(kvCache);
        h = 31 * h + Integer.hashCode(newTokens);
        h = 31 * h + Integer.hashCode(batchSize);
        h = 31 * h + Double.hashCode(meanMs);
        h = 31 * h + Double.hashCode(medianMs);
        h = 31 * h + Double.hashCode(stdMs);
        h = 31 * h + Double.hashCode(minMs);
        h = 31 * h + Integer.hashCode(n);
        return 31 * h + eagerMedianMs.hashCode();
    }

    /**
     * The iteration as a batch: prefill entries become {@code batchSize} fresh prompts; decode
     * entries with one new token become {@code batchSize} decodes; decode entries with several new
     * tokens (speculative or multi-token steps) become prefill chunks of {@code newTokens} tokens
     * on {@code kvCache} cached ones, which is what such a step computes.
     */
    public SimpleBatch toBatch() {
        if (phase == Phase.PREFILL) {
            return SimpleBatch.uniformPrefill(batchSize, seqLen, 0);
        }
        if (newTokens == 1) {
            return SimpleBatch.uniformDecode(batchSize, kvCache);
        }
        return SimpleBatch.uniformPrefill(batchSize, newTokens, kvCache);
    }

    /** Short label such as {@code prefill seq_len=512 batch=4} or {@code decode kv=1024 batch=32}. */
    public String label() {
        if (phase == Phase.PREFILL) {
            return "prefill seq_len=" + seqLen + " batch=" + batchSize;
        }
        return "decode kv=" + kvCache + " batch=" + batchSize + (newTokens == 1 ? "" : " new=" + newTokens);
    }

    /** Grid coordinates (phase and sizes, not times): two entries with the same key are duplicates. */
    public String gridKey() {
        return phase + ":" + seqLen + ":" + kvCache + ":" + newTokens + ":" + batchSize;
    }
}
