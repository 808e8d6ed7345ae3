package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.IterationShape;
import java.util.Arrays;

/**
 * Fitted parameters of the profile model of one model on one GPU (at the profile's TP degree).
 * Every parameter is non-negative, so the predicted time never decreases when a batch grows.
 *
 * <pre>
 * t = fixedMs
 *   + sum_j slope[j] * clamp(tokens - knot[j], 0, knot[j+1] - knot[j])   (last segment unbounded)
 *   + prefillAttnMsPerPair   * sum over prefills of (q*c + q(q+1)/2)
 *   + decodeAttnMsPerKvToken * sum over decodes of (context + 1)
 *   + perSequenceMs          * sequences
 * </pre>
 * The token term is a monotone piecewise-linear function of the iteration's new tokens: its
 * slope (ms per token) may change at the knots, where GEMM kernels change regime (matrix-vector
 * at one token, small tiles, full tiles, compute-bound).
 *
 * @param tokenKnots             knot positions in tokens, increasing, first one 1
 * @param tokenSlopesMs          ms per token on each segment (one per knot), >= 0
 * @param fixedMs                time of a one-token iteration without attention, >= 0: weight
 *                               reads (memory-bound floor), LM head weights, launches
 * @param prefillAttnMsPerPair   ms per causal (query, key) pair of prefill attention, >= 0
 * @param decodeAttnMsPerKvToken ms per KV-cache position read by decode attention, >= 0
 * @param perSequenceMs          ms per sequence (LM head row block, sampling, per-sequence kernels), >= 0
 */
public record ProfileCoefficients(
        double[] tokenKnots,
        double[] tokenSlopesMs,
        double fixedMs,
        double prefillAttnMsPerPair,
        double decodeAttnMsPerKvToken,
        double perSequenceMs) {

    /**
     * Default knots: 1, 2, 16, 64, 128, 256, 512, 1024 tokens. Below 64 the knots mark the GEMM
     * kernel regimes (matrix-vector at one token, small tiles to 16, then flat while weight reads
     * dominate); from 64 to 1024 tokens, the memory-to-compute transition of every decoder GEMM
     * (bf16 weights: arithmetic intensity = M FLOP/byte; H100 ridge point 989 TFLOP/s / 3.35 TB/s
     * = 295, measured ceilings 765 / 3.01 = 254), they sit at each doubling of M, where the M-tile
     * count of a 64/128-row CTA tile doubles and cuBLAS's heuristics switch tile shape, so the
     * convex ramp from memory- to compute-bound is followed by chords over an octave each instead
     * of one chord over [256, 1024) (which overestimated 512 tokens by 4% and underestimated 256
     * and 1024). Compute-bound from 1024 on: one slope.
     */
    public static final double[] DEFAULT_KNOTS = {1, 2, 16, 64, 128, 256, 512, 1024};

    public ProfileCoefficients {
        tokenKnots = tokenKnots.clone();
        tokenSlopesMs = tokenSlopesMs.clone();
        if (tokenKnots.length == 0 || tokenKnots.length != tokenSlopesMs.length) {
            throw new IllegalArgumentException("need one slope per knot, at least one knot");
        }
        for (int j = 0; j < tokenKnots.length; j++) {
            if (j > 0 && !(tokenKnots[j] > tokenKnots[j - 1])) {
                throw new IllegalArgumentException("token knots must increase: " + Arrays.toString(tokenKnots));
            }
            nonNegative("token slope", tokenSlopesMs[j]);
        }
        nonNegative("fixed_ms", fixedMs);
        nonNegative("prefill attention coefficient", prefillAttnMsPerPair);
        nonNegative("decode attention coefficient", decodeAttnMsPerKvToken);
        nonNegative("per-sequence coefficient", perSequenceMs);
    }

    private static void nonNegative(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + v);
        }
    }

    @Override
    public double[] tokenKnots() {
        return tokenKnots.clone();
    }

    @Override
    public double[] tokenSlopesMs() {
        return tokenSlopesMs.clone();
    }

    /** The token term (without fixedMs): monotone piecewise-linear in tokens. */
    public double tokenTermMs(double tokens) {
        double t = 0;
        int k = tokenKnots.length;
        for (int j = 0; j < k; j++) {
            double lo = tokenKnots[j];
            if (tokens <= lo) {
                break;
            }
            double hi = j + 1 < k ? tokenKnots[j + 1] : Double.POSITIVE_INFINITY;
            t += tokenSlopesMs[j] * (Math.min(tokens, hi) - lo);
        }
        return t;
    }

    /** Predicted total for an iteration of the given shape (empty shape: 0). */
    public double totalMs(IterationShape s) {
        if (s.sequences() == 0) {
            return 0;
        }
        return fixedMs + tokenTermMs(s.tokens()) + prefillAttnMsPerPair * s.prefillPairs()
                + decodeAttnMsPerKvToken * s.decodeKvTokens() + perSequenceMs * s.sequences();
    }

    /** The design-matrix row of one shape, in the order fixed, slopes..., pairs, kv, sequences. */
    static double[] features(IterationShape s, double[] knots) {
        int k = knots.length;
        double[] f = new double[k + 4];
        f[0] = 1;
        for (int j = 0; j < k; j++) {
            double hi = j + 1 < k ? knots[j + 1] : Double.POSITIVE_INFINITY;
            f[1 + j] = Math.max(0, Math.min(s.tokens(), hi) - knots[j]);
        }
        f[k + 1] = s.prefillPairs();
        f[k + 2] = s.decodeKvTokens();
        f[k + 3] = s.sequences();
        return f;
    }

    /** Inverse of {@link #features}: coefficients from a solution vector. */
    static ProfileCoefficients fromVector(double[] x, double[] knots) {
        int k = knots.length;
        return new ProfileCoefficients(knots, Arrays.copyOfRange(x, 1, 1 + k), x[0], x[k + 1], x[k + 2], x[k + 3]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfileCoefficients c && Arrays.equals(tokenKnots, c.tokenKnots)
                && Arrays.equals(tokenSlopesMs, c.tokenSlopesMs) && fixedMs == c.fixedMs
                && prefillAttnMsPerPair == c.prefillAttnMsPerPair
                && decodeAttnMsPerKvToken == c.decodeAttnMsPerKvToken && perSequenceMs == c.perSequenceMs;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokenKnots) * 31 + Arrays.hashCode(tokenSlopesMs) * 17 + Double.hashCode(fixedMs);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("fixed=").append(fmt(fixedMs)).append("ms, ms/token");
        for (int j = 0; j < tokenKnots.length; j++) {
            sb.append(j == 0 ? " " : ", ").append('[').append((long) tokenKnots[j])
                    .append(j + 1 < tokenKnots.length ? "," + (long) tokenKnots[j + 1] + ")" : ",inf)")
                    .append('=').append(fmt(tokenSlopesMs[j]));
        }
        return sb.append(", prefill_attn=").append(fmt(prefillAttnMsPerPair * 1e6)).append("ms/M pairs")
                .append(", decode_attn=").append(fmt(decodeAttnMsPerKvToken * 1e3)).append("ms/k kv tokens")
                .append(", per_seq=").append(fmt(perSequenceMs * 1e3)).append("us").toString();
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
}
