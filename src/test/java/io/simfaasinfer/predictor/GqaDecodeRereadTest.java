package io.simfaasinfer.predictor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.cli.CliRun;
import io.simfaasinfer.config.PredictorConfig;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Grouped-query attention under a decode kernel that re-reads a KV head per query head (TensorRT-LLM
 * before XQA, preset {@code trtllm}) against one that reads it once per group ({@code trtllm-xqa}):
 * {@code reads = 1 + (g - 1) x gqa_kv_reread_fraction}, g = query heads / KV heads (docs/fidelity.md).
 */
class GqaDecodeRereadTest {

    private static final Catalog CATALOG = Catalog.builtin();
    private static final ModelSpec L70 = CATALOG.model("llama-2-70b");
    private static final ModelSpec L7 = CATALOG.model("llama-2-7b");
    private static final ModelSpec L8 = CATALOG.model("llama-3-8b");
    private static final GpuSpec A100 = CATALOG.gpu("a100-80gb");
    private static final GpuSpec H100 = CATALOG.gpu("h100-80gb");

    private static PredictorConfig cfg(String kind, String engine, List<String> calibrateFrom) {
        return new PredictorConfig(kind, null, calibrateFrom, null, false, 0.45, 0.85, 0.7, 0.3, 75.0, engine);
    }

    private static ExecutionTimePredictor build(String kind, String engine, ModelSpec m, GpuSpec g, int tp) {
        List<String> from = kind.equals("calibrated") ? List.of("src/main/resources/profiles/h100/llama-2-7b", "src/main/resources/profiles/h100/llama-3-8b") : List.of();
        return PredictorFactory.build(cfg(kind, engine, from), m, g, tp, CATALOG).predictor();
    }

