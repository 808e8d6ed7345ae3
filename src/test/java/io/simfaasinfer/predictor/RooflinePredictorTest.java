package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.scheduler.Batch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RooflinePredictorTest {

    private static final Catalog C = Catalog.builtin();
    private static final ModelSpec LLAMA2_7B = C.model("llama-2-7b");
    private static final GpuSpec H100 = C.gpu("h100-80gb");
    private static final RooflineParams P = RooflineParams.DEFAULTS;

    private static RooflinePredictor predictor(String model, String gpu, int tp) {
        return new RooflinePredictor(C.model(model), C.gpu(gpu), tp, P);
    }

    private static Batch prefill(int tokens, int context) {
        Batch b = new Batch();
        b.addPrefill(null, tokens, context);
        return b;
    }

    private static Batch decodes(int n, int context) {
        Batch b = new Batch();
        for (int i = 0; i < n; i++) {
            b.addDecode(null, context);
        }
        return b;
    }

    @Test
    void emptyBatchIsZero() {
        RooflinePredictor p = new RooflinePredictor(LLAMA2_7B, H100, 1, P);
        Batch b = new Batch();
        assertThat(p.predict(b)).isSameAs(Breakdown.ZERO);
        b.addDecode(null, 10);
        b.clear();
        assertThat(p.predict(b)).isSameAs(Breakdown.ZERO);
        assertThat(Breakdown.ZERO.totalMs()).isZero();
    }

    @Test
    void rejectsTpBelowOne() {
        assertThatThrownBy(() -> new RooflinePredictor(LLAMA2_7B, H100, 0, P))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A random batch of up to 4 prefills and 64 decodes (at least one entry). */
    private static int[][] randomShape(Random rnd) {
        int np = rnd.nextInt(5);
        int nd = rnd.nextInt(65);
        if (np + nd == 0) {
            nd = 1;
        }
        int[][] s = new int[3][];
        s[0] = new int[np];
        s[1] = new int[np];
        s[2] = new int[nd];
        for (int i = 0; i < np; i++) {
            s[0][i] = 1 + rnd.nextInt(4096);
            s[1][i] = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(4096);
        }
        for (int i = 0; i < nd; i++) {
            s[2][i] = rnd.nextInt(8192);
        }
        return s;
    }

    private static Batch build(int[][] s) {
        Batch b = new Batch();
        for (int i = 0; i < s[0].length; i++) {
            b.addPrefill(null, s[0][i], s[1][i]);
        }
        for (int c : s[2]) {
            b.addDecode(null, c);
        }
        return b;
    }

    private static int[][] copy(int[][] s) {
        return new int[][] {s[0].clone(), s[1].clone(), s[2].clone()};
    }

    private static int[][] with(int[][] s, Consumer<int[][]> change) {
        int[][] c = copy(s);
        change.accept(c);
        return c;
    }

    private static int[][] addDecode(int[][] s, int context) {
        int[] d = java.util.Arrays.copyOf(s[2], s[2].length + 1);
        d[d.length - 1] = context;
        return new int[][] {s[0].clone(), s[1].clone(), d};
    }

    private static void assertNotBelow(RooflinePredictor p, int[][] base, int[][] more, String what) {
        Breakdown a = p.predict(build(base));
        Breakdown b = p.predict(build(more));
        assertThat(b.totalMs()).as("%s: total", what).isGreaterThanOrEqualTo(a.totalMs());
        assertThat(b.flops()).as("%s: flops", what).isGreaterThanOrEqualTo(a.flops());
        assertThat(b.bytes()).as("%s: bytes", what).isGreaterThanOrEqualTo(a.bytes());
        assertThat(b.linearMs()).as("%s: linear", what).isGreaterThanOrEqualTo(a.linearMs());
        assertThat(b.communicationMs()).as("%s: comm", what).isGreaterThanOrEqualTo(a.communicationMs());
    }

    @ParameterizedTest
    @CsvSource({"llama-2-7b, h100-80gb, 1", "llama-3-70b, h100-80gb, 4", "mistral-7b, a10g, 2",
            "gpt3-175b, a100-80gb, 8"})
    void monotoneInEveryDimensionOver500RandomBatches(String model, String gpu, int tp) {
        RooflinePredictor p = predictor(model, gpu, tp);
        Random rnd = new Random(model.hashCode() * 31L + tp);
        for (int t = 0; t < 500; t++) {
            int[][] s = randomShape(rnd);
            Breakdown b = p.predict(build(s));
            assertThat(b.totalMs()).isPositive().isFinite();
            assertThat(b.flops()).isPositive();
            assertThat(b.bytes()).isPositive();
            int delta = 1 + rnd.nextInt(512);
            if (s[0].length > 0) {
                int i = rnd.nextInt(s[0].length);
                assertNotBelow(p, s, with(s, c -> c[0][i] += delta), "prefill tokens");
                assertNotBelow(p, s, with(s, c -> c[1][i] += delta), "prefill context");
            }
            if (s[2].length > 0) {
                int i = rnd.nextInt(s[2].length);
                assertNotBelow(p, s, with(s, c -> c[2][i] += delta), "decode context");
            }
            assertNotBelow(p, s, addDecode(s, rnd.nextInt(8192)), "decode count");
        }
    }

    @Test
    void strictlyIncreasingWhereTheRooflineIsComputeBound() {
        RooflinePredictor p = new RooflinePredictor(LLAMA2_7B, H100, 1, P);
        double prev = 0;
        for (int n = 1024; n <= 8192; n += 1024) {
            double t = p.predict(prefill(n, 0)).totalMs();
            assertThat(t).isGreaterThan(prev);
            prev = t;
        }
        // decode attention grows with context once the KV read dominates
        assertThat(p.predict(decodes(64, 4096)).decodeAttentionMs())
                .isGreaterThan(p.predict(decodes(64, 1024)).decodeAttentionMs());
    }

    @Test
    void tensorParallelismSpeedsUpALargePrefillButAddsCommunication() {
        RooflinePredictor tp1 = new RooflinePredictor(LLAMA2_7B, H100, 1, P);
        RooflinePredictor tp2 = new RooflinePredictor(LLAMA2_7B, H100, 2, P);
        Breakdown one = tp1.predict(prefill(8192, 0));
        Breakdown two = tp2.predict(prefill(8192, 0));
        assertThat(one.communicationMs()).isZero();
        assertThat(two.communicationMs()).isPositive();
        assertThat(two.totalMs()).isLessThan(one.totalMs());
        // compute halves exactly (compute bound), flops summed over GPUs are unchanged
        assertThat(two.linearMs()).isCloseTo(one.linearMs() / 2, within(one.linearMs() * 1e-9));
        assertThat(two.prefillAttentionMs()).isCloseTo(one.prefillAttentionMs() / 2,
                within(one.prefillAttentionMs() * 1e-9));
        assertThat(two.flops()).isCloseTo(one.flops(), within(one.flops() * 1e-9));
        // two all-reduces per layer plus the embedding's, of 8192 x 4096 bf16 (64 MiB: past the custom
        // kernel's 8 MiB, so NCCL's ring, its Simple protocol at this size: 8.4 us + 2 hops x 3.4 us +
        // 2(t-1)/t x bytes / busbw, factor 1 at tp=2)
        double perAllReduce = 8192.0 * 4096 * 2 / (H100.allreduceBusGbS() * 1e9) + (8.4 + 2 * 3.4) * 1e-6;
        assertThat(two.communicationMs()).isCloseTo((2 * 32 + 1) * perAllReduce * 1e3, within(1e-9));
        // decode at tp=1 never communicates either
        assertThat(tp1.predict(decodes(8, 100)).communicationMs()).isZero();
        assertThat(tp2.predict(decodes(8, 100)).communicationMs()).isPositive();
    }

    @Test
    void decodeOfOneSequenceIsMemoryBoundOnTheWeights() {
        RooflinePredictor p = new RooflinePredictor(LLAMA2_7B, H100, 1, P);
        Breakdown b = p.predict(decodes(1, 100));
        double bw = H100.memoryBandwidthBytes() * P.memoryEfficiency();
        double linearWeights = (double) LLAMA2_7B.numLayers() * LLAMA2_7B.linearParamsPerLayer()
                * LLAMA2_7B.bytesPerParam();
        double lmHead = (double) LLAMA2_7B.lmHeadParams() * LLAMA2_7B.bytesPerParam();
        assertThat(b.linearMs()).isCloseTo(linearWeights / bw * 1e3, within(linearWeights / bw * 1e3 * 0.01));
        assertThat(b.lmHeadMs()).isCloseTo(lmHead / bw * 1e3, within(lmHead / bw * 1e3 * 1e-9));
        // all the weights (~13.5 GB) streamed once: linear + LM head within 1% of weights / bandwidth
        double allButEmbedding = linearWeights + lmHead;
        assertThat(b.linearMs() + b.lmHeadMs()).isCloseTo(allButEmbedding / bw * 1e3,
                within(allButEmbedding / bw * 1e3 * 0.01));
        // memory time dominates compute time by far
        double computeMs = 2.0 * LLAMA2_7B.numLayers() * LLAMA2_7B.linearParamsPerLayer()
                / (H100.peakFlops() * P.computeEfficiency()) * 1e3;
        assertThat(b.linearMs()).isGreaterThan(50 * computeMs);
    }

    @Test
    void breakdownTotalIsTheSumOfItsPartsAndOverheadMatchesParams() {
        RooflinePredictor p = predictor("llama-3-70b", "h100-80gb", 4);
        Random rnd = new Random(5);
        for (int t = 0; t < 200; t++) {
            Breakdown b = p.predict(build(randomShape(rnd)));
            double sum = b.linearMs() + b.prefillAttentionMs() + b.decodeAttentionMs() + b.lmHeadMs()
                    + b.communicationMs() + b.overheadMs();
            assertThat(b.totalMs()).isCloseTo(sum, within(1e-12 * sum));
            assertThat(b.overheadMs()).isCloseTo(P.overheadMs() + 80 * P.perLayerOverheadUs() / 1000, within(1e-12));
            Breakdown s = b.scaleTime(1.5);
            assertThat(s.totalMs()).isCloseTo(1.5 * b.totalMs(), within(1e-9 * b.totalMs()));
            assertThat(s.flops()).isEqualTo(b.flops());
        }
        assertThat(new RooflinePredictor(LLAMA2_7B, H100, 1, P).predict(decodes(1, 1)).overheadMs())
                .isCloseTo(2.7, within(1e-12));
    }

    @Test
    void prefillAndDecodeComponentsOnlyAppearWhenPresent() {
        RooflinePredictor p = new RooflinePredictor(LLAMA2_7B, H100, 1, P);
        Breakdown pre = p.predict(prefill(512, 0));
        assertThat(pre.prefillAttentionMs()).isPositive();
        assertThat(pre.decodeAttentionMs()).isZero();
        Breakdown dec = p.predict(decodes(4, 512));
        assertThat(dec.prefillAttentionMs()).isZero();
        assertThat(dec.decodeAttentionMs()).isPositive();
    }

    @ParameterizedTest
    @CsvSource({"1", "128", "2048", "8192"})
    void prefillFlopsAreTwiceParamsPerTokenPlusAttention(int n) {
        ModelSpec m = LLAMA2_7B;
        RooflinePredictor p = new RooflinePredictor(m, H100, 1, P);
        double flops = p.predict(prefill(n, 0)).flops();
        double attention = 4.0 * m.numLayers() * m.numHeads() * m.headDim() * (n * (n + 1.0) / 2);
        // exact: linear layers for every token, LM head for the last token only, causal attention
        double exact = 2.0 * n * m.numLayers() * m.linearParamsPerLayer() + 2.0 * m.lmHeadParams() + attention;
        assertThat(flops).isCloseTo(exact, within(exact * 1e-12));
        // the usual rule of thumb
        double rule = 2.0 * m.totalParams() * n + attention;
        if (n >= 128) {
            assertThat(flops).isCloseTo(rule, within(rule * 0.05));
        }
        // same total at tp=2 (flops are summed over the GPUs of the replica)
        assertThat(new RooflinePredictor(m, H100, 2, P).predict(prefill(n, 0)).flops())
                .isCloseTo(exact, within(exact * 1e-9));
    }

    @Test
    void prefillWithCachedContextAddsCrossAttention() {
        RooflinePredictor p = new RooflinePredictor(LLAMA2_7B, H100, 1, P);
        double a = p.predict(prefill(512, 0)).flops();
        double b = p.predict(prefill(512, 1000)).flops();
        double cross = 4.0 * 32 * 32 * 128 * 512.0 * 1000;
        assertThat(b - a).isCloseTo(cross, within(cross * 1e-9));
    }

    @Test
    void describeNamesModelGpuAndTp() {
        assertThat(predictor("llama-3-70b", "h100-80gb", 4).describe())
                .contains("llama-3-70b").contains("h100-80gb").contains("x4");
    }
}
