package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.Dtype;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.cli.CliRun;
import io.simfaasinfer.config.PredictorConfig;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * TensorRT-LLM 0.8/0.9's decode kernels ({@code trtllm-0.9}): XQA for groups of 8 query heads per KV head,
 * the masked kernel for other groups, whose {@code g} passes over a KV head go through the L2: memory time
 * max(one read / HBM rate, g x 16-bit pass / measured L2 bandwidth) (docs/fidelity.md, "GQA in the decode kernel").
 */
class GqaL2DecodeTest {

    private static final Catalog CATALOG = Catalog.builtin();
    private static final ModelSpec MISTRAL = CATALOG.model("mistral-7b");
    private static final ModelSpec L70 = CATALOG.model("llama-2-70b");
    private static final ModelSpec L8 = CATALOG.model("llama-3-8b");
    /** long contexts: the KV read, not the attention FLOPs, bounds the decode attention */
    private static final SimpleBatch DECODES = SimpleBatch.of(new int[0], new int[0], new int[] {1100, 2000, 900, 1500});

    private static ExecutionTimePredictor build(String kind, String engine, ModelSpec m, GpuSpec g, int tp) {
        PredictorConfig cfg = new PredictorConfig(kind, null, List.of(), null, false, 0.45, 0.85, 0.7, 0.3, 75.0, engine);
        return PredictorFactory.build(cfg, m, g, tp, CATALOG).predictor();
    }

    private static double ratio(String kind, ModelSpec m, GpuSpec g, int tp) {
        return build(kind, "trtllm-0.9", m, g, tp).predict(DECODES).decodeAttentionMs()
                / build(kind, "trtllm-xqa", m, g, tp).predict(DECODES).decodeAttentionMs();
    }

    @Test
    void groupsOfFourCostTheirL2PassesAgainstOneHbmReadExactly() {
        GpuSpec h200 = CATALOG.gpu("h200-141gb");
        double hbm = h200.memoryBandwidthBytes() * Engines.TRTLLM_09.decodeMemoryEfficiency();
        assertThat(h200.l2BandwidthTbS()).isEqualTo(9.9);
        // bf16 cache: 4 passes of the same bytes through the L2
        assertThat(ratio("roofline", MISTRAL, h200, 1)).isCloseTo(4 * hbm / h200.l2BandwidthBytes(), within(1e-9));
        // fp8 cache: the one HBM read halves, the passes stay 16-bit (KernelModel#decodeKvRereadBytes)
        ModelSpec kv8 = MISTRAL.withDtypes(null, Dtype.FP8);
        assertThat(ratio("roofline", kv8, h200, 1)).isCloseTo(4 * 2 * hbm / h200.l2BandwidthBytes(), within(1e-9));
        // L40S: GDDR6 at 0.864 TB/s under an L2 of 5.2: the HBM read bounds it, as XQA
        GpuSpec l40s = CATALOG.gpu("l40s");
        assertThat(ratio("roofline", MISTRAL, l40s, 1)).isCloseTo(1.0, within(1e-12));
        // ... but not with an fp8 cache, whose 16-bit passes cost twice its read: 8 x 0.864 x 0.85 / 5.2 = 1.13
        double l40sHbm = l40s.memoryBandwidthBytes() * Engines.TRTLLM_09.decodeMemoryEfficiency();
        assertThat(ratio("roofline", kv8, l40s, 1)).isCloseTo(4 * 2 * l40sHbm / l40s.l2BandwidthBytes(), within(1e-9))
                .isGreaterThan(1.1);
        // the rest of the iteration is the same kernels
        Breakdown a = build("roofline", "trtllm-0.9", MISTRAL, h200, 1).predict(DECODES);
        Breakdown b = build("roofline", "trtllm-xqa", MISTRAL, h200, 1).predict(DECODES);
        assertThat(a.linearMs()).isEqualTo(b.linearMs());
        assertThat(a.lmHeadMs()).isEqualTo(b.lmHeadMs());
        assertThat(a.overheadMs()).isEqualTo(b.overheadMs());
        // HBM bytes: one read, whatever the passes through the L2
        assertThat(a.bytes()).isEqualTo(b.bytes());
    }

