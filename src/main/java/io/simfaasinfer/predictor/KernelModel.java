package io.simfaasinfer.predictor;

/**
 * How an engine's kernels depart from a flat fraction of peak (see {@link EngineModel}).
 *
 * <p>GEMMs: a GEMM of M tokens runs in M-tiles of {@code gemmTileTokens} rows (CUTLASS/cuBLAS CTA
 * tiles: a partial tile costs a whole one), and the time its weights take to stream from HBM is not all
 * hidden under its math: its compute time is {@code ceil(M / tile) x tile x FLOPs per token / (peak x eff)}
 * plus {@code gemmWeightExposure} times the weight-streaming time at the datasheet bandwidth. Written in
 * tokens, that is an M-independent {@code m0 = exposure x (peak x eff) x bytes per weight / (2 x bandwidth)}
 * added to the padded M ({@link #gemmHalfTokens}): the achieved efficiency is {@code eff x M / (M_padded + m0)},
 * half of {@code eff} at M = m0. The form was first fitted as a constant m0 of 110 tokens on TensorRT-LLM's
 * A100 first tokens, which is 1.027 x the A100's {@code (312 x 0.70) x 2 / (2 x 2.039)} = 107.1; as an
 * exposure it carries to other GPUs and weight dtypes (docs/fidelity.md, "GEMM weights not hidden at
 * small M"). Monotone in M.
 *
 * @param gemmEfficiency             large-M GEMM fraction of the dense peak on this GPU (0, 1]
 * @param gemmWeightExposure         of a GEMM's weight-streaming time at the datasheet bandwidth, how much is
 *                                   not hidden under its math (>= 0; 0: the max() roofline alone)
 * @param gemmTileTokens             M-tile, tokens (>= 1)
 * @param prefillAttentionEfficiency prefill (FlashAttention/FlashInfer/fmha) fraction of the peak (0, 1]
 * @param decodeMemoryEfficiency     paged decode attention fraction of the memory bandwidth (0, 1]
 * @param gqaDecode                  how the decode kernel serves grouped-query attention's groups: each KV
 *                                   head once ({@link GqaDecodeKernel#GROUPED}: FlashAttention, FlashInfer,
 *                                   TensorRT-LLM's XQA) or once per query head, its further passes from HBM
 *                                   or through the L2 ({@link GqaDecodeKernel})
 * @param customAllReduce            small all-reduces through the engine's custom NVLink kernel
 * @param fp8                        the engine's fp8 path beyond these kernels ({@link Fp8Kernels#NONE}: none)
 */
