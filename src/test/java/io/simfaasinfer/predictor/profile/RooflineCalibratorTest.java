package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.RooflinePredictor;
import io.simfaasinfer.predictor.SimpleBatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RooflineCalibratorTest {

    private static RooflineCalibrator.Result fromLlama2() {
        return RooflineCalibrator.calibrate(Fixtures.H100,
                List.of(new RooflineCalibrator.Input(Fixtures.llama2(), Fixtures.LLAMA_2_7B)));
    }

    @Test
    void calibratedOnLlama2PredictsLlama3WithinTenPercentMedian() {
        RooflineCalibrator.Result cal = fromLlama2();
        RooflinePredictor onLlama3 = cal.predictorFor(Fixtures.LLAMA_3_8B, 1);
        ErrorStats transfer = RooflineCalibrator.evaluate(onLlama3, Fixtures.llama3());
        ErrorStats uncalibrated = RooflineCalibrator.evaluate(
                new RooflinePredictor(Fixtures.LLAMA_3_8B, Fixtures.H100, 1, RooflineParams.DEFAULTS), Fixtures.llama3());
        System.out.printf("calibrated params %s%n  fit on llama-2-7b: %s%n  llama-3-8b (held out): %s%n"
                + "  llama-3-8b with defaults: %s%n", cal.params(), cal.perModel().get("llama-2-7b"), transfer,
                uncalibrated);
        // Issue 15's target for a model never profiled: median <= 3%, max <= 10%. Measured: 4.1% median
        // (max 14.7%) before the elementwise traffic term; with it 2.6% / 10.4%; with the decode
        // attention at the measured copy bandwidth 1.2% / 6.4%. Defaults give 7.0%.
        assertThat(transfer.median()).isLessThanOrEqualTo(0.03);
        assertThat(transfer.max()).isLessThanOrEqualTo(0.10);
        assertThat(transfer.median()).isLessThan(uncalibrated.median());
        assertThat(cal.perModel().get("llama-2-7b").median()).isLessThan(0.03);
        // Physically plausible efficiencies; overheadMs kept (one layer count only), per-layer fitted.
        assertThat(cal.params().computeEfficiency()).isBetween(0.3, 0.77); // 765/989: the measured 8192^3 GEMM
        assertThat(cal.params().memoryEfficiency()).isBetween(0.6, 1.0);
        assertThat(cal.params().overheadMs()).isEqualTo(RooflineParams.DEFAULTS.overheadMs());
        assertThat(cal.params().commEfficiency()).isEqualTo(RooflineParams.DEFAULTS.commEfficiency());
    }

    @Test
    void calibratedOnLlama3PredictsLlama2() {
        RooflineCalibrator.Result cal = RooflineCalibrator.calibrate(Fixtures.H100,
                List.of(new RooflineCalibrator.Input(Fixtures.llama3(), Fixtures.LLAMA_3_8B)));
        ErrorStats transfer = RooflineCalibrator.evaluate(cal.predictorFor(Fixtures.LLAMA_2_7B, 1), Fixtures.llama2());
        System.out.printf("calibrated on llama-3-8b %s%n  fit: %s%n  llama-2-7b (held out): %s%n", cal.params(),
                cal.perModel().get("llama-3-8b"), transfer);
        // Measured (issue 15): 1.8% median, max 9.3%; 3.1% / 10.4% with one memory efficiency for all
        // memory-bound work (without the elementwise term: 4.6%, 11.1%).
        assertThat(transfer.median()).isLessThanOrEqualTo(0.03);
        assertThat(transfer.max()).isLessThanOrEqualTo(0.10);
    }

    @Test
    void theDecodeAttentionRunsAtTheMeasuredCopyBandwidthAndThatIsWhatTransfers() {
        // device_ceilings.json of the shipped H100 profiles: 3.01 TB/s read + write over the 3.35 TB/s datasheet
        assertThat(RooflineCalibrator.measuredDecodeBandwidth(Fixtures.H100)).isCloseTo(3.01 / 3.35, within(1e-12));
        assertThat(RooflineCalibrator.measuredDecodeBandwidth(Fixtures.H200)).as("no ceilings shipped").isNaN();
        RooflineCalibrator.Result measured = fromLlama2();
        assertThat(measured.decodeEfficiency()).isCloseTo(3.01 / 3.35, within(1e-12));
        assertThat(measured.predictorFor(Fixtures.LLAMA_3_8B, 1).kernels().decodeMemoryEfficiency())
                .isEqualTo(measured.decodeEfficiency());
        // the classic single memory efficiency (decode attention tied to the fitted one) transfers worse
        RooflineCalibrator.Result tied = RooflineCalibrator.calibrate(Fixtures.H100,
                List.of(new RooflineCalibrator.Input(Fixtures.llama2(), Fixtures.LLAMA_2_7B)), RooflineParams.DEFAULTS,
                io.simfaasinfer.predictor.ElementwiseTraffic.UNFUSED_PYTORCH, Double.NaN);
        assertThat(tied.decodeEfficiency()).isEqualTo(tied.params().memoryEfficiency());
        ErrorStats a = RooflineCalibrator.evaluate(tied.predictorFor(Fixtures.LLAMA_3_8B, 1), Fixtures.llama3());
        ErrorStats b = RooflineCalibrator.evaluate(measured.predictorFor(Fixtures.LLAMA_3_8B, 1), Fixtures.llama3());
        System.out.println("llama-3-8b from llama-2-7b: decode tied " + a + " / measured " + b);
        assertThat(b.median()).isLessThan(a.median());
        assertThat(b.max()).isLessThan(a.max());
        // the fixed time left once the decode attention is priced at its bandwidth is CUDA-graph sized
        assertThat(measured.params().perLayerOverheadUs()).isLessThan(60);
        // a sibling GPU keeps the fraction of its datasheet bandwidth
        assertThat(measured.calibratedFor(Fixtures.LLAMA_2_7B, Fixtures.H200, 1).kernels().decodeMemoryEfficiency())
                .isEqualTo(measured.decodeEfficiency());
        assertThatThrownBy(() -> RooflineCalibrator.calibrate(Fixtures.H100,
                List.of(new RooflineCalibrator.Input(Fixtures.llama2(), Fixtures.LLAMA_2_7B)), RooflineParams.DEFAULTS,
                io.simfaasinfer.predictor.ElementwiseTraffic.UNFUSED_PYTORCH, 1.2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1]");
    }

    @Test
    void withoutElementwiseTrafficTheTransferIsWorse() {
        List<RooflineCalibrator.Input> in = List.of(new RooflineCalibrator.Input(Fixtures.llama2(), Fixtures.LLAMA_2_7B));
        RooflineCalibrator.Result classic = RooflineCalibrator.calibrate(Fixtures.H100, in, RooflineParams.DEFAULTS,
                io.simfaasinfer.predictor.ElementwiseTraffic.NONE);
        RooflineCalibrator.Result counted = RooflineCalibrator.calibrate(Fixtures.H100, in);
        ErrorStats a = RooflineCalibrator.evaluate(classic.predictorFor(Fixtures.LLAMA_3_8B, 1), Fixtures.llama3());
        ErrorStats b = RooflineCalibrator.evaluate(counted.predictorFor(Fixtures.LLAMA_3_8B, 1), Fixtures.llama3());
        System.out.println("llama-3-8b from llama-2-7b: classic " + a + " / with elementwise traffic " + b);
        assertThat(b.median()).isLessThan(a.median());
        assertThat(b.max()).isLessThan(a.max());
    }

    @Test
    void calibratingOnBothModelsFitsBoth() {
        RooflineCalibrator.Result cal = RooflineCalibrator.calibrate(Fixtures.H100, List.of(
                new RooflineCalibrator.Input(Fixtures.llama2(), Fixtures.LLAMA_2_7B),
                new RooflineCalibrator.Input(Fixtures.llama3(), Fixtures.LLAMA_3_8B)));
        System.out.println("calibrated on both: " + cal.params() + " overall " + cal.overall());
        assertThat(cal.perModel()).containsKeys("llama-2-7b", "llama-3-8b");
        assertThat(cal.overall().median()).isLessThan(0.05);
        assertThat(cal.overall().count()).isEqualTo(76 + 83);
    }

    @Test
    void siblingGpuRescalesByItsDatasheet() {
        RooflineCalibrator.Result cal = fromLlama2();
        RooflinePredictor h100 = cal.calibratedFor(Fixtures.LLAMA_2_7B, Fixtures.H100, 1);
        RooflinePredictor h200 = cal.calibratedFor(Fixtures.LLAMA_2_7B, Fixtures.H200, 1);
        assertThat(h200.gpu()).isEqualTo(Fixtures.H200);
        assertThat(h200.params()).isEqualTo(cal.params());
        SimpleBatch decode = SimpleBatch.uniformDecode(64, 4096);
        SimpleBatch prefill = SimpleBatch.prefills(8192);
        // Memory-bound decode speeds up with 4.8 vs 3.35 TB/s; compute-bound prefill's GEMMs do not (same
        // TFLOP/s), only its memory-bound elementwise kernels (about a fifth of it on the H100): 0-10% faster.
        double decodeVariable = h100.predict(decode).totalMs() - h100.predict(decode).overheadMs();
        double decodeVariable200 = h200.predict(decode).totalMs() - h200.predict(decode).overheadMs();
        assertThat(decodeVariable / decodeVariable200).isBetween(1.3, 1.5);
        assertThat(h200.predict(prefill).totalMs() / h100.predict(prefill).totalMs()).isBetween(0.9, 1.0);
    }
}