    @Test
    void readsAreOneForMultiHeadAttentionAndGrowWithTheGroupUpToOncePerQueryHead() {
        assertThat(GqaDecodeKernel.perQueryHead(1.0).hbmReads(32, 32)).isEqualTo(1.0);
        assertThat(GqaDecodeKernel.GROUPED.hbmReads(64, 8)).isEqualTo(1.0);
        assertThat(GqaDecodeKernel.perQueryHead(1.0).hbmReads(64, 8)).isEqualTo(8.0);
        assertThat(GqaDecodeKernel.perQueryHead(0.34).hbmReads(64, 8)).isCloseTo(1 + 7 * 0.34, within(1e-12));
        assertThat(GqaDecodeKernel.perQueryHead(0.34).hbmReads(32, 8)).isCloseTo(1 + 3 * 0.34, within(1e-12));
        assertThat(Engines.TRTLLM.gqaDecode()).isEqualTo(GqaDecodeKernel.perQueryHead(0.34).withBlockNs(Engines.TRTLLM_DECODE_BLOCK_NS));
        assertThat(Engines.TRTLLM_XQA.gqaDecode()).isEqualTo(GqaDecodeKernel.GROUPED.withBlockNs(Engines.TRTLLM_DECODE_BLOCK_NS));
        for (EngineModel e : List.of(Engines.VLLM, Engines.SGLANG)) {
            assertThat(e.gqaDecode()).as(e.name()).isEqualTo(GqaDecodeKernel.GROUPED);
        }
        assertThatThrownBy(() -> GqaDecodeKernel.perQueryHead(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gqa_kv_reread_fraction");
        assertThat(EngineModel.NAMES).contains("trtllm-xqa", "trtllm-0.9");
    }

    @Test
    void onlyTheDecodeAttentionOfAGqaModelChangesAndByExactlyTheReadFactor() {
        double reads = 1 + 7 * 0.34;
        // the three ways an engine meets a GPU model: the datasheet roofline, a roofline calibrated on
        // the H100 profiles (a GPU never profiled), a measured profile (llama-3-8b, groups of 4)
        record Way(String kind, ModelSpec model, GpuSpec gpu, int tp, double reads) {
        }
        for (Way w : List.of(new Way("roofline", L70, A100, 4, reads), new Way("calibrated", L70, A100, 4, reads),
                new Way("profile", L8, H100, 1, 1 + 3 * 0.34))) {
            ExecutionTimePredictor pre = build(w.kind(), "trtllm", w.model(), w.gpu(), w.tp());
            ExecutionTimePredictor xqa = build(w.kind(), "trtllm-xqa", w.model(), w.gpu(), w.tp());
            // long contexts: the KV read, not the attention FLOPs, bounds the decode attention
            SimpleBatch b = SimpleBatch.of(new int[] {300}, new int[] {200}, new int[] {1100, 2000, 900, 1500});
            Breakdown p = pre.predict(b);
            Breakdown x = xqa.predict(b);
            assertThat(p.decodeAttentionMs() / x.decodeAttentionMs()).as(w.kind()).isCloseTo(w.reads(), within(1e-9));
            assertThat(p.linearMs()).as(w.kind()).isEqualTo(x.linearMs());
            assertThat(p.prefillAttentionMs()).as(w.kind()).isEqualTo(x.prefillAttentionMs());
            assertThat(p.lmHeadMs()).as(w.kind()).isEqualTo(x.lmHeadMs());
            // 0.5/0.6 all-reduce through NCCL, 0.8+ through the custom kernel (Engines#TRTLLM): never faster
            assertThat(p.communicationMs()).as(w.kind()).isGreaterThanOrEqualTo(x.communicationMs());
            assertThat(p.overheadMs()).as(w.kind()).isEqualTo(x.overheadMs());
        }
        // multi-head attention: the two presets are the same predictor
        SimpleBatch b = SimpleBatch.of(new int[0], new int[0], new int[] {1100, 2000});
        for (String kind : List.of("roofline", "calibrated", "profile")) {
            GpuSpec g = kind.equals("profile") ? H100 : A100;
            assertThat(build(kind, "trtllm", L7, g, 1).predict(b)).as(kind).isEqualTo(build(kind, "trtllm-xqa", L7, g, 1).predict(b));
        }
    }

    /**
     * An fp8 KV cache halves the one read from HBM, not the re-reads: their time is the same as with a
     * 16-bit cache (the masked MHA kernel's work per element does not shrink with the width,
     * {@link KernelModel#decodeKvRereadBytes}), so with a fitted fraction of 0.34 the fp8 decode attention is
     * (0.5 + 7 x 0.34) / (1 + 7 x 0.34) of the bf16 one, where the XQA kernel (no re-reads) halves it.
     */
    @Test
    void anFp8CacheHalvesTheFirstReadButNotTheRereads() {
        assertThat(KernelModel.decodeKvRereadBytes(1)).isEqualTo(2);
        assertThat(KernelModel.decodeKvRereadBytes(2)).isEqualTo(2);
        assertThat(KernelModel.decodeKvRereadBytes(4)).isEqualTo(4);
        ModelSpec kv8 = L70.withDtypes(null, io.simfaasinfer.catalog.Dtype.FP8);
        SimpleBatch b = SimpleBatch.of(new int[0], new int[0], new int[] {1100, 2000, 900, 1500});
        double reads = 1 + 7 * 0.34;
        for (String engine : List.of("trtllm", "trtllm-xqa")) {
            Breakdown bf16 = build("roofline", engine, L70, H100, 4).predict(b);
            Breakdown fp8 = build("roofline", engine, kv8, H100, 4).predict(b);
            double expected = engine.equals("trtllm") ? (0.5 + (reads - 1)) / reads : 0.5;
            assertThat(fp8.decodeAttentionMs() / bf16.decodeAttentionMs()).as(engine).isCloseTo(expected, within(1e-9));
            assertThat(fp8.linearMs()).as(engine).isEqualTo(bf16.linearMs());
        }
        Breakdown pre = build("roofline", "trtllm", kv8, H100, 4).predict(b);
        Breakdown xqa = build("roofline", "trtllm-xqa", kv8, H100, 4).predict(b);
        Breakdown pre16 = build("roofline", "trtllm", L70, H100, 4).predict(b);
        Breakdown xqa16 = build("roofline", "trtllm-xqa", L70, H100, 4).predict(b);
        assertThat(pre.decodeAttentionMs() - xqa.decodeAttentionMs())
                .isCloseTo(pre16.decodeAttentionMs() - xqa16.decodeAttentionMs(), within(1e-9));
    }

    /**
     * TensorRT-LLM v0.6.1 docs/source/performance.md, A100, LLaMA 70B TP4, static batches (out tok/s
     * per GPU): batch 240, 128 in / 2048 out, 525 (the fit case of the re-read fraction; +38% with each KV
     * head read once) and batch 1280, 128 / 128, 670 (held out: short contexts, little attention).
     */
    @Test
    void reproducesTheTensorRtLlm06LongDecodeAndKeepsItsShortContextNeighbour() throws Exception {
        assertThat(tokPerGpu("trtllm", 240, "trt_l70_b240_128_2048.csv")).isCloseTo(525, within(0.05 * 525));
        assertThat(tokPerGpu("trtllm-xqa", 240, "trt_l70_b240_128_2048.csv")).isGreaterThan(1.3 * 525);
        assertThat(tokPerGpu("trtllm", 1280, "trt_l70_b1280_128_128.csv")).isCloseTo(670, within(0.10 * 670));
    }

    private static double tokPerGpu(String engine, int batch, String trace) throws Exception {
        CliRun r = CliRun.exec("run", "--engine", engine, "--catalog", "bench/fidelity/catalog/fidelity.yaml",
                "--model", "llama-2-70b", "--gpu", "a100-80gb-gib", "--tp", "4", "--scheduler", "ft",
                "--max-num-seqs", String.valueOf(batch), "--set", "cluster.gpu_memory_utilization=0.98",
                "--trace", "bench/fidelity/data/traces/" + trace, "--json");
        assertThat(r.code()).as(r.err()).isZero();
        var json = new ObjectMapper().readTree(r.out());
        assertThat(json.path("requests").path("completed").asLong()).isEqualTo(batch);
        return json.path("throughput").path("output_tokens_per_s").asDouble() / 4;
    }
}