public record KernelModel(double gemmEfficiency, double gemmWeightExposure, int gemmTileTokens,
                          double prefillAttentionEfficiency, double decodeMemoryEfficiency,
                          GqaDecodeKernel gqaDecode, boolean customAllReduce, Fp8Kernels fp8) {

    /** Kernels without an fp8 departure ({@link Fp8Kernels#NONE}). */
    public KernelModel(double gemmEfficiency, double gemmWeightExposure, int gemmTileTokens,
                       double prefillAttentionEfficiency, double decodeMemoryEfficiency,
                       GqaDecodeKernel gqaDecode, boolean customAllReduce) {
        this(gemmEfficiency, gemmWeightExposure, gemmTileTokens, prefillAttentionEfficiency, decodeMemoryEfficiency,
                gqaDecode, customAllReduce, Fp8Kernels.NONE);
    }

    public KernelModel {
        java.util.Objects.requireNonNull(fp8, "fp8");
        java.util.Objects.requireNonNull(gqaDecode, "gqaDecode");
        if (!(gemmEfficiency > 0 && gemmEfficiency <= 1) || !(prefillAttentionEfficiency > 0 && prefillAttentionEfficiency <= 1)
                || !(decodeMemoryEfficiency > 0 && decodeMemoryEfficiency <= 1)) {
            throw new IllegalArgumentException("kernel efficiencies must be in (0, 1]");
        }
        if (!(gemmWeightExposure >= 0) || gemmTileTokens < 1) {
            throw new IllegalArgumentException("gemm_weight_exposure must be >= 0 and gemm_tile_tokens >= 1");
        }
    }

    /** These kernels with the engine's all-reduce choice, GQA decode re-reads and fp8 path instead of their own. */
    public KernelModel withEngineKernels(GqaDecodeKernel gqaDecode, boolean customAllReduce, Fp8Kernels fp8) {
        return new KernelModel(gemmEfficiency, gemmWeightExposure, gemmTileTokens, prefillAttentionEfficiency,
                decodeMemoryEfficiency, gqaDecode, customAllReduce, fp8);
    }

    /** These kernels with GEMMs in M-tiles of {@code tileTokens} that expose {@code exposure} of their weight stream. */
    public KernelModel withGemmShape(double exposure, int tileTokens) {
        return new KernelModel(gemmEfficiency, exposure, tileTokens, prefillAttentionEfficiency,
                decodeMemoryEfficiency, gqaDecode, customAllReduce, fp8);
    }

    /** The fraction of the fp8 peak the fp8 GEMMs reach at large M: {@code gemmEfficiency x fp8.gemmScale}, at most 1. */
    public double fp8GemmEfficiency() {
        return Math.min(1, gemmEfficiency * fp8.gemmScale());
    }

    /**
     * Bytes per cached K/V element that each pass of a per-query-head decode kernel ({@link GqaDecodeKernel}) costs, for a cache stored in
     * {@code kvBytesPerElement} bytes: the 16-bit width (2) also for an 8-bit cache. The first read comes
     * from HBM at the storage width; the further passes of a kernel that reads a KV head once per query
     * head (TensorRT-LLM's masked MHA before XQA: one thread block per sequence and query head) do the
     * same work per element whatever the width: its loads are "always 16 bytes (8 bytes for 8bit cache)",
     * i.e. the same number of load instructions per element, and an fp8 element is converted to fp32
     * before its dot product (NVIDIA/TensorRT-LLM {@code decoderMaskedMultiheadAttentionTemplate.h}). The
     * re-read fraction was fitted on a 16-bit cache, so 16-bit pricing keeps it one quantity for both; the
     * L2-served passes of TensorRT-LLM 0.9's Mistral 7B rows on fp8 caches fit this pricing (docs/fidelity.md).
     */
    public static int decodeKvRereadBytes(int kvBytesPerElement) {
        return Math.max(kvBytesPerElement, 2);
    }

    /** The flat model of {@link RooflineParams}: one compute and one memory efficiency, no tiles. */
    public static KernelModel flat(RooflineParams p) {
        return new KernelModel(p.computeEfficiency(), 0, 1, p.computeEfficiency(), p.memoryEfficiency(), GqaDecodeKernel.GROUPED, true);
    }

    /**
     * The m0 of a GEMM whose math runs at {@code flopsPerSec} and whose weights take {@code bytesPerWeight}
     * bytes each, streamed at {@code bandwidthBytesPerSec}: {@code exposure x flopsPerSec x bytesPerWeight /
     * (2 x bandwidth)} tokens, i.e. M tokens of math cost as long as the exposed weight stream (2 FLOPs per
     * weight per token).
     */
    public double gemmHalfTokens(double flopsPerSec, int bytesPerWeight, double bandwidthBytesPerSec) {
        return gemmWeightExposure * flopsPerSec * bytesPerWeight / (2 * bandwidthBytesPerSec);
    }

    /** Tokens a GEMM of {@code tokens} rows costs as: padded to the tile, plus {@code halfTokens} (m0). */
    public double gemmTokens(double tokens, double halfTokens) {
        if (gemmTileTokens == 1) {
            return tokens + halfTokens;
        }
        return Math.ceil(tokens / gemmTileTokens) * gemmTileTokens + halfTokens;
    }
}
