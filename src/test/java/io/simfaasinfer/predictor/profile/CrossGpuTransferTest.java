package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.catalog.CustomAllReduceSpec;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ElementwiseTraffic;
import io.simfaasinfer.predictor.Engines;
import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.RooflinePredictor;
import io.simfaasinfer.predictor.SimpleBatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A roofline calibrated on the H100 profiles carried to a GPU never profiled (docs/fidelity.md, "A GPU
 * never profiled"): compute through the ratio of sustained GEMM fractions of peak, and, with an engine,
 * the profiling harness's launch gaps and unfused kernels replaced by the engine's.
 */
class CrossGpuTransferTest {

    /** H100 SXM with its MAMF (stas00/ml-engineering: 794.5 of 989 TFLOP/s). */
    private static final GpuSpec H100 = gpu("h100-80gb", 989, 3.35, 794.5);
    /** A100 SXM 80GB with its MAMF (271.2 of 312 TFLOP/s). */
    private static final GpuSpec A100 = gpu("a100-80gb", 312, 2.039, 271.2);
    /** H200: the H100's die, clocks and power limit ("H200 is the same"), faster memory. */
    private static final GpuSpec H200 = gpu("h200-141gb", 989, 4.8, 794.5);
    /** An A100 whose catalog entry gives no sustained figure. */
    private static final GpuSpec A100_UNKNOWN = gpu("a100-nosustained", 312, 2.039, 0);

    private static GpuSpec gpu(String name, double peak, double bw, double sustained) {
        return new GpuSpec(name, peak, 80, bw, 300, 5, 1, "test", "test", 0, "nvlink", 0, 0, 0, sustained,
                CustomAllReduceSpec.NONE, 0);
    }

    private static RooflineCalibrator.Result calibrated() {
        return RooflineCalibrator.calibrate(H100, List.of(new RooflineCalibrator.Input(Fixtures.llama2(), Fixtures.LLAMA_2_7B)));
    }

    @Test
    void computeCarriesThroughTheSustainedFractionsOfPeak() {
        double ratio = (271.2 / 312) / (794.5 / 989);
        assertThat(RooflineCalibrator.computeTransfer(H100, A100)).isCloseTo(ratio, within(1e-12));
        assertThat(ratio).isBetween(1.08, 1.09); // the A100 sustains more of its peak than the power-limited H100
        RooflineCalibrator.Result cal = calibrated();
        RooflineParams a100 = cal.paramsFor(A100);
        assertThat(a100.computeEfficiency()).isCloseTo(cal.params().computeEfficiency() * ratio, within(1e-12));
        assertThat(a100.memoryEfficiency()).isEqualTo(cal.params().memoryEfficiency());
        assertThat(a100.perLayerOverheadUs()).isEqualTo(cal.params().perLayerOverheadUs());
        // same sustained fraction (H200), same GPU, or no figure: the calibrated parameters as they are
        assertThat(cal.paramsFor(H200)).isSameAs(cal.params());
        assertThat(cal.paramsFor(H100)).isSameAs(cal.params());
        assertThat(cal.paramsFor(A100_UNKNOWN)).isSameAs(cal.params());
        assertThat(RooflineCalibrator.computeTransfer(A100_UNKNOWN, H100)).isEqualTo(1);
        // never above the peak
        GpuSpec tiny = gpu("low-fraction", 989, 3.35, 50);
        assertThat(RooflineCalibrator.computeTransfer(tiny, A100) * cal.params().computeEfficiency()).isGreaterThan(1);
        assertThat(RooflineCalibrator.calibrate(tiny, List.of(new RooflineCalibrator.Input(Fixtures.llama2(),
                Fixtures.LLAMA_2_7B))).paramsFor(A100).computeEfficiency()).isEqualTo(1);
    }

    @Test
    void aComputeBoundPrefillsGemmsSpeedUpByExactlyTheRatio() {
        RooflineCalibrator.Result cal = calibrated();
        SimpleBatch prefill = SimpleBatch.of(new int[] {8192}, null, null);
        Breakdown carried = cal.calibratedFor(Fixtures.LLAMA_2_7B, A100, 1).predict(prefill);
        Breakdown datasheet = cal.calibratedFor(Fixtures.LLAMA_2_7B, A100_UNKNOWN, 1).predict(prefill);
        RooflinePredictor r = cal.calibratedFor(Fixtures.LLAMA_2_7B, A100, 1);
        double ew = 32 * 8192 * r.elementwise().bytesPerTokenPerLayer(Fixtures.LLAMA_2_7B, 1)
                / (A100.memoryBandwidthBytes() * cal.params().memoryEfficiency()) * 1e3;
        double ratio = RooflineCalibrator.computeTransfer(H100, A100);
        assertThat((datasheet.linearMs() - ew) / (carried.linearMs() - ew)).isCloseTo(ratio, within(1e-9));
        assertThat(datasheet.prefillAttentionMs() / carried.prefillAttentionMs()).isCloseTo(ratio, within(1e-9));
        assertThat(carried.overheadMs()).isEqualTo(datasheet.overheadMs());
    }

    @Test
    void fusedEngineTrafficIsCountedFromTheKernels() {
        // 16 x 4096 (two fused add+RMSNorm) + 4 x 4096 (rotary q) + 12 x 4096 (rotary k, cache write) + 6 x 11008 (SiLU-and-mul)
        assertThat(ElementwiseTraffic.FUSED_ENGINE.bytesPerTokenPerLayer(Fixtures.LLAMA_2_7B, 1)).isEqualTo(197_120);
        assertThat(ElementwiseTraffic.UNFUSED_PYTORCH.bytesPerTokenPerLayer(Fixtures.LLAMA_2_7B, 1)).isEqualTo(667_136);
        // replicated norms stay whole under TP, the rest is sharded
        assertThat(ElementwiseTraffic.FUSED_ENGINE.bytesPerTokenPerLayer(Fixtures.LLAMA_2_7B, 2))
                .isEqualTo(16 * 4096 + (4 * 4096 + 12 * 4096 + 6 * 11008) / 2.0);
    }

    @Test
    void anEngineOverTheCalibratedRooflineDropsTheHarnessLaunchGapsAndUnfusedTraffic() {
        RooflineCalibrator.Result cal = calibrated();
        RooflinePredictor harness = cal.calibratedFor(Fixtures.LLAMA_2_7B, A100, 1);
        RooflinePredictor engine = Engines.VLLM.overCalibrated(harness);
        double copy = harness.kernels().decodeMemoryEfficiency();
        assertThat(copy).as("the measured copy bandwidth, above the harness's fitted efficiency")
                .isGreaterThan(harness.params().memoryEfficiency());
        assertThat(engine.params().computeEfficiency()).isEqualTo(harness.params().computeEfficiency());
        assertThat(engine.params().memoryEfficiency()).isEqualTo(copy);
        assertThat(engine.params().overheadMs()).isEqualTo(Engines.VLLM.gpuOverheadMs());
        assertThat(engine.params().perLayerOverheadUs()).isEqualTo(Engines.VLLM.gpuPerLayerUs());
        assertThat(engine.elementwise()).isEqualTo(ElementwiseTraffic.FUSED_ENGINE);
        assertThat(engine.kernels().gemmWeightExposure()).isEqualTo(Engines.VLLM.gemmWeightExposure());
        assertThat(Engines.TRTLLM.overCalibrated(harness).kernels().gemmWeightExposure())
                .as("the engine's GEMM structure is carried").isEqualTo(Engines.TRTLLM.gemmWeightExposure());

        int layers = Fixtures.LLAMA_2_7B.numLayers();
        // the harness's own fixed time (CUDA graphs: no host launches, 0.3 ms + ~26 us per layer as calibrated
        // with the measured decode bandwidth) is replaced by the engine's
        assertThat(harness.params().perLayerOverheadUs()).isBetween(5.0, 60.0);
        double fixed = Engines.VLLM.gpuOverheadMs() + layers * Engines.VLLM.gpuPerLayerUs() / 1000;
        double bw = A100.memoryBandwidthBytes() * copy;
        for (SimpleBatch b : List.of(SimpleBatch.uniformDecode(1, 128), SimpleBatch.uniformDecode(8, 512))) {
            int tokens = b.numDecodes();
            Breakdown e = engine.predict(b);
            // a memory-bound decode: weights, GEMM activations and the fused kernels' traffic at the copy bandwidth
            double weights = (double) layers * Fixtures.LLAMA_2_7B.linearParamsPerLayer() * 2;
            double traffic = layers * tokens * ElementwiseTraffic.FUSED_ENGINE.bytesPerTokenPerLayer(Fixtures.LLAMA_2_7B, 1);
            assertThat(e.linearMs()).as(b.toString()).isGreaterThan((weights + traffic) / bw * 1e3)
                    .isLessThan((weights + traffic) / bw * 1e3 * 1.01);
            assertThat(e.overheadMs()).isCloseTo(fixed, within(1e-9));
            assertThat(e.decodeAttentionMs()).isEqualTo(harness.predict(b).decodeAttentionMs());
            assertThat(e.totalMs()).isLessThan(harness.predict(b).totalMs());
        }
    }

    @Test
    void aClassicCalibrationKeepsItsTrafficFoldedIntoTheEfficiencies() {
        RooflineCalibrator.Result classic = RooflineCalibrator.calibrate(H100, List.of(new RooflineCalibrator.Input(
                Fixtures.llama2(), Fixtures.LLAMA_2_7B)), RooflineParams.DEFAULTS, ElementwiseTraffic.NONE);
        RooflinePredictor engine = Engines.VLLM.overCalibrated(classic.calibratedFor(Fixtures.LLAMA_2_7B, A100, 1));
        assertThat(engine.elementwise().isNone()).isTrue();
        assertThat(engine.params().perLayerOverheadUs()).isEqualTo(Engines.VLLM.gpuPerLayerUs());
    }

    @Test
    void theEngineOverTheCalibratedRooflineIsMonotoneInTokens() {
        RooflinePredictor engine = Engines.VLLM.overCalibrated(calibrated().calibratedFor(Fixtures.LLAMA_3_8B, A100, 2));
        double last = 0;
        for (int q = 1; q <= 16384; q += 1 + q / 8) {
            double t = engine.predict(SimpleBatch.of(new int[] {q}, null, null)).totalMs();
            assertThat(t).isGreaterThanOrEqualTo(last);
            last = t;
        }
    }
}
