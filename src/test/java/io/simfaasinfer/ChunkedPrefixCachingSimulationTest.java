package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.validation.ConfigValidator;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.metrics.SimulationResult.PrefixCacheStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Prefix caching in whole simulations under the chunked-prefill schedulers (vllm-v1, sarathi). */
class ChunkedPrefixCachingSimulationTest {

    private static final String MOONCAKE_SAMPLE = "src/test/resources/traces/mooncake_conv_head200.jsonl";

    private static SimulationResult run(String... sets) {
        return new Simulator(TestConfigs.of(sets), Catalog.builtin(), null, null).run();
    }

    private static String[] with(String[] base, String... more) {
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm-v1", "sarathi"})
    void sharedSystemPromptIsComputedOnceThenReused(String scheduler) {
        String[] base = {"scheduler.name=" + scheduler, "workload.num_requests=10",
                "workload.arrival={process: constant, rate: 0.5}",
                "workload.prompt_tokens={distribution: fixed, value: 100}", "workload.shared_prefix_tokens=512",
                "workload.output_tokens={distribution: fixed, value: 8}", "scheduler.chunk_size=256",
                "scheduler.max_num_batched_tokens=256"};
        SimulationResult off = run(base);
        SimulationResult cached = run(with(base, "cluster.prefix_caching=true"));
        PrefixCacheStats p = cached.prefixCache();
        // 512 shared tokens = 32 blocks of 16: computed by the first request, reused by the 9 others
        assertThat(p.prefillTokensSaved()).isEqualTo(9 * 512);
        assertThat(p.prefillTokensComputed()).isEqualTo(10 * 612 - 9 * 512);
        assertThat(p.hitBlocks()).isEqualTo(9 * 32);
        assertThat(p.lookupBlocks()).isEqualTo(10 * 32);
        assertThat(off.prefixCache().prefillTokensComputed()).isEqualTo(10 * 612);
        // a 612-token prompt takes 3 chunks of 256; the 100 uncached tokens take one: TTFT drops
        assertThat(cached.ttftMs().p50()).isLessThan(off.ttftMs().p50());
        assertThat(cached.requests().completed()).isEqualTo(10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm-v1", "sarathi"})
    void onTheMooncakeSampleCachingCutsComputedPrefillTokens(String scheduler) {
        String[] base = {"scheduler.name=" + scheduler, "workload.trace.file=" + MOONCAKE_SAMPLE,
                "model.name=llama-3.1-8b"};
        SimulationResult off = run(base);
        SimulationResult on = run(with(base, "cluster.prefix_caching=true"));
        for (SimulationResult r : new SimulationResult[] {off, on}) {
            assertThat(r.requests().arrived()).isEqualTo(200);
            assertThat(r.requests().completed() + r.requests().rejected()).isEqualTo(r.requests().arrived());
        }
        assertThat(on.requests().completed()).isEqualTo(off.requests().completed());
        assertThat(on.prefixCache().prefillTokensSaved()).isPositive();
        assertThat(on.prefixCache().prefillTokensComputed()).isLessThan(off.prefixCache().prefillTokensComputed());
        if (on.requests().preemptions() + off.requests().preemptions() == 0) {
            // every saved token is a prompt token the uncached run computed
            assertThat(on.prefixCache().prefillTokensComputed() + on.prefixCache().prefillTokensSaved())
                    .isEqualTo(off.prefixCache().prefillTokensComputed());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm-v1", "sarathi"})
    void sessionsUnderMemoryPressureCompleteEveryRequest(String scheduler) {
        // a small cache (low memory utilisation) with multi-turn sessions: preemptions and evictions
        SimulationResult r = run("scheduler.name=" + scheduler, "workload.num_requests=300",
                "workload.arrival={process: poisson, rate: 20}", "simulation.random_seed=7",
                "workload.prompt_tokens={distribution: uniform, min: 200, max: 900}",
                "workload.output_tokens={distribution: uniform, min: 50, max: 400}",
                "workload.shared_prefix_tokens=256",
                "workload.session={turns: {distribution: fixed, value: 3}, think_time_s: 1}",
                "cluster.gpu_memory_utilization=0.2", "cluster.prefix_caching=true");
        assertThat(r.requests().completed() + r.requests().rejected()).isEqualTo(r.requests().arrived());
        assertThat(r.requests().completed()).isPositive();
        assertThat(r.requests().preemptions()).as("memory pressure").isPositive();
        assertThat(r.prefixCache().prefillTokensSaved()).isPositive();
    }

    @Test
    void schedulersThatReserveKvUpFrontAreRefusedWithTheSupportedList() {
        for (String s : new String[] {"orca", "faster-transformer", "lightllm"}) {
            assertThatThrownBy(() -> ConfigValidator.validate(TestConfigs.of("scheduler.name=" + s,
                    "cluster.prefix_caching=true"), Catalog.builtin(), "test.yaml"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("cluster.prefix_caching")
                    .hasMessageContaining("sarathi, vllm, vllm-v1")
                    .hasMessageContaining("'" + s + "'");
        }
    }
}
