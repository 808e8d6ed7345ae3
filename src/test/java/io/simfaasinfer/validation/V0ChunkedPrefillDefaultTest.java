package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** vLLM V0's chunked-prefill default for models with max_model_len > 32K (engine preset vllm). */
class V0ChunkedPrefillDefaultTest {

    private static ConfigResolution resolve(String... sets) {
        return ConfigResolution.of(null, Arrays.stream(sets).map(ConfigLoader.Override::set).toList(), null);
    }

    @Test
    void aLongContextModelUnderTheVllmPresetGetsChunkedPrefillWith512TokensAndAWarning() {
        ConfigResolution r = resolve("predictor.engine=vllm", "model.name=llama-3.1-8b", "cluster.gpu=a100-80gb");
        assertThat(r.config().scheduler().name()).isEqualTo("sarathi");
        assertThat(r.config().scheduler().chunkSize()).isEqualTo(512);
        assertThat(r.config().scheduler().maxNumBatchedTokens()).isEqualTo(512);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w.text())
                .contains("scheduler.name is sarathi", "max_model_len > 32K", "131072", "--scheduler vllm"));
    }

    @Test
    void aBudgetTheUserSetIsTheChunkedBudget() {
        ConfigResolution r = resolve("predictor.engine=vllm", "model.name=llama-3.1-8b", "cluster.gpu=a100-80gb",
                "scheduler.max_num_batched_tokens=2048");
        assertThat(r.config().scheduler().name()).isEqualTo("sarathi");
        assertThat(r.config().scheduler().chunkSize()).isEqualTo(2048);
        assertThat(r.config().scheduler().maxNumBatchedTokens()).isEqualTo(2048);
    }

    @Test
    void anExplicitSchedulerAShortContextNoPresetPrefixCachingOrMultiStepLeaveTheConfigurationAlone() {
        String[][] untouched = {
            {"predictor.engine=vllm", "model.name=llama-3.1-8b", "scheduler.name=vllm"},
            {"predictor.engine=vllm", "model.name=llama-2-7b"},
            {"predictor.engine=vllm", "model.name=llama-3-8b"},
            {"model.name=llama-3.1-8b"},
            {"predictor.engine=sglang", "model.name=llama-3.1-8b"},
            {"predictor.engine=vllm", "model.name=llama-3.1-8b", "cluster.prefix_caching=true"},
            {"predictor.engine=vllm", "model.name=llama-3.1-8b", "scheduler.num_scheduler_steps=10"},
        };
        for (String[] sets : untouched) {
            ConfigResolution r = resolve(sets);
            assertThat(r.config().scheduler().name()).as(String.join(" ", sets)).isEqualTo("vllm");
            assertThat(r.warnings()).as(String.join(" ", sets)).noneSatisfy(w -> assertThat(w.text()).contains("32K"));
        }
    }
}
