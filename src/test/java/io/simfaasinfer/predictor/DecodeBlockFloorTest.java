package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.PredictorConfig;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.simfaasinfer.predictor.SimpleBatchForTest.decodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The decode kernel's fixed time per thread block ({@link GqaDecodeKernel#floorSecPerDecode}): a step's decode attention
 * takes at least {@code layers x decodes x blocks per sequence x blockNs}, blocks being the KV heads a GPU holds
 * under a grouped kernel (XQA) and its query heads under a per-query-head one (masked MHA); TensorRT-LLM's
 * presets carry {@link Engines#TRTLLM_DECODE_BLOCK_NS}, the others none.
 */
class DecodeBlockFloorTest {

    private static final Catalog C = Catalog.builtin();
    private static final GpuSpec H100 = C.gpu("h100-80gb");
    private static final ModelSpec MISTRAL = C.model("mistral-7b");     // 32 layers, 32 query heads, 8 KV heads
    private static final ModelSpec L70 = C.model("llama-2-70b");        // 80 layers, 64 query heads, 8 KV heads
    private static final ModelSpec L7 = C.model("llama-2-7b");          // 32 layers, 32 heads, no GQA
    private static final double NS = Engines.TRTLLM_DECODE_BLOCK_NS;

    private static RooflinePredictor roofline(EngineModel e, ModelSpec m, int tp, boolean floor) {
        KernelModel k = e.kernels(H100, 0.45);
        if (!floor) {
            k = k.withEngineKernels(k.gqaDecode().withBlockNs(0), k.customAllReduce(), k.fp8());
        }
        return new RooflinePredictor(m, H100, tp, e.params(RooflineParams.DEFAULTS), k);
    }

    @Test
    void blocksAreTheKvHeadsOfAGroupedKernelAndTheQueryHeadsOfAPerQueryHeadOne() {
        // Llama-2-70B over 4 GPUs: 2 KV heads, 16 query heads each
        assertThat(Engines.TRTLLM_XQA.gqaDecode().blocksPerSequence(64, 8, 4)).isEqualTo(2);
        assertThat(Engines.TRTLLM_09.gqaDecode().blocksPerSequence(64, 8, 4)).isEqualTo(2);   // XQA for groups of 8
        assertThat(Engines.TRTLLM.gqaDecode().blocksPerSequence(64, 8, 4)).isEqualTo(16);
        // Mistral 7B's groups of 4 take the masked kernel under 0.9, XQA under trtllm-xqa
        assertThat(Engines.TRTLLM_09.gqaDecode().blocksPerSequence(32, 8, 1)).isEqualTo(32);
        assertThat(Engines.TRTLLM_XQA.gqaDecode().blocksPerSequence(32, 8, 1)).isEqualTo(8);
        // a KV head replicated over more GPUs than there are KV heads: one block per GPU
        assertThat(Engines.TRTLLM_XQA.gqaDecode().blocksPerSequence(64, 8, 16)).isEqualTo(1);
        // multi-head attention: one block per head whichever the kernel
        assertThat(Engines.TRTLLM.gqaDecode().blocksPerSequence(32, 32, 1)).isEqualTo(32);
        assertThat(Engines.TRTLLM_XQA.gqaDecode().blocksPerSequence(32, 32, 1)).isEqualTo(32);
    }

    @Test
    void manyShortContextsCostExactlyTheirBlocks() {
        SimpleBatchForTest b = decodes(256, 16);
        for (EngineModel e : List.of(Engines.TRTLLM_09, Engines.TRTLLM_XQA)) {
            double blocks = e == Engines.TRTLLM_09 ? 32 : 8;
            double floorMs = 32 * 256 * blocks * NS * 1e-6;
            double bytesMs = roofline(e, MISTRAL, 1, false).predict(b).decodeAttentionMs();
            assertThat(bytesMs).as("%s: the floor binds here", e.name()).isLessThan(floorMs);
            assertThat(roofline(e, MISTRAL, 1, true).predict(b).decodeAttentionMs()).as(e.name())
                    .isCloseTo(floorMs, within(floorMs * 1e-12));
        }
        // Llama-2-70B TP4 under the 0.5/0.6 masked kernel: 80 layers x 16 query heads per GPU
        SimpleBatchForTest one = decodes(64, 1);
        assertThat(roofline(Engines.TRTLLM, L70, 4, true).predict(one).decodeAttentionMs())
                .isCloseTo(80 * 64 * 16 * NS * 1e-6, within(1e-12));
    }

    @Test
    void theFloorIsAMaximumOverTheBytesAndNothingElseMoves() {
        RooflinePredictor with = roofline(Engines.TRTLLM_09, MISTRAL, 1, true);
        RooflinePredictor without = roofline(Engines.TRTLLM_09, MISTRAL, 1, false);
        double previous = 0;
        for (int context = 1; context <= 16384; context *= 2) {
            for (int n : new int[] {1, 8, 64, 512}) {
                Breakdown w = with.predict(decodes(n, context));
                Breakdown o = without.predict(decodes(n, context));
                double floorMs = 32.0 * n * 32 * NS * 1e-6;
                assertThat(w.decodeAttentionMs()).as("n=%d c=%d", n, context)
                        .isCloseTo(Math.max(floorMs, o.decodeAttentionMs()), within(1e-12 * Math.max(1, floorMs)));
                assertThat(w.linearMs()).isEqualTo(o.linearMs());
                assertThat(w.lmHeadMs()).isEqualTo(o.lmHeadMs());
                assertThat(w.communicationMs()).isEqualTo(o.communicationMs());
                assertThat(w.overheadMs()).isEqualTo(o.overheadMs());
            }
            // monotone in the context: the floor never makes a longer context cheaper
            double t = with.predict(decodes(64, context)).decodeAttentionMs();
            assertThat(t).isGreaterThanOrEqualTo(previous);
            previous = t;
        }
        // long contexts: the bytes bound the step and the floor does not show
        assertThat(with.predict(decodes(64, 16384))).isEqualTo(without.predict(decodes(64, 16384)));
    }

    @Test
    void vllmAndSglangHaveNoFloorAndAPrefillOnlyStepHasNoDecodeAttention() {
        for (EngineModel e : List.of(Engines.VLLM, Engines.VLLM_05, Engines.SGLANG)) {
            assertThat(e.gqaDecode().blockNs()).as(e.name()).isZero();
            assertThat(e.gqaDecode().floorSecPerDecode(L70, 1)).as(e.name()).isZero();
        }
        assertThat(roofline(Engines.TRTLLM_09, MISTRAL, 1, true).predict(SimpleBatchForTest.prefill(512, 0)).decodeAttentionMs()).isZero();
    }

    @Test
    void aMeasuredProfileUnderTheEngineTakesTheSameFloor() {
        PredictorConfig trt = new PredictorConfig("profile", null, List.of(), null, false, 0.45, 0.85, 0.7, 0.3, 75.0, "trtllm");
        PredictorConfig none = new PredictorConfig("profile", null, List.of(), null, false, 0.45, 0.85, 0.7, 0.3, 75.0, "none");
        var built = PredictorFactory.build(trt, L7, H100, 1, C);
        ExecutionTimePredictor engine = built.predictor();
        ExecutionTimePredictor measured = PredictorFactory.build(none, L7, H100, 1, C).predictor();
        // llama-2-7b: multi-head, 32 blocks per sequence and layer, no re-reads: short contexts cost the floor
        double floorMs = 32 * 256 * 32 * NS * 1e-6;
        assertThat(measured.predict(decodes(256, 8)).decodeAttentionMs()).isLessThan(floorMs);
        assertThat(engine.predict(decodes(256, 8)).decodeAttentionMs()).isCloseTo(floorMs, within(floorMs * 1e-12));
        // long ones the measured attention
        assertThat(engine.predict(decodes(16, 8192)).decodeAttentionMs())
                .isEqualTo(measured.predict(decodes(16, 8192)).decodeAttentionMs());
        assertThat(built.notes()).anyMatch(n -> n.contains("thread blocks"));
    }

    @Test
    void aNegativeOrNonFiniteBlockTimeIsRefused() {
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> GqaDecodeKernel.GROUPED.withBlockNs(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decode block time");
        }
        assertThatThrownBy(() -> GqaDecodeKernel.GROUPED.withBlockNs(-1)).hasMessageContaining("expected a finite value >= 0");
    }
}
