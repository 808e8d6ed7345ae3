package io.simfaasinfer.predictor;

/**
 * What an engine's fp8 (W8A8) path costs beyond the bf16 kernel model, for a model served with fp8
 * linear layers ({@code model.dtype: fp8}); ignored for 16-bit models. Immutable.
 *
 * @param gemmScale        the fp8 GEMMs' large-M efficiency as a multiple of the GPU's bf16 GEMM
 *                         efficiency, both as fractions of their own peak (> 0; the product is the
 *                         fraction of the fp8 peak, at most 1)
 * @param prefillUsPerLayer GPU time per decoder layer of an iteration that runs a prefill, us (>= 0):
 *                         a fixed cost of the fp8 context phase beyond its GEMMs (paid by the layers, so
 *                         a pipeline stage pays it for its own)
 */
public record Fp8Kernels(double gemmScale, double prefillUsPerLayer) {

    /** No fp8 departure: fp8 GEMMs at the bf16 fraction of the fp8 peak, no fixed context cost. */
    public static final Fp8Kernels NONE = new Fp8Kernels(1, 0);

    public Fp8Kernels {
        if (!(gemmScale > 0) || !(prefillUsPerLayer >= 0)) {
            throw new IllegalArgumentException("fp8 kernels: gemm_scale must be > 0 and prefill_us_per_layer >= 0");
        }
    }
}
