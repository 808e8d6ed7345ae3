package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.SimpleBatch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TelemetryCalibrationTest {

    private final ExecutionTimePredictor base =
            ProfilePredictor.fit(Fixtures.llama2(), Fixtures.LLAMA_2_7B, Fixtures.H100);

    @Test
    void recoversAScaleOfOnePointOneFive() {
        Random r = new Random(3);
        List<TelemetrySamples.Iteration> its = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            SimpleBatch b = SimpleBatch.of(new int[] {1 + r.nextInt(2048)}, new int[] {r.nextInt(4096)},
                    new int[r.nextInt(64)]);
            double noise = 1 + 0.02 * r.nextGaussian();
            its.add(new TelemetrySamples.Iteration(b, 1.15 * base.predict(b).totalMs() * noise));
        }
        TelemetryCalibration.Result res = TelemetryCalibration.calibrate(base,
                new TelemetrySamples(its, List.of()), false);
        System.out.printf("telemetry (synthetic x1.15, 2%% noise): scale %.4f before %s after %s%n",
                res.scale(), res.before(), res.after());
        assertThat(res.scale()).isCloseTo(1.15, within(0.01));
        assertThat(res.offsetMs()).isZero();
        assertThat(res.after().median()).isLessThan(res.before().median());
        assertThat(res.before().median()).isCloseTo(0.13, within(0.01));
        assertThat(res.after().median()).isLessThan(0.02);
        SimpleBatch b = SimpleBatch.prefills(777);
        assertThat(res.predictor().predict(b).totalMs()).isCloseTo(res.scale() * base.predict(b).totalMs(),
                within(1e-9));
        assertThat(res.predictor().describe()).startsWith("scaled(x1.1");
    }

    @Test
    void fitsAnOffsetWhenAsked() {
        List<TelemetrySamples.Iteration> its = new ArrayList<>();
        for (int t : new int[] {1, 16, 128, 512, 2048, 4096}) {
            SimpleBatch b = SimpleBatch.prefills(t);
            its.add(new TelemetrySamples.Iteration(b, 1.1 * base.predict(b).totalMs() + 2.0));
        }
        TelemetryCalibration.Result res = TelemetryCalibration.calibrate(base, new TelemetrySamples(its, List.of()), true);
        assertThat(res.scale()).isCloseTo(1.1, within(1e-6));
        assertThat(res.offsetMs()).isCloseTo(2.0, within(1e-6));
        assertThat(res.after().max()).isLessThan(1e-9);
    }

    @Test
    void exampleFileFromTheRepository() {
        TelemetrySamples s = TelemetrySamples.read(Path.of("examples/telemetry/prod_samples.json"));
        assertThat(s.iterations()).isNotEmpty();
        assertThat(s.requests()).isNotEmpty();
        TelemetryCalibration.Result res = TelemetryCalibration.calibrate(base, s, false);
        System.out.printf("telemetry example file: %d observations, scale %.4f, before %s, after %s%n",
                res.samples(), res.scale(), res.before(), res.after());
        // The file was synthesised from the measured llama-2-7b profile with +15%.
        assertThat(res.scale()).isCloseTo(1.15, within(0.02));
        assertThat(res.after().median()).isLessThan(res.before().median());
        assertThat(res.after().median()).isLessThan(0.02);
    }

    @Test
    void requestSamplesBecomeTtftAndTpotObservations() {
        TelemetrySamples s = TelemetrySamples.parse("""
                {"_comment": "x", "requests": [
                  {"prompt_tokens": 1000, "output_tokens": 101, "ttft_ms": 40, "e2e_ms": 840},
                  {"prompt_tokens": 10, "output_tokens": 1, "ttft_ms": 9, "e2e_ms": 9}]}""", "inline");
        List<TelemetryCalibration.Observation> obs = TelemetryCalibration.observations(s);
        assertThat(obs).hasSize(3);
        assertThat(obs.get(0).batch()).isEqualTo(SimpleBatch.prefills(1000));
        assertThat(obs.get(0).measuredMs()).isEqualTo(40);
        assertThat(obs.get(1).batch()).isEqualTo(SimpleBatch.decodes(1050));
        assertThat(obs.get(1).measuredMs()).isEqualTo(8.0);
        assertThat(obs.get(2).origin()).isEqualTo("requests[1].ttft");
    }

    @Test
    void badTelemetryIsReportedWithSampleAndField() {
        assertThatThrownBy(() -> TelemetrySamples.parse(
                "{\"iterations\": [{\"prefill_tokens\": [5], \"measured_ms\": 3}, {\"decode_context\": [5]}]}", "t.json"))
                .isInstanceOf(ProfileException.class)
                .hasMessage("t.json: iterations[1]: field 'measured_ms' is missing");
        assertThatThrownBy(() -> TelemetrySamples.parse(
                "{\"iterations\": [{\"prefill_tokens\": [5, 6], \"prefill_context\": [0], \"measured_ms\": 3}]}", "t.json"))
                .hasMessageContaining("t.json: iterations[0]: prefill_context has 1 entries");
        assertThatThrownBy(() -> TelemetrySamples.parse(
                "{\"requests\": [{\"prompt_tokens\": 5, \"output_tokens\": 2, \"ttft_ms\": 3, \"e2e_ms\": 2}]}", "t.json"))
                .hasMessageContaining("t.json: requests[0]: field 'e2e_ms'");
        assertThatThrownBy(() -> TelemetrySamples.parse("{}", "t.json")).hasMessageContaining("no samples");
    }
}
