package io.simfaasinfer.predictor.profile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BuiltinProfilesTest {

    @Test
    void findsShippedProfilesByCatalogNames() {
        assertThat(BuiltinProfiles.available()).contains("h100/llama-2-7b", "h100/llama-3-8b");
        assertThat(BuiltinProfiles.gpuFolder("h100-80gb")).isEqualTo("h100");
        FaaSInferProfile p = BuiltinProfiles.find("llama-2-7b", "h100-80gb").orElseThrow();
        assertThat(p.source()).isEqualTo("classpath:profiles/h100/llama-2-7b");
        assertThat(p.entries()).isEqualTo(Fixtures.llama2().entries());
        assertThat(BuiltinProfiles.find("llama-3-8b", "H100-80GB")).isPresent();
        assertThat(BuiltinProfiles.find("llama-3-8b", "h100")).isPresent();
    }

    @Test
    void entriesCompareByValueAsRecordsDoTheFitCacheKey() {
        ProfileEntry a = Fixtures.llama2().entries().get(0);
        ProfileEntry same = new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache(), a.newTokens(),
                a.batchSize(), a.meanMs(), a.medianMs(), a.stdMs(), a.minMs(), a.n(), a.eagerMedianMs());
        assertThat(same).isEqualTo(a).hasSameHashCodeAs(a);
        // every component takes part
        java.util.List<ProfileEntry> other = java.util.List.of(
                new ProfileEntry(a.index() + 1, a.phase(), a.seqLen(), a.kvCache(), a.newTokens(), a.batchSize(),
                        a.meanMs(), a.medianMs(), a.stdMs(), a.minMs(), a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), ProfileEntry.Phase.DECODE, a.seqLen(), a.kvCache(), a.newTokens(),
                        a.batchSize(), a.meanMs(), a.medianMs(), a.stdMs(), a.minMs(), a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen() + 1, a.kvCache(), a.newTokens(), a.batchSize(),
                        a.meanMs(), a.medianMs(), a.stdMs(), a.minMs(), a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache() + 1, a.newTokens(), a.batchSize(),
                        a.meanMs(), a.medianMs(), a.stdMs(), a.minMs(), a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache(), a.newTokens() + 1, a.batchSize(),
                        a.meanMs(), a.medianMs(), a.stdMs(), a.minMs(), a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache(), a.newTokens(), a.batchSize() + 1,
                        a.meanMs(), a.medianMs(), a.stdMs(), a.minMs(), a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache(), a.newTokens(), a.batchSize(),
                        a.meanMs() + 1e-9, a.medianMs(), a.stdMs(), a.minMs(), a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache(), a.newTokens(), a.batchSize(),
                        a.meanMs(), a.medianMs() + 1e-9, a.stdMs(), a.minMs(), a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache(), a.newTokens(), a.batchSize(),
                        a.meanMs(), a.medianMs(), a.stdMs() + 1e-9, a.minMs(), a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache(), a.newTokens(), a.batchSize(),
                        a.meanMs(), a.medianMs(), a.stdMs(), a.minMs() + 1e-9, a.n(), a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache(), a.newTokens(), a.batchSize(),
                        a.meanMs(), a.medianMs(), a.stdMs(), a.minMs(), a.n() + 1, a.eagerMedianMs()),
                new ProfileEntry(a.index(), a.phase(), a.seqLen(), a.kvCache(), a.newTokens(), a.batchSize(),
                        a.meanMs(), a.medianMs(), a.stdMs(), a.minMs(), a.n(), java.util.OptionalDouble.of(-1)));
        for (ProfileEntry o : other) {
            assertThat(o).isNotEqualTo(a);
        }
        // doubles as records compare them: NaN equals NaN, 0.0 differs from -0.0
        ProfileEntry nan = new ProfileEntry(0, ProfileEntry.Phase.PREFILL, 1, 0, 1, 1, Double.NaN, 1, 0, 1, 1,
                java.util.OptionalDouble.empty());
        ProfileEntry nan2 = new ProfileEntry(0, ProfileEntry.Phase.PREFILL, 1, 0, 1, 1, Double.NaN, 1, 0, 1, 1,
                java.util.OptionalDouble.empty());
        assertThat(nan).isEqualTo(nan2).hasSameHashCodeAs(nan2);
        assertThat(new ProfileEntry(0, ProfileEntry.Phase.PREFILL, 1, 0, 1, 1, 1, 1, 0.0, 1, 1,
                java.util.OptionalDouble.empty())).isNotEqualTo(new ProfileEntry(0, ProfileEntry.Phase.PREFILL, 1,
                0, 1, 1, 1, 1, -0.0, 1, 1, java.util.OptionalDouble.empty()));
    }

    @Test
    void unknownModelOrGpuIsEmpty() {
        assertThat(BuiltinProfiles.find("llama-2-70b", "h100-80gb")).isEmpty();
        assertThat(BuiltinProfiles.find("llama-2-7b", "a100-80gb")).isEmpty();
        assertThat(BuiltinProfiles.deviceCeilings("a100-80gb")).isEmpty();
    }

    @Test
    void deviceCeilings() {
        DeviceCeilings c = BuiltinProfiles.deviceCeilings("h100-80gb").orElseThrow();
        assertThat(c.bf16MatmulTflops()).isEqualTo(765.4);
        assertThat(c.d2dCopyTbS()).isEqualTo(3.01);
        assertThat(c.diskToGpuColdGbS()).isEqualTo(2.09);
    }

    @Test
    void shippedProfilesFitWithoutError() {
        ProfilePredictor p = ProfilePredictor.fit(BuiltinProfiles.find("llama-3-8b", "h100-80gb").orElseThrow(),
                Fixtures.LLAMA_3_8B, Fixtures.H100);
        assertThat(p.describe()).contains("llama-3-8b", "h100-80gb", "classpath:profiles/h100/llama-3-8b");
    }

    @Test
    void shippedProfilesAreReadOnceAndMatchAFreshRead() {
        FaaSInferProfile cached = BuiltinProfiles.find("llama-2-7b", "h100-80gb").orElseThrow();
        assertThat(BuiltinProfiles.find("llama-2-7b", "h100-80gb").orElseThrow()).isSameAs(cached);
        assertThat(BuiltinProfiles.has("llama-2-7b", "H100-80GB")).isTrue();
        assertThat(BuiltinProfiles.has("llama-2-70b", "h100-80gb")).isFalse();
        ProfileReader.Opener opener = name -> BuiltinProfiles.class.getClassLoader()
                .getResourceAsStream("profiles/h100/llama-2-7b/" + name);
        FaaSInferProfile fresh = ProfileReader.read("classpath:profiles/h100/llama-2-7b", opener, null, "llama-2-7b",
                "model", null);
        assertThat(cached).isEqualTo(fresh);
    }

    @Test
    void cachedFitEqualsAFreshFit() {
        for (String model : BuiltinProfiles.available()) {
            String[] gm = model.split("/");
            FaaSInferProfile p = BuiltinProfiles.find(gm[1], gm[0]).orElseThrow();
            ProfileCoefficients first = ProfileFitter.fitCached(p.entries());
            ProfileCoefficients fresh = ProfileFitter.fit(p.entries());
            assertThat(first).isEqualTo(fresh);
            assertThat(first.tokenSlopesMs()).containsExactly(fresh.tokenSlopesMs());
            // a copy of the entries (another list, equal records) hits the cache: the very same coefficients
            assertThat(ProfileFitter.fitCached(new java.util.ArrayList<>(p.entries()))).isSameAs(first);
        }
        // and the predictor built through the cache predicts exactly as one fitted afresh
        FaaSInferProfile p = BuiltinProfiles.find("llama-2-7b", "h100-80gb").orElseThrow();
        ProfilePredictor viaCache = ProfilePredictor.fit(p, Fixtures.LLAMA_2_7B, Fixtures.H100);
        ProfilePredictor afresh = new ProfilePredictor(ProfileFitter.fit(p.entries()), Fixtures.LLAMA_2_7B, Fixtures.H100,
                p.tensorParallel(), p.tensorParallel(), p.source());
        assertThat(viaCache.coefficients()).isEqualTo(afresh.coefficients());
        for (ProfileEntry e : p.entries()) {
            assertThat(viaCache.predict(e.toBatch()).totalMs()).isEqualTo(afresh.predict(e.toBatch()).totalMs());
        }
    }
}
