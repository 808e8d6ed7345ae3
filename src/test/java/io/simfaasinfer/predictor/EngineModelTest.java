package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.PredictorConfig;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Engine presets: kernels, host overhead, CUDA graphs, and how the factory applies them. */
class EngineModelTest {

    private static final Catalog CATALOG = Catalog.builtin();
    private static final ModelSpec L7 = CATALOG.model("llama-2-7b");
    private static final GpuSpec A100 = CATALOG.gpu("a100-80gb");

    private static PredictorConfig cfg(String kind, String engine) {
        return new PredictorConfig(kind, null, List.of(), null, false, 0.45, 0.85, 0.7, 0.3, 75.0, engine);
    }

    @Test
    void flatKernelsReproduceThePlainRoofline() {
        RooflinePredictor plain = new RooflinePredictor(L7, A100, 1, RooflineParams.DEFAULTS);
        RooflinePredictor flat = new RooflinePredictor(L7, A100, 1, RooflineParams.DEFAULTS,
                KernelModel.flat(RooflineParams.DEFAULTS));
        SimpleBatch b = SimpleBatch.of(new int[] {700}, new int[] {300}, new int[] {1000, 20});
        assertThat(flat.predict(b)).isEqualTo(plain.predict(b));
    }

    @Test
    void gemmTilesAndHalfTokensMakeSmallGemmsLessEfficientButNeverCheaperWithMoreTokens() {
        KernelModel k = new KernelModel(0.7, 110, 64, 0.7, 0.85, true);
        assertThat(k.gemmTokens(1)).isEqualTo(k.gemmTokens(64)).isEqualTo(64 + 110);
        assertThat(k.gemmTokens(65)).isEqualTo(128 + 110);
        double prev = 0;
        for (int m = 1; m < 5000; m++) {
            assertThat(k.gemmTokens(m)).isGreaterThanOrEqualTo(prev);
            prev = k.gemmTokens(m);
            // achieved efficiency eff * M / gemmTokens(M) rises towards eff
        }
        assertThat(4096 / k.gemmTokens(4096)).isGreaterThan(128 / k.gemmTokens(128) + 0.4);
    }

    @Test
    void trtllmOnA100UsesTheGpusGemmEfficiencyAndMatchesItsPublishedLongPrefill() {
        // TensorRT-LLM v0.5, A100, LLaMA 7B, batch 1, 2048 tokens: 133 ms to the first token (fit case)
        ExecutionTimePredictor none = PredictorFactory.build(cfg("roofline", "none"), L7, A100, 1, CATALOG).predictor();
        ExecutionTimePredictor trt = PredictorFactory.build(cfg("roofline", "trtllm"), L7, A100, 1, CATALOG).predictor();
        SimpleBatch p = SimpleBatch.of(new int[] {2048}, new int[] {0}, new int[0]);
        assertThat(none.predict(p).totalMs()).isGreaterThan(190);
        assertThat(trt.predict(p).totalMs()).isCloseTo(133, within(133 * 0.05));
        assertThat(trt).isInstanceOf(EnginePredictor.class);
    }

    @Test
    void hostOverheadGrowsWithTheBatchAndEagerIterationsWaitForTheirLaunches() {
        ExecutionTimePredictor gpu = new RooflinePredictor(L7, CATALOG.gpu("h100-80gb"), 1, RooflineParams.DEFAULTS);
        EngineModel e = new EngineModel("t", "t", 0, 64, 1, 0.8, 0.3, 50, 0.5, 10, 4, 2000, true, 0, 0);
        EnginePredictor p = new EnginePredictor(gpu, e, L7.numLayers());
        SimpleBatch d1 = SimpleBatch.of(new int[0], new int[0], new int[] {100});
        SimpleBatch d4 = SimpleBatch.of(new int[0], new int[0], new int[] {100, 100, 100, 100});
        SimpleBatch d5 = SimpleBatch.of(new int[0], new int[0], new int[] {100, 100, 100, 100, 100});
        assertThat(p.predict(d1).totalMs() - gpu.predict(d1).totalMs()).isCloseTo(0.51, within(1e-9));
        assertThat(p.predict(d4).totalMs() - gpu.predict(d4).totalMs()).isCloseTo(0.54, within(1e-9));
        // 5 decodes exceed the 4 captured: launched kernel by kernel, 32 layers x 2 ms = 64 ms of host launches
        assertThat(p.predict(d5).totalMs()).isCloseTo(64 + 0.55, within(1e-9));
        // a long prefill's GPU time hides its launches
        SimpleBatch big = SimpleBatch.of(new int[] {60000}, new int[] {0}, new int[0]);
        assertThat(p.predict(big).totalMs()).isCloseTo(gpu.predict(big).totalMs() + 0.51, within(1e-9));
    }

    @Test
    void everyPresetKeepsThePredictorGuaranteesOnRandomBatches() {
        java.util.Random rnd = new java.util.Random(7);
        for (String eng : new String[] {"vllm", "sglang", "trtllm"}) {
            for (int tp : new int[] {1, 4}) {
                ModelSpec m = tp == 1 ? L7 : CATALOG.model("llama-2-70b");
                ExecutionTimePredictor p = PredictorFactory.build(cfg("roofline", eng), m, CATALOG.gpu("h100-80gb"), tp,
                        CATALOG).predictor();
                assertThat(p.predict(SimpleBatch.of(new int[0], new int[0], new int[0]))).isEqualTo(Breakdown.ZERO);
                for (int i = 0; i < 200; i++) {
                    int nd = rnd.nextInt(300);
                    int[] dec = new int[nd];
                    for (int j = 0; j < nd; j++) {
                        dec[j] = 1 + rnd.nextInt(4000);
                    }
                    int q = 1 + rnd.nextInt(3000);
                    double alone = p.predict(SimpleBatch.of(new int[0], new int[0], dec)).totalMs();
                    double more = p.predict(SimpleBatch.of(new int[0], new int[0], java.util.Arrays.copyOf(dec, nd + 1)))
                            .totalMs();
                    double mixed = p.predict(SimpleBatch.of(new int[] {q}, new int[] {0}, dec)).totalMs();
                    assertThat(more).as("%s tp%d", eng, tp).isGreaterThanOrEqualTo(alone);
                    assertThat(mixed).as("%s tp%d", eng, tp).isGreaterThanOrEqualTo(alone);
                }
            }
        }
    }
}
