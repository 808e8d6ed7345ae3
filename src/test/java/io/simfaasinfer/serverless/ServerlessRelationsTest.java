package io.simfaasinfer.serverless;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.metrics.ServerlessResult;
import io.simfaasinfer.metrics.SimulationResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** How serverless results must move when one knob moves, and invariants of every policy. */
class ServerlessRelationsTest {

    private static SimulationResult run(String... sets) {
        return new Simulator(TestConfigs.of(sets)).run();
    }

    private static String[] with(String[] base, String... more) {
        return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void forASparseWorkloadScaleToZeroCostsLessThanAnAlwaysOnInstanceButHasAHigherP99Ttft() {
        // about one request a minute for half an hour
        String[] sparse = {"workload.num_requests=30", "workload.arrival={process: poisson, rate: 0.016667}",
            "simulation.random_seed=11"};
        SimulationResult alwaysOn = run(sparse);
        SimulationResult toZero = run(with(sparse, "serverless.enabled=true", "serverless.autoscaler.name=scale_to_zero",
                "serverless.keep_alive_s=10"));
        assertThat(toZero.requests().completed()).isEqualTo(30);
        assertThat(toZero.serverless().coldStarts()).isGreaterThan(20);
        assertThat(toZero.cost().costUsd()).isLessThan(alwaysOn.cost().costUsd() * 0.8);
        assertThat(toZero.cost().costPer1kRequests()).isLessThan(alwaysOn.cost().costPer1kRequests());
        assertThat(toZero.ttftMs().p99()).isGreaterThan(alwaysOn.ttftMs().p99() + 10_000);
        // the extra TTFT is cold-start wait, not queueing or prefill
        var split = toZero.serverless().ttftBreakdownMs();
        assertThat(split.coldStartWait().p99()).isGreaterThan(10_000);
        // queueing is at most the rest of an iteration already running on a warm instance (tens of ms)
        assertThat(split.queueing().max()).isLessThan(50.0);
    }

    private static String[] burst(int requests, int warmPool) {
        return new String[] {"workload.num_requests=" + requests, "workload.arrival={process: constant, rate: 1.0e12}",
            "workload.output_tokens={distribution: fixed, value: 32}", "serverless.enabled=true",
            "serverless.instance_concurrency=1", "serverless.min_instances=" + warmPool, "serverless.max_instances=8",
            "serverless.autoscaler.name=scale_to_zero"};
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void aWarmPoolOfKAbsorbsBurstsOfUpToKConcurrentRequestsWithoutColdStarts(int k) {
        SimulationResult fits = run(burst(k, k));
        assertThat(fits.serverless().coldStarts()).isZero();
        assertThat(fits.serverless().requestsCold()).isZero();
        assertThat(fits.ttftMs().max()).isLessThan(1000);
        assertThat(fits.serverless().instancesPeak()).isEqualTo(k);

        // one more than the pool: an instance starts, and the extra request waits (here until a warm one frees up)
        SimulationResult over = run(burst(k + 1, k));
        assertThat(over.serverless().coldStarts()).isEqualTo(1);
        assertThat(over.serverless().requestsCold()).isEqualTo(1);
        assertThat(over.ttftMs().max()).isGreaterThan(fits.ttftMs().max());
    }

    @Test
    void aFasterCheckpointTierGivesShorterColdStartsAndTtft() {
        String[] tiers = {"remote", "local-nvme", "page-cache", "pinned"};
        double prevStart = Double.MAX_VALUE;
        double prevTtft = Double.MAX_VALUE;
        for (String tier : tiers) {
            SimulationResult r = run("workload.num_requests=1", "serverless.enabled=true",
                    "serverless.cold_start.checkpoint_tier=" + tier);
            double start = r.serverless().instanceStartMs().mean();
            assertThat(start).as(tier).isLessThan(prevStart);
            assertThat(r.ttftMs().max()).as(tier).isLessThan(prevTtft);
            assertThat(r.serverless().coldStartsByTier()).containsOnlyKeys(tier);
            prevStart = start;
            prevTtft = r.ttftMs().max();
        }
    }

    @Test
    void defaultColdStartOfLlama2OnH100IsTheMeasuredFrameworkInitAndNvmeBandwidthPlusAssumptions() {
        SimulationResult r = run("workload.num_requests=1", "serverless.enabled=true");
        double weights = io.simfaasinfer.catalog.Catalog.builtin().model("llama-2-7b").weightBytes();
        var m = r.serverless().coldStartModel();
        assertThat(m.frameworkInitS()).isEqualTo(3.8);
        assertThat(m.loadS().get("local-nvme")).isCloseTo(weights / 2.09e9, within(1e-9));
        assertThat(m.loadS().get("page-cache")).isCloseTo(weights / 6.64e9, within(1e-9));
        assertThat(m.loadS().get("pinned")).isCloseTo(weights / 55.3e9, within(1e-9));
        assertThat(m.loadS().get("local-nvme")).isBetween(6.3, 6.6); // "about 6.5 s from a cold local disk"
        assertThat(r.serverless().instanceStartMs().max()).isCloseTo(1000 * m.totalS().get("local-nvme"), within(1e-3));
    }

    @Test
    void hostLocalityMakesARestartWithinTheCacheTtlReadThePageCache() {
        String[] base = {"workload.num_requests=2", "workload.arrival={process: constant, rate: 0.01}",
            "serverless.enabled=true", "serverless.autoscaler.name=scale_to_zero", "serverless.keep_alive_s=5"};
        assertThat(run(base).serverless().coldStartsByTier()).containsEntry("local-nvme", 1L).containsEntry("page-cache", 1L);
        assertThat(run(with(base, "serverless.cold_start.locality=false")).serverless().coldStartsByTier())
                .containsOnlyKeys("local-nvme").containsEntry("local-nvme", 2L);
        assertThat(run(with(base, "serverless.cold_start.host_cache_ttl_s=30")).serverless().coldStartsByTier())
                .containsEntry("local-nvme", 2L);
        // a host cache of pinned memory (ServerlessLLM's pinned chunk pool) restarts faster still
        SimulationResult pinned = run(with(base, "serverless.cold_start.host_cache_tier=pinned"));
        assertThat(pinned.serverless().coldStartsByTier()).containsEntry("pinned", 1L);
        assertThat(pinned.serverless().instanceStartMs().mean()).isLessThan(run(base).serverless().instanceStartMs().mean());
    }

    @Test
    void aBoundedQueueRejectsWhatDoesNotFitAndCountsIt() {
        SimulationResult r = run("workload.num_requests=6", "workload.arrival={process: constant, rate: 1.0e12}",
                "serverless.enabled=true", "serverless.queue_capacity=2");
        assertThat(r.requests().rejectedByReason()).containsEntry("serverless_queue_full", 4L);
        assertThat(r.serverless().rejectedQueueFull()).isEqualTo(4);
        assertThat(r.requests().completed()).isEqualTo(2);
        assertThat(r.serverless().queuePeak()).isEqualTo(2);

        SimulationResult unbounded = run("workload.num_requests=6", "workload.arrival={process: constant, rate: 1.0e12}",
                "serverless.enabled=true");
        assertThat(unbounded.requests().completed()).isEqualTo(6);
        assertThat(unbounded.serverless().queuePeak()).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"threshold", "concurrency", "queue_length", "scale_to_zero", "predictive"})
    void everyPolicyServesABurstyWorkloadWithinItsBoundsDeterministically(String policy) {
        String[] cfg = {"workload.num_requests=400", "workload.arrival={process: gamma, rate: 4, cv: 4}",
            "workload.prompt_tokens={distribution: lognormal, mean: 600, std: 400, max: 3000}",
            "workload.output_tokens={distribution: uniform, min: 16, max: 400}",
            "serverless.enabled=true", "serverless.autoscaler.name=" + policy, "serverless.min_instances=0",
            "serverless.max_instances=4", "serverless.instance_concurrency=8", "serverless.keep_alive_s=20",
            "simulation.random_seed=3"};
        SimulationResult r = run(cfg);
        var q = r.requests();
        assertThat(q.completed() + q.rejected()).isEqualTo(400);
        assertThat(q.rejected()).isZero();
        ServerlessResult s = r.serverless();
        assertThat(s.autoscaler()).isEqualTo(policy);
        assertThat(s.coldStarts()).isPositive();
        assertThat(s.instancesPeak()).isBetween(1, 4);
        assertThat(s.instancesOverTime()).allSatisfy(p -> {
            assertThat(p.starting()).isNotNegative();
            assertThat(p.ready() + p.starting()).isBetween(0, 4);
        });
        assertThat(s.instancesOverTime()).extracting(ServerlessResult.Point::tS).isSorted();
        var i = s.instanceSeconds();
        assertThat(i.busy() + i.idle() + i.starting()).isCloseTo(i.total(), within(1e-6));
        assertThat(s.billing().billedGpuSeconds()).isGreaterThanOrEqualTo(i.total() - 1e-6);
        assertThat(r.cost().costUsd()).isEqualTo(s.billing().costUsd()).isPositive();
        assertThat(s.coldStarts()).isEqualTo(s.coldStartsByTier().values().stream().mapToLong(Long::longValue).sum());
        assertThat(r.ttftMs().count()).isEqualTo(s.ttftBreakdownMs().prefill().count());
        // TTFT = queueing + cold-start wait + prefill for every request, hence for the means
        var split = s.ttftBreakdownMs();
        assertThat(split.queueing().mean() + split.coldStartWait().mean() + split.prefill().mean())
                .isCloseTo(r.ttftMs().mean(), within(1e-6));
        assertThat(ServerlessAnalyticTest.withoutWallClock(run(cfg)))
                .isEqualTo(ServerlessAnalyticTest.withoutWallClock(r));
    }

    @Test
    void keepAliveTradesCostForColdStarts() {
        List<Long> coldStarts = new ArrayList<>();
        List<Double> costs = new ArrayList<>();
        for (int keepAlive : new int[] {0, 30, 300}) {
            SimulationResult r = run("workload.num_requests=200", "workload.arrival={process: gamma, rate: 0.2, cv: 3}",
                    "serverless.enabled=true", "serverless.autoscaler.name=scale_to_zero",
                    "serverless.keep_alive_s=" + keepAlive, "simulation.random_seed=5");
            coldStarts.add(r.serverless().coldStarts());
            costs.add(r.cost().costUsd());
        }
        assertThat(coldStarts.get(0)).isGreaterThan(coldStarts.get(1));
        assertThat(coldStarts.get(1)).isGreaterThan(coldStarts.get(2));
        assertThat(costs.get(2)).isGreaterThan(costs.get(1));
    }
}