    @Test
    void groupsOfEightAndMultiHeadModelsTakeTheGroupedKernel() {
        for (GpuSpec g : List.of(CATALOG.gpu("h100-80gb"), CATALOG.gpu("a100-80gb"), CATALOG.gpu("l4"))) {
            assertThat(build("roofline", "trtllm-0.9", L70, g, 4).predict(DECODES))
                    .as(g.name()).isEqualTo(build("roofline", "trtllm-xqa", L70, g, 4).predict(DECODES));
        }
        assertThat(Engines.TRTLLM_09.gqaDecode().grouped(64, 8)).isTrue();
        assertThat(Engines.TRTLLM_09.gqaDecode().grouped(32, 32)).isTrue();
        assertThat(Engines.TRTLLM_09.gqaDecode().grouped(32, 8)).isFalse();
        assertThat(Engines.TRTLLM_09.gqaDecode().needsL2(32, 8)).isTrue();
        assertThat(Engines.TRTLLM.gqaDecode().needsL2(32, 8)).isFalse();
    }

    @Test
    void overAMeasuredProfileTheDecodeAttentionScalesByTheSameFactor() {
        GpuSpec h100 = CATALOG.gpu("h100-80gb");
        double expected = 4 * h100.memoryBandwidthBytes() * Engines.TRTLLM_09.decodeMemoryEfficiency() / h100.l2BandwidthBytes();
        assertThat(expected).isGreaterThan(1);
        assertThat(ratio("profile", L8, h100, 1)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void aGpuWithoutAnL2MeasurementIsRefusedOnlyWhereTheL2IsNeeded(@TempDir Path dir) throws Exception {
        String batches = dir.resolve("b.jsonl").toString();
        Files.writeString(Path.of(batches), "{\"decode_context\":[1000,2000]}\n");
        CliRun bad = CliRun.exec("predict", "--engine", "trtllm-0.9", "--model", "llama-3-8b", "--gpu", "l4",
                "--batches", batches);
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).doesNotContain("\n").contains("l4").contains("l2_bandwidth_tb_s")
                .doesNotContain("Exception");
        assertThat(bad.out()).isEmpty();
        // multi-head attention reads each KV head once under any kernel
        assertThat(CliRun.exec("predict", "--engine", "trtllm-0.9", "--model", "llama-2-7b", "--gpu", "l4",
                "--batches", batches).code()).isZero();
        // a measured L2 bandwidth in a user catalog is used; a non-positive one is refused
        Path ok = dir.resolve("l4.yaml");
        Files.writeString(ok, l4Entry("6.0"));
        CliRun withL2 = CliRun.exec("predict", "--engine", "trtllm-0.9", "--model", "llama-3-8b", "--gpu", "l4-l2",
                "--catalog", ok.toString(), "--batches", batches);
        assertThat(withL2.code()).as(withL2.err()).isZero();
        Path neg = dir.resolve("neg.yaml");
        Files.writeString(neg, l4Entry("-1"));
        CliRun refused = CliRun.exec("predict", "--engine", "trtllm-0.9", "--model", "llama-3-8b", "--gpu", "l4-l2",
                "--catalog", neg.toString(), "--batches", batches);
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("l2_bandwidth_tb_s").contains("neg.yaml");
    }

    private static String l4Entry(String l2) {
        return "gpus:\n  l4-l2:\n    peak_bf16_tflops: 121\n    memory_gb: 24\n    memory_bandwidth_tb_s: 0.3\n"
                + "    interconnect_gb_s: 32\n    interconnect_latency_us: 10\n    l2_bandwidth_tb_s: " + l2 + "\n"
                + "    price_per_hour: 0.8\n    price_source: test\n    source: test\n";
    }
}
