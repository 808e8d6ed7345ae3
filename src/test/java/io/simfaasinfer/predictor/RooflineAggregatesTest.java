package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The aggregate helpers added to RooflinePredictor agree with its predict(). */
class RooflineAggregatesTest {

    @Test
    void flopsBytesAndCommunicationMatchPredict() {
        ModelSpec m = new ModelSpec("llama-3-8b", 32, 4096, 32, 8, 14336, 128256, 8192, true, false, 2, "t");
        GpuSpec g = new GpuSpec("h100-80gb", 989, 80, 3.35, 450, 5, 0, "t", "t");
        SimpleBatch b = SimpleBatch.of(new int[] {512, 384}, new int[] {0, 1024}, new int[] {1024, 700, 700});
        double pairs = 512 * 513 / 2.0 + 384 * 1024 + 384 * 385 / 2.0;
        double decodeKv = 1025 + 701 + 701;
        for (int tp : new int[] {1, 2, 4}) {
            RooflinePredictor r = new RooflinePredictor(m, g, tp, RooflineParams.DEFAULTS);
            Breakdown d = r.predict(b);
            assertThat(r.flops(899, pairs, decodeKv, 5)).isCloseTo(d.flops(), within(1e-9 * d.flops()));
            assertThat(r.bytes(899, 512 + 384 + 1024, decodeKv)).isCloseTo(d.bytes(), within(1e-9 * d.bytes()));
            assertThat(r.communicationMs(899)).isCloseTo(d.communicationMs(), within(1e-12));
        }
    }
}
