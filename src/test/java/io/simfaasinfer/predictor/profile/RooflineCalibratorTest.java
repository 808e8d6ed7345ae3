package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.RooflinePredictor;
import io.simfaasinfer.predictor.SimpleBatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
        // Requirement: <= 10% median. Measured: 4.1% median (max 14.7%); defaults give 7.0%.
        assertThat(transfer.median()).isLessThanOrEqualTo(0.10);
        assertThat(transfer.median()).isLessThan(0.05);
        assertThat(transfer.median()).isLessThan(uncalibrated.median());
        assertThat(cal.perModel().get("llama-2-7b").median()).isLessThan(0.03);
        // Physically plausible efficiencies; overheadMs kept (one layer count only), per-layer fitted.
        assertThat(cal.params().computeEfficiency()).isBetween(0.3, 0.7);
        assertThat(cal.params().memoryEfficiency()).isBetween(0.6, 1.0);
        assertThat(cal.params().overheadMs()).isEqualTo(RooflineParams.DEFAULTS.overheadMs());
        assertThat(cal.params().commEfficiency()).isEqualTo(RooflineParams.DEFAULTS.commEfficiency());
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
        // Memory-bound decode speeds up with 4.8 vs 3.35 TB/s; compute-bound prefill does not (same TFLOP/s).
        double decodeVariable = h100.predict(decode).totalMs() - h100.predict(decode).overheadMs();
        double decodeVariable200 = h200.predict(decode).totalMs() - h200.predict(decode).overheadMs();
        assertThat(decodeVariable / decodeVariable200).isBetween(1.3, 1.5);
        assertThat(h200.predict(prefill).totalMs()).isCloseTo(h100.predict(prefill).totalMs(),
                org.assertj.core.api.Assertions.withinPercentage(2));
    }
}
