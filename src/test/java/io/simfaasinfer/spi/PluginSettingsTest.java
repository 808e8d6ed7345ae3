package io.simfaasinfer.spi;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.validation.ConfigResolution;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A plug-in's settings get the treatment of built-ins' (the test plug-in test-lifo declares
 * {@code options.lifo_window}): type and bounds checked, its own check run, omitted options
 * defaulted, unknown options refused with a suggestion.
 */
class PluginSettingsTest {

    private static ConfigResolution resolve(String... sets) {
        return ConfigResolution.of(null, java.util.Arrays.stream(sets).map(ConfigLoader.Override::set).toList(), null);
    }

    @Test
    void omittedOptionsGetTheDeclaredDefault() {
        var r = resolve("scheduler.local_policy=test-lifo");
        assertThat(r.config().scheduler().options()).containsEntry("lifo_window", 0);
        var given = resolve("scheduler.local_policy=test-lifo", "scheduler.options.lifo_window=512");
        assertThat(given.config().scheduler().options()).containsEntry("lifo_window", 512);
    }

    @Test
    void aBadValueIsRefusedByTheDeclaration() {
        assertThatThrownBy(() -> resolve("scheduler.local_policy=test-lifo", "scheduler.options.lifo_window=-1"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--set scheduler.options.lifo_window=-1: scheduler.options.lifo_window: expected an integer"
                        + " in [0, 1000000], got -1");
        assertThatThrownBy(() -> resolve("scheduler.local_policy=test-lifo", "scheduler.options.lifo_window=wide"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("scheduler.options.lifo_window: expected an integer in [0, 1000000], got 'wide'");
    }

    @Test
    void thePluginsOwnCheckRunsWithTheFamilysValues() {
        assertThatThrownBy(() -> resolve("scheduler.local_policy=test-lifo", "scheduler.options.lifo_window=8",
                "scheduler.max_num_seqs=64"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("scheduler.options.lifo_window: expected 0 or at least max_num_seqs (64), got 8");
        assertThat(resolve("scheduler.local_policy=test-lifo", "scheduler.options.lifo_window=64",
                "scheduler.max_num_seqs=64").config().scheduler().options()).containsEntry("lifo_window", 64);
    }

    @Test
    void anUnknownOptionIsRefusedWithWhatTheChosenImplementationsRead() {
        assertThatThrownBy(() -> resolve("scheduler.local_policy=test-lifo", "scheduler.options.lifo_windw=8"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("scheduler.options.lifo_windw: unknown option of 'vllm' and 'test-lifo'"
                        + " (did you mean 'options.lifo_window'?); it reads options.lifo_window");
        assertThatThrownBy(() -> resolve("scheduler.options.lifo_window=8"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("scheduler.options.lifo_window: unknown option of 'vllm' and 'fcfs'; it reads no"
                        + " options");
    }

    @Test
    void anAutoscalersOptionsAreCheckedTheSameWay() {
        assertThatThrownBy(() -> resolve("serverless.enabled=true", "serverless.autoscaler.name=concurrency",
                "serverless.autoscaler.options.window=3"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("serverless.autoscaler.options.window: unknown option of 'concurrency'; it reads"
                        + " no options");
    }

    @Test
    void builtInsDeclareTheirKeysAndCapabilities() {
        var schedulers = io.simfaasinfer.scheduler.Schedulers.registry().all();
        assertThat(schedulers.get("sarathi").settings()).extracting(Setting::key).contains("chunk_size", "watermark");
        assertThat(schedulers.get("vllm").settings()).extracting(Setting::key).containsExactly("watermark", "num_scheduler_steps");
        assertThat(schedulers.values()).filteredOn(f -> f.capabilities().contains("prefix_caching"))
                .extracting(NamedFactory::name).containsExactlyInAnyOrder("vllm", "vllm-v1", "sarathi");
        var milp = io.simfaasinfer.scheduler.local.LocalPolicies.registry().all().get("milp");
        assertThat(milp.settings()).extracting(Setting::key)
                .containsExactly("milp_node_limit", "milp_time_limit_ms", "milp_max_candidates");
        // a declared default agrees with the built-in defaults file
        assertThat(resolve().config().scheduler().chunkSize())
                .isEqualTo(schedulers.get("sarathi").settings().stream().filter(s -> s.key().equals("chunk_size"))
                        .findFirst().orElseThrow().defaultValue());
    }

    @Test
    void everyDeclaredDefaultIsTheDefaultsFilesValue() {
        var values = resolve().config().scheduler().values();
        List<NamedFactory> all = new java.util.ArrayList<>(io.simfaasinfer.scheduler.Schedulers.registry().all().values());
        all.addAll(io.simfaasinfer.scheduler.local.LocalPolicies.registry().all().values());
        for (NamedFactory f : all) {
            for (Setting s : f.settings()) {
                if (!s.key().startsWith("options.")) {
                    Object v = values.get(s.key());
                    assertThat(v instanceof Number n ? n.doubleValue() : v).as(f.name() + " " + s.key())
                            .isEqualTo(s.defaultValue() instanceof Number n ? n.doubleValue() : s.defaultValue());
                }
            }
        }
    }
}
