package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.Engines;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.RooflinePredictor;
import io.simfaasinfer.predictor.SimpleBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties every predictor must have, checked on seeded random batches: monotone in every size,
 * never negative, mixed batches at least as slow as either part.
 */
class PredictorPropertiesTest {

    static Stream<Arguments> predictors() {
        ModelSpec m2 = Fixtures.LLAMA_2_7B;
        ModelSpec m3 = Fixtures.LLAMA_3_8B;
        return Stream.of(
                Arguments.of("profile llama-2-7b", ProfilePredictor.fit(Fixtures.llama2(), m2, Fixtures.H100)),
                Arguments.of("profile llama-3-8b", ProfilePredictor.fit(Fixtures.llama3(), m3, Fixtures.H100)),
                Arguments.of("profile llama-3-8b tp4", ProfilePredictor.fit(Fixtures.llama3(), m3, Fixtures.H100, 4)),
                Arguments.of("roofline llama-2-7b", new RooflinePredictor(m2, Fixtures.H100, 1, RooflineParams.DEFAULTS)),
                Arguments.of("roofline llama-3-8b tp2", new RooflinePredictor(m3, Fixtures.H100, 2, RooflineParams.DEFAULTS)),
                Arguments.of("trtllm over the H100-calibrated roofline, llama-3-8b tp2 on an A100", Engines.TRTLLM.overCalibrated(
                        RooflineCalibrator.calibrate(Fixtures.H100, List.of(new RooflineCalibrator.Input(Fixtures.llama2(), m2)))
                                .calibratedFor(m3, Catalog.builtin().gpu("a100-80gb"), 2))));
    }

    private static SimpleBatch randomBatch(Random r) {
        int np = r.nextInt(4);
        int nd = r.nextInt(np == 0 ? 300 : 200) + (np == 0 ? 1 : 0);
        int[] pt = new int[np];
        int[] pc = new int[np];
        for (int i = 0; i < np; i++) {
            pt[i] = 1 + r.nextInt(r.nextBoolean() ? 512 : 8192);
            pc[i] = r.nextInt(3) == 0 ? 0 : r.nextInt(16384);
        }
        int[] dc = new int[nd];
        for (int i = 0; i < nd; i++) {
            dc[i] = r.nextInt(r.nextBoolean() ? 1024 : 32768);
        }
        return SimpleBatch.of(pt, pc, dc);
    }

    /** The batch with one size increased (or one sequence added). */
    private static SimpleBatch grow(SimpleBatch b, Random r) {
        int[] pt = b.prefillTokensArray();
        int[] pc = b.prefillContextArray();
        int[] dc = b.decodeContextArray();
        int delta = 1 + r.nextInt(r.nextBoolean() ? 8 : 2048);
        switch (r.nextInt(5)) {
            case 0 -> {
                if (pt.length > 0) {
                    pt[r.nextInt(pt.length)] += delta;
                } else {
                    return SimpleBatch.of(new int[] {delta}, null, dc);
                }
            }
            case 1 -> {
                if (pc.length > 0) {
                    pc[r.nextInt(pc.length)] += delta;
                } else {
                    return SimpleBatch.of(new int[] {1}, new int[] {delta}, dc);
                }
            }
            case 2 -> {
                if (dc.length > 0) {
                    dc[r.nextInt(dc.length)] += delta;
                } else {
                    dc = new int[] {delta};
                }
            }
            case 3 -> {
                pt = Arrays.copyOf(pt, pt.length + 1);
                pc = Arrays.copyOf(pc, pc.length + 1);
                pt[pt.length - 1] = delta;
                pc[pc.length - 1] = r.nextInt(4096);
            }
            default -> {
                dc = Arrays.copyOf(dc, dc.length + 1);
                dc[dc.length - 1] = r.nextInt(8192);
            }
        }
        return SimpleBatch.of(pt, pc, dc);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("predictors")
    void monotoneInEverySize(String name, ExecutionTimePredictor p) {
        Random r = new Random(20260611L);
        for (int i = 0; i < 500; i++) {
            SimpleBatch b = randomBatch(r);
            SimpleBatch bigger = grow(b, r);
            double before = p.predict(b).totalMs();
            double after = p.predict(bigger).totalMs();
            assertThat(after).as("%s: %s -> %s", name, b, bigger).isGreaterThanOrEqualTo(before);
            assertThat(p.predict(bigger).flops()).isGreaterThanOrEqualTo(p.predict(b).flops());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("predictors")
    void monotoneAlongEachAxis(String name, ExecutionTimePredictor p) {
        double prev = 0;
        for (int t = 1; t <= 70000; t = t < 64 ? t + 1 : t + t / 16) {
            double v = p.predict(SimpleBatch.prefills(t)).totalMs();
            assertThat(v).as("%s prefill %d", name, t).isGreaterThanOrEqualTo(prev);
            prev = v;
        }
        prev = 0;
        for (int n = 1; n <= 4096; n = n < 64 ? n + 1 : n + n / 16) {
            double v = p.predict(SimpleBatch.uniformDecode(n, 1000)).totalMs();
            assertThat(v).as("%s decodes %d", name, n).isGreaterThanOrEqualTo(prev);
            prev = v;
        }
        prev = 0;
        for (int c = 0; c <= 200000; c = c < 64 ? c + 1 : c + c / 16) {
            double v = p.predict(SimpleBatch.of(new int[] {256}, new int[] {c}, new int[] {c, c})).totalMs();
            assertThat(v).as("%s context %d", name, c).isGreaterThanOrEqualTo(prev);
            prev = v;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("predictors")
    void mixedBatchIsAtLeastEachPart(String name, ExecutionTimePredictor p) {
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            SimpleBatch b = randomBatch(r);
            double mixed = p.predict(b).totalMs();
            double prefillOnly = p.predict(b.prefillPart()).totalMs();
            double decodeOnly = p.predict(b.decodePart()).totalMs();
            assertThat(mixed).as("%s %s", name, b).isGreaterThanOrEqualTo(Math.max(prefillOnly, decodeOnly));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("predictors")
    void neverNegativeIncludingFarOffGrid(String name, ExecutionTimePredictor p) {
        assertThat(p.predict(SimpleBatch.EMPTY)).isEqualTo(Breakdown.ZERO);
        SimpleBatch[] far = {
            SimpleBatch.prefills(65536),
            SimpleBatch.uniformDecode(2048, 32768),
            SimpleBatch.of(new int[] {65536, 1}, new int[] {0, 1_000_000}, new int[] {32768, 0, 1}),
            SimpleBatch.prefills(1),
            SimpleBatch.decodes(0),
        };
        for (SimpleBatch b : far) {
            Breakdown d = p.predict(b);
            assertThat(d.totalMs()).as("%s %s", name, b).isPositive().isFinite();
            for (double c : new double[] {d.linearMs(), d.prefillAttentionMs(), d.decodeAttentionMs(), d.lmHeadMs(),
                    d.communicationMs(), d.overheadMs(), d.flops(), d.bytes()}) {
                assertThat(c).isGreaterThanOrEqualTo(0).isFinite();
            }
        }
        Random r = new Random(99);
        for (int i = 0; i < 500; i++) {
            assertThat(p.predict(randomBatch(r)).totalMs()).isPositive();
        }
    }
}
