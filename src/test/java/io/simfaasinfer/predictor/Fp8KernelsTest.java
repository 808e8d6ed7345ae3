package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.Dtype;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.simfaasinfer.predictor.SimpleBatchForTest.decodes;
import static org.assertj.core.api.Assertions.within;

/** An engine's fp8 path ({@link Fp8Kernels}): faster fp8 GEMMs, a fixed context-phase cost per layer, fp8 only. */
class Fp8KernelsTest {

    private static final Catalog C = Catalog.builtin();
    private static final GpuSpec H100 = C.gpu("h100-80gb");
    private static final ModelSpec FP8_70B = C.model("llama-2-70b").withDtypes(Dtype.FP8, Dtype.FP8);
    private static final ModelSpec BF16_70B = C.model("llama-2-70b");
    private static final Fp8Kernels FITTED = Engines.TRTLLM_FP8;

    private static RooflinePredictor predictor(ModelSpec model, Fp8Kernels fp8) {
        EngineModel e = Engines.TRTLLM_XQA;
        KernelModel k = e.kernels(H100, 0.45);
        KernelModel with = new KernelModel(k.gemmEfficiency(), k.gemmWeightExposure(), k.gemmTileTokens(),
                k.prefillAttentionEfficiency(), k.decodeMemoryEfficiency(), k.gqaDecode(), k.customAllReduce(), fp8);
        return new RooflinePredictor(model, H100, 2, e.params(RooflineParams.DEFAULTS), with);
    }

    @Test
    void bothTensorRtLlmPresetsCarryTheFittedFp8PathAndTheOthersNone() {
        assertThat(Engines.TRTLLM_XQA.fp8()).isEqualTo(new Fp8Kernels(1.25, 30));
        assertThat(Engines.TRTLLM.fp8()).isEqualTo(FITTED);
        assertThat(Engines.VLLM.fp8()).isEqualTo(Fp8Kernels.NONE);
        assertThat(Engines.SGLANG.fp8()).isEqualTo(Fp8Kernels.NONE);
        assertThat(Engines.TRTLLM_XQA.kernels(H100, 0.45).fp8()).isEqualTo(FITTED);
        assertThat(Engines.TRTLLM.kernels(H100, 0.45).fp8()).isEqualTo(FITTED);
    }

    @Test
    void aComputeBoundFp8PrefillRunsItsGemmsFasterByTheScaleAndPaysTheFixedTimePerLayer() {
        Breakdown none = predictor(FP8_70B, Fp8Kernels.NONE).predict(SimpleBatchForTest.prefill(16384, 0));
        Breakdown fit = predictor(FP8_70B, FITTED).predict(SimpleBatchForTest.prefill(16384, 0));
        double fixedMs = 80 * 30 / 1000.0;
        // the exposed weight stream (KernelModel#gemmHalfTokens) is bandwidth time: the scale does not shorten it
        double exposedMs = Engines.TRTLLM_XQA.gemmWeightExposure() * 80 * FP8_70B.linearParamsPerLayer() / 2.0
                / H100.memoryBandwidthBytes() * 1e3;
        assertThat(fit.linearMs() - fixedMs - exposedMs).isCloseTo((none.linearMs() - exposedMs) / FITTED.gemmScale(),
                within(none.linearMs() * 1e-9));
        // nothing else moves
        assertThat(fit.prefillAttentionMs()).isEqualTo(none.prefillAttentionMs());
        assertThat(fit.communicationMs()).isEqualTo(none.communicationMs());
        assertThat(fit.overheadMs()).isEqualTo(none.overheadMs());
        assertThat(fit.flops()).isEqualTo(none.flops());
    }

    @Test
    void aDecodeStepPaysNoContextTimeAndGainsAtMostTheGemmScale() {
        for (int n : new int[] {1, 8, 64, 512}) {
            Breakdown none = predictor(FP8_70B, Fp8Kernels.NONE).predict(decodes(n, 512));
            Breakdown fit = predictor(FP8_70B, FITTED).predict(decodes(n, 512));
            // linear = max(GEMM compute, weight read): the scale can only shorten it, by the scale at most
            assertThat(fit.linearMs()).as("n=%d", n).isLessThanOrEqualTo(none.linearMs())
                    .isGreaterThanOrEqualTo(none.linearMs() / FITTED.gemmScale() - 1e-9);
            assertThat(fit.overheadMs()).isEqualTo(none.overheadMs());
            assertThat(fit.decodeAttentionMs()).isEqualTo(none.decodeAttentionMs());
        }
    }

    @Test
    void aSixteenBitModelIgnoresTheFp8Path() {
        for (BatchView b : new BatchView[] {SimpleBatchForTest.prefill(128, 0), SimpleBatchForTest.prefill(16384, 0), decodes(256, 1024)}) {
            assertThat(predictor(BF16_70B, FITTED).predict(b)).isEqualTo(predictor(BF16_70B, Fp8Kernels.NONE).predict(b));
        }
    }

    @Test
    void theFp8GemmFractionNeverExceedsThePeakAndBadValuesAreRefused() {
        KernelModel k = new KernelModel(0.9, 0, 1, 0.9, 0.85, GqaDecodeKernel.GROUPED, true, new Fp8Kernels(1.5, 0));
        assertThat(k.fp8GemmEfficiency()).isEqualTo(1.0);
        assertThat(new KernelModel(0.4, 0, 1, 0.4, 0.85, GqaDecodeKernel.GROUPED, true, new Fp8Kernels(1.15, 0)).fp8GemmEfficiency())
                .isCloseTo(0.46, within(1e-12));
        assertThatThrownBy(() -> new Fp8Kernels(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fp8Kernels(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
