package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.IterationShape;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.RooflinePredictor;
import io.simfaasinfer.predictor.SimpleBatch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ProfilePredictorTest {

    private final FaaSInferProfile profile = Fixtures.llama2();
    private final ProfilePredictor p = ProfilePredictor.fit(profile, Fixtures.LLAMA_2_7B, Fixtures.H100);

    @Test
    void totalEqualsTheFittedModelAndBreakdownIsPhysical() {
        for (ProfileEntry e : profile.entries()) {
            double expected = p.coefficients().totalMs(IterationShape.of(e.toBatch()));
            assertThat(p.predict(e.toBatch()).totalMs()).isCloseTo(expected, within(1e-9));
        }
        Breakdown decode = p.predict(SimpleBatch.uniformDecode(16, 4096));
        Breakdown prefill = p.predict(SimpleBatch.prefills(8192));
        System.out.println(p.describe());
        System.out.println("decode 16x4096: " + decode);
        System.out.println("prefill 8192: " + prefill);
        // The profile's decode attention implies close to datasheet HBM bandwidth (3.1 of 3.35 TB/s).
        assertThat(p.effectiveBandwidth()).isBetween(2.5e12, 3.35e12);
        // Long-context decode is dominated by KV reads and the weight floor; a long prefill by GEMMs.
        assertThat(decode.decodeAttentionMs()).isGreaterThan(decode.prefillAttentionMs()).isGreaterThan(5);
        assertThat(decode.linearMs()).isGreaterThan(3.5); // ~13 GB of weights at ~3.1 TB/s
        assertThat(prefill.linearMs()).isGreaterThan(200);
        assertThat(prefill.prefillAttentionMs()).isBetween(20.0, 50.0);
        assertThat(prefill.decodeAttentionMs()).isZero();
        assertThat(decode.communicationMs()).isZero();
        assertThat(decode.overheadMs()).isBetween(1.0, 5.0);
    }

    @Test
    void flopsAndBytesAreTheRooflineCounts() {
        RooflinePredictor r = new RooflinePredictor(Fixtures.LLAMA_2_7B, Fixtures.H100, 1, RooflineParams.DEFAULTS);
        SimpleBatch b = SimpleBatch.of(new int[] {512, 384}, new int[] {0, 1024}, new int[] {1024, 700, 700});
        assertThat(p.predict(b).flops()).isCloseTo(r.predict(b).flops(), within(1e-6 * r.predict(b).flops()));
        assertThat(p.predict(b).bytes()).isCloseTo(r.predict(b).bytes(), within(1e-6 * r.predict(b).bytes()));
    }

    @Test
    void mixedBatchesAndUnevenPrefillsOffTheGrid() {
        // Chunked prefill: a 512-token chunk on 3584 cached tokens costs more than a fresh 512-token prompt.
        double fresh = p.predict(SimpleBatch.prefills(512)).totalMs();
        double chunk = p.predict(SimpleBatch.of(new int[] {512}, new int[] {3584}, null)).totalMs();
        assertThat(chunk).isGreaterThan(fresh);
        // Two uneven prompts (1000 + 3000) sit between 4000 tokens as 4x1000 and 1x4000 (attention is quadratic).
        double uneven = p.predict(SimpleBatch.prefills(1000, 3000)).totalMs();
        assertThat(uneven).isBetween(p.predict(SimpleBatch.uniformPrefill(4, 1000, 0)).totalMs(),
                p.predict(SimpleBatch.prefills(4000)).totalMs());
        // A mixed batch adds its decodes' attention and tokens to the prefill.
        SimpleBatch mixed = SimpleBatch.of(new int[] {512}, new int[] {0}, new int[] {2000, 2000, 2000});
        assertThat(p.predict(mixed).totalMs()).isGreaterThan(fresh);
        assertThat(p.predict(mixed).decodeAttentionMs()).isPositive();
    }

    @Test
    void tensorParallelScalingIsDocumentedIdealSharding() {
        ProfilePredictor tp2 = ProfilePredictor.fit(profile, Fixtures.LLAMA_2_7B, Fixtures.H100, 2);
        SimpleBatch b = SimpleBatch.prefills(4096);
        Breakdown one = p.predict(b);
        Breakdown two = tp2.predict(b);
        assertThat(two.linearMs()).isCloseTo(one.linearMs() / 2, within(1e-9));
        assertThat(two.prefillAttentionMs()).isCloseTo(one.prefillAttentionMs() / 2, within(1e-9));
        assertThat(two.overheadMs()).isEqualTo(one.overheadMs());
        assertThat(two.communicationMs()).isPositive();
        assertThat(two.totalMs()).isLessThan(one.totalMs());
        assertThat(tp2.describe()).contains("scaled from tp=1");
        // A profile measured at TP=2 cannot be turned into TP=4 or TP=1.
        assertThatThrownBy(() -> new ProfilePredictor(p.coefficients(), Fixtures.LLAMA_2_7B, Fixtures.H100, 2, 4, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor_parallel=2");
    }

    @Test
    void rejectsAProfileOfAnotherModel() {
        assertThatThrownBy(() -> ProfilePredictor.fit(profile, Fixtures.LLAMA_3_8B, Fixtures.H100))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("mismatched model");
    }

    @Test
    void needsBothPhasesToFit() {
        FaaSInferProfile prefillOnly = new FaaSInferProfile(profile.source(), profile.metadata(),
                profile.modelMemory(), profile.prefillEntries());
        assertThatThrownBy(() -> ProfilePredictor.fit(prefillOnly, Fixtures.LLAMA_2_7B, Fixtures.H100))
                .isInstanceOf(ProfileException.class)
                .hasMessageStartingWith(profile.source() + ": cannot fit");
        assertThatThrownBy(() -> ProfileFitter.fit(profile.prefillEntries()))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("0 decode entries");
    }

    @Test
    void predictIsCheapEnoughForMillionsOfIterations() {
        SimpleBatch b = SimpleBatch.of(new int[] {512}, new int[] {1024}, new int[128]);
        double sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 200_000; i++) {
            sink += p.predict(b).totalMs();
        }
        double perCallUs = (System.nanoTime() - start) / 1e3 / 200_000;
        assertThat(sink).isPositive();
        assertThat(perCallUs).as("us per predict").isLessThan(50);
    }
}
