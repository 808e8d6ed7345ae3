package io.simfaasinfer.predictor;

/**
 * How an engine's kernels depart from a flat fraction of peak (see {@link EngineModel}).
 *
 * <p>GEMMs: a GEMM of M tokens runs in M-tiles of {@code gemmTileTokens} rows (CUTLASS/cuBLAS CTA
 * tiles: a partial tile costs a whole one) and reaches its large-M efficiency only gradually: its
 * compute time is {@code (ceil(M / tile) x tile + gemmHalfTokens) x FLOPs per token / (peak x eff)},
 * i.e. the achieved efficiency is {@code eff x M / (M_padded + m0)}, half of {@code eff} at M = m0
 * (the fixed cost of loading each weight tile, prologue/epilogue and the last partial wave).
 * Monotone in M.
 *
 * @param gemmEfficiency             large-M GEMM fraction of the dense peak on this GPU (0, 1]
 * @param gemmHalfTokens             m0 above, tokens (>= 0)
 * @param gemmTileTokens             M-tile, tokens (>= 1)
 * @param prefillAttentionEfficiency prefill (FlashAttention/FlashInfer/fmha) fraction of the peak (0, 1]
 * @param decodeMemoryEfficiency     paged decode attention fraction of the memory bandwidth (0, 1]
 * @param customAllReduce            small all-reduces through the engine's custom NVLink kernel
 */
public record KernelModel(double gemmEfficiency, double gemmHalfTokens, int gemmTileTokens,
                          double prefillAttentionEfficiency, double decodeMemoryEfficiency, boolean customAllReduce) {

    public KernelModel {
        if (!(gemmEfficiency > 0 && gemmEfficiency <= 1) || !(prefillAttentionEfficiency > 0 && prefillAttentionEfficiency <= 1)
                || !(decodeMemoryEfficiency > 0 && decodeMemoryEfficiency <= 1)) {
            throw new IllegalArgumentException("kernel efficiencies must be in (0, 1]");
        }
        if (!(gemmHalfTokens >= 0) || gemmTileTokens < 1) {
            throw new IllegalArgumentException("gemm_half_tokens must be >= 0 and gemm_tile_tokens >= 1");
        }
    }

    /** The flat model of {@link RooflineParams}: one compute and one memory efficiency, no tiles. */
    public static KernelModel flat(RooflineParams p) {
        return new KernelModel(p.computeEfficiency(), 0, 1, p.computeEfficiency(), p.memoryEfficiency(), true);
    }

    /** Tokens a GEMM of {@code tokens} rows costs as: padded to the tile, plus m0. */
    public double gemmTokens(double tokens) {
        if (gemmTileTokens == 1) {
            return tokens + gemmHalfTokens;
        }
        return Math.ceil(tokens / gemmTileTokens) * gemmTileTokens + gemmHalfTokens;
    }
}
