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
}
