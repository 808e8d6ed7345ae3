package io.simfaasinfer.serverless;

import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.validation.ConfigValidator;
import io.simfaasinfer.config.SimulatorConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The serverless section: defaults, resolution from the GPU profile, and one-line errors naming the key. */
class ServerlessConfigTest {

    private static SimulatorConfig validate(String... sets) {
        return ConfigValidator.validate(TestConfigs.of(sets), Catalog.builtin(), "test.yaml");
    }

    @Test
    void disabledByDefaultWithColdStartFiguresResolvedFromTheGpuProfile() {
        var s = validate().serverless();
        assertThat(s.enabled()).isFalse();
        assertThat(s.minInstances()).isZero();
        assertThat(s.maxInstances()).isEqualTo(8);
        assertThat(s.keepAliveS()).isEqualTo(60);
        assertThat(s.autoscaler().name()).isEqualTo("concurrency");
        var cs = s.coldStart();
        assertThat(cs.checkpointTier()).isEqualTo("local-nvme");
        assertThat(cs.frameworkInitS()).isEqualTo(3.8);
        assertThat(cs.localNvmeGbS()).isEqualTo(2.09);
        assertThat(cs.pageCacheGbS()).isEqualTo(6.64);
        assertThat(cs.pinnedGbS()).isEqualTo(55.3);

        var a100 = validate("cluster.gpu=a100-80gb").serverless().coldStart();
        assertThat(a100.pinnedGbS()).as("PCIe Gen4 host").isEqualTo(27.6);
        assertThat(validate("serverless.cold_start.pinned_gb_s=12.5").serverless().coldStart().pinnedGbS()).isEqualTo(12.5);
        assertThat(ColdStartProfiles.builtin().has("tpu-v4")).isFalse();
        assertThat(validate("cluster.gpu=tpu-v4", "model.name=llama-2-7b").serverless().coldStart().pinnedGbS())
                .as("default profile").isEqualTo(27.6);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "serverless.max_instances=0|serverless.max_instances: expected an integer in [1, 10000], got 0",
        "serverless.min_instances=9|serverless.min_instances: expected an integer in [0, max_instances = 8], got 9",
        "serverless.keep_alive_s=-1|serverless.keep_alive_s: expected a number >= 0, got -1.0",
        "serverless.instance_concurrency=-2|serverless.instance_concurrency: expected an integer >= 0",
        "serverless.queue_capacity=-1|serverless.queue_capacity: expected an integer >= 0",
        "serverless.cold_start.checkpoint_tier=s3|serverless.cold_start.checkpoint_tier: unknown checkpoint tier 's3'; expected one of remote, local-nvme, page-cache, pinned",
        "serverless.cold_start.host_cache_tier=disk|serverless.cold_start.host_cache_tier: unknown checkpoint tier 'disk'",
        "serverless.cold_start.local_nvme_gb_s=0|serverless.cold_start.local_nvme_gb_s: expected a positive number, got 0.0",
        "serverless.cold_start.engine_warmup_s=-3|serverless.cold_start.engine_warmup_s: expected a number >= 0",
        "serverless.autoscaler.name=hpa|serverless.autoscaler.name: unknown autoscaler 'hpa'; known: concurrency, predictive, queue_length, scale_to_zero, threshold",
        "serverless.autoscaler.evaluation_interval_s=0|serverless.autoscaler.evaluation_interval_s: expected a positive number",
        "serverless.autoscaler.threshold.metric=cpu|serverless.autoscaler.threshold.metric: unknown metric 'cpu'",
        "serverless.autoscaler.threshold.scale_down_below=0.9|serverless.autoscaler.threshold.scale_down_below: expected less than scale_up_above (0.8), got 0.9",
        "serverless.autoscaler.threshold.step=0|serverless.autoscaler.threshold.step: expected a positive integer, got 0",
        "serverless.autoscaler.concurrency.target=0|serverless.autoscaler.concurrency.target: expected a positive number",
        "serverless.autoscaler.concurrency.panic_window_s=90|serverless.autoscaler.concurrency.panic_window_s: expected at most stable_window_s (60.0), got 90.0",
        "serverless.autoscaler.concurrency.panic_threshold=0.5|serverless.autoscaler.concurrency.panic_threshold: expected a number >= 1",
        "serverless.autoscaler.concurrency.max_scale_up_rate=1|serverless.autoscaler.concurrency.max_scale_up_rate: expected a number > 1, got 1.0",
        "serverless.autoscaler.concurrency.max_scale_down_rate=0.5|serverless.autoscaler.concurrency.max_scale_down_rate: expected a number > 1, got 0.5",
        "serverless.autoscaler.concurrency.max_scale_down_rate=1|serverless.autoscaler.concurrency.max_scale_down_rate: expected a number > 1, got 1.0",
        "serverless.autoscaler.concurrency.scale_down_delay_s=-1|serverless.autoscaler.concurrency.scale_down_delay_s: expected a number in [0, 3600] s, got -1.0",
        "serverless.autoscaler.concurrency.scale_down_delay_s=7200|serverless.autoscaler.concurrency.scale_down_delay_s: expected a number in [0, 3600] s, got 7200.0",
        "serverless.autoscaler.queue_length.target_per_instance=0|serverless.autoscaler.queue_length.target_per_instance: expected a positive number",
        "serverless.autoscaler.predictive.lead_s=-1|serverless.autoscaler.predictive.lead_s: expected a number >= 0",
        "serverless.billing.idle_price_factor=1.5|serverless.billing.idle_price_factor: expected a number in [0, 1], got 1.5",
        "serverless.billing.granularity_s=-0.1|serverless.billing.granularity_s: expected a number >= 0",
        "serverless.billing.price_per_gpu_hour=-2|serverless.billing.price_per_gpu_hour: expected a number >= 0",
    })
    void badValuesAreOneLineErrorsNamingTheKeyPath(String set, String message) {
        badValue(set, message);
    }

    @Test
    void aSectionSetToNullIsRefusedByTheLoaderNamingTheOverride() {
        assertThatThrownBy(() -> validate("serverless.enabled=true", "serverless.cold_start=null"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--set serverless.cold_start=null: serverless.cold_start: no value given; expected a mapping");
    }

    private static void badValue(String set, String message) {
        assertThatThrownBy(() -> validate("serverless.enabled=true", set))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml: ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void mistakesAreCaughtEvenWhileTheSectionIsDisabled() {
        assertThatThrownBy(() -> validate("serverless.min_instances=20"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("serverless.min_instances");
    }

    @Test
    void unknownKeysAndWrongTypesNameTheirPath() {
        assertThatThrownBy(() -> TestConfigs.of("serverless.keepalive=3"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("serverless.keepalive: unknown key");
        assertThatThrownBy(() -> TestConfigs.of("serverless.max_instances=lots"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("serverless.max_instances: expected an integer");
        assertThatThrownBy(() -> TestConfigs.of("serverless.autoscaler.concurrency.window=3"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("serverless.autoscaler.concurrency.window: unknown key");
    }
}
