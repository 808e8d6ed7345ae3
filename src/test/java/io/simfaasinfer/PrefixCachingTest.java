package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.metrics.SimulationResult.PrefixCacheStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prefix caching in whole simulations: an exact synthetic case (a shared system prompt), the
 * Mooncake conversation trace with and without caching, and the prefix-aware router against
 * round robin.
 */
class PrefixCachingTest {

    private static final String MOONCAKE = "data/traces/mooncake_conversation_trace.jsonl";

    private static SimulationResult run(String... sets) {
        return new Simulator(TestConfigs.of(sets), Catalog.builtin(), null, null).run();
    }

    @Test
    void sharedSystemPromptIsComputedOnceThenReused() {
        String[] base = {"workload.num_requests=10", "workload.arrival={process: constant, rate: 0.5}",
                "workload.prompt_tokens={distribution: fixed, value: 100}", "workload.shared_prefix_tokens=512",
                "workload.output_tokens={distribution: fixed, value: 8}"};
        SimulationResult off = run(base);
        String[] on = java.util.Arrays.copyOf(base, base.length + 1);
        on[base.length] = "cluster.prefix_caching=true";
        SimulationResult cached = run(on);
        PrefixCacheStats p = cached.prefixCache();
        // 512 shared tokens = 32 blocks of 16: computed by the first request, reused by the 9 others
        assertThat(p.prefillTokensSaved()).isEqualTo(9 * 512);
        assertThat(p.prefillTokensComputed()).isEqualTo(10 * 612 - 9 * 512);
        assertThat(p.hitBlocks()).isEqualTo(9 * 32);
        assertThat(p.lookupBlocks()).isEqualTo(10 * 32);
        assertThat(off.prefixCache().prefillTokensComputed()).isEqualTo(10 * 612);
        assertThat(off.prefixCache().prefillTokensSaved()).isZero();
        // requests never overlap, so each one's TTFT is its prefill: shorter when 512 tokens are cached
        assertThat(cached.ttftMs().p50()).isLessThan(off.ttftMs().p50());
        assertThat(cached.requests().completed()).isEqualTo(10);
    }

    @Test
    void multiTurnSessionsReuseTheConversationHistory() {
        SimulationResult r = run("workload.num_requests=200", "workload.arrival={process: poisson, rate: 1}",
                "workload.prompt_tokens={distribution: fixed, value: 64}",
                "workload.output_tokens={distribution: fixed, value: 32}",
                "workload.session={turns: {distribution: fixed, value: 4}, think_time_s: 5}",
                "cluster.prefix_caching=true");
        assertThat(r.requests().completed()).isEqualTo(200);
        // turn k's prompt holds turns 1..k-1: most of later turns' prompts are cached
        assertThat(r.prefixCache().tokenHitRate()).isGreaterThan(0.4);
        assertThat(r.workloadAdjustments()).containsKey("sessions_started");
    }

    private static SimulationResult mooncake(int replicas, String router, boolean caching) {
        return run("workload.trace.file=" + MOONCAKE, "model.name=llama-3.1-8b",
                "scheduler.max_num_batched_tokens=131072", "cluster.replicas=" + replicas, "cluster.router=" + router,
                "cluster.prefix_caching=" + caching);
    }

    @Test
    void onMooncakePrefixCachingCutsPrefillTokensAndMeanTtft() {
        SimulationResult off = mooncake(4, "round_robin", false);
        SimulationResult on = mooncake(4, "round_robin", true);
        assertThat(on.requests().completed()).isEqualTo(off.requests().completed()).isEqualTo(12_031);
        assertThat(on.prefixCache().prefillTokensSaved()).isPositive();
        assertThat(on.prefixCache().prefillTokensComputed()).isLessThan(off.prefixCache().prefillTokensComputed());
        // every saved token is a prompt token the uncached run computed (no preemptions in either run)
        assertThat(on.requests().preemptions() + off.requests().preemptions()).isZero();
        assertThat(on.prefixCache().prefillTokensComputed() + on.prefixCache().prefillTokensSaved())
                .isEqualTo(off.prefixCache().prefillTokensComputed());
        assertThat(on.ttftMs().mean()).isLessThan(off.ttftMs().mean());
    }

    @Test
    void prefixAwareRouterRaisesTheHitRateOverRoundRobin() {
        SimulationResult rr = mooncake(8, "round_robin", true);
        SimulationResult pa = mooncake(8, "prefix_aware", true);
        assertThat(pa.requests().completed()).isEqualTo(12_031);
        assertThat(pa.prefixCache().blockHitRate()).isGreaterThan(1.5 * rr.prefixCache().blockHitRate());
        assertThat(pa.prefixCache().tokenHitRate()).isGreaterThan(rr.prefixCache().tokenHitRate());
    }
}
