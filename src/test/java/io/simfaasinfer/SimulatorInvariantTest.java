package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.report.JsonReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties that must hold for every configuration and seed. */
class SimulatorInvariantTest {

    private static final String[] ROUTERS = {"round_robin", "random", "least_outstanding"};

    /** A random small configuration; low memory utilisation makes KV pressure (and preemption) common. */
    private static String[] randomConfig(SplittableRandom rnd, long seed) {
        String prompt = switch (rnd.nextInt(4)) {
            case 0 -> "{distribution: fixed, value: " + rnd.nextInt(1, 2000) + "}";
            case 1 -> "{distribution: uniform, min: 1, max: " + rnd.nextInt(2, 3000) + "}";
            case 2 -> "{distribution: lognormal, mean: 500, std: 600, max: 3500}";
            default -> "{distribution: zipf, exponent: 1.1, min: 10, max: 2000}";
        };
        String output = switch (rnd.nextInt(3)) {
            case 0 -> "{distribution: fixed, value: " + rnd.nextInt(1, 600) + "}";
            case 1 -> "{distribution: normal, mean: 200, std: 150, max: 1000}";
            default -> "{distribution: uniform, min: 1, max: 800}";
        };
        return new String[] {
            "simulation.random_seed=" + seed,
            "workload.num_requests=" + rnd.nextInt(50, 400),
            "workload.arrival={process: gamma, rate: " + (1 + rnd.nextInt(60)) + ", cv: " + (0.5 + rnd.nextDouble() * 3) + "}",
            "workload.prompt_tokens=" + prompt,
            "workload.output_tokens=" + output,
            "cluster.replicas=" + rnd.nextInt(1, 5),
            "cluster.router=" + ROUTERS[rnd.nextInt(ROUTERS.length)],
            "cluster.gpu_memory_utilization=" + (0.19 + rnd.nextDouble() * 0.3),
            "scheduler.max_num_seqs=" + rnd.nextInt(1, 300),
            "simulation.warmup_requests=" + rnd.nextInt(0, 20),
        };
    }

    @Test
    void everyRequestIsAccountedForAndKvNeverOverflowsAcrossRandomConfigs() {
        SplittableRandom rnd = new SplittableRandom(2026);
        long totalPreemptions = 0;
        for (int seed = 0; seed < 40; seed++) {
            var cfg = TestConfigs.of(randomConfig(rnd, seed));
            List<RequestRecord> records = new ArrayList<>();
            SimulationResult r = new Simulator(cfg, Catalog.builtin(), null, records::add).run();
            var q = r.requests();
            assertThat(q.arrived()).isEqualTo((long) cfg.workload().numRequests());
            assertThat(q.completed() + q.rejected()).as("conservation, seed %d", seed).isEqualTo(q.arrived());
            assertThat(q.rejectedByReason().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(q.rejected());
            assertThat(records).hasSize((int) q.arrived());
            assertThat(r.replicas()).allSatisfy(s -> assertThat(s.kvUtilPeak()).isBetween(0.0, 1.0));
            long tokensMeasured = records.stream().filter(x -> x.measured() && x.outcome().equals("completed"))
                    .mapToLong(x -> x.outputTokens() - 1).sum();
            assertThat(r.tbtMs().count()).as("one TBT sample per later token").isEqualTo(tokensMeasured);
            for (RequestRecord x : records) {
                if (x.outcome().equals("completed")) {
                    assertThat(x.firstScheduledMs()).isGreaterThanOrEqualTo(x.arrivalMs());
                    assertThat(x.firstTokenMs()).isGreaterThan(x.firstScheduledMs());
                    assertThat(x.finishMs()).isGreaterThanOrEqualTo(x.firstTokenMs());
                }
            }
            totalPreemptions += q.preemptions();
        }
        assertThat(totalPreemptions).as("the random configs exercise preemption").isPositive();
    }

    @Test
    void memoryPressurePreemptsAndEveryPreemptedRequestStillCompletes() {
        var cfg = TestConfigs.of("workload.num_requests=300", "workload.arrival.rate=50",
                "workload.prompt_tokens={distribution: fixed, value: 1000}",
                "workload.output_tokens={distribution: fixed, value: 400}",
                "cluster.gpu_memory_utilization=0.2");
        List<RequestRecord> records = new ArrayList<>();
        SimulationResult r = new Simulator(cfg, Catalog.builtin(), null, records::add).run();
        assertThat(r.requests().preemptions()).isPositive();
        assertThat(r.requests().completed()).isEqualTo(300);
        List<RequestRecord> preempted = records.stream().filter(x -> x.preemptions() > 0).toList();
        assertThat(preempted).isNotEmpty().allSatisfy(x -> assertThat(x.outcome()).isEqualTo("completed"));
        assertThat(preempted.stream().mapToLong(RequestRecord::preemptions).sum()).isEqualTo(r.requests().preemptions());
        assertThat(r.utilization().kvCacheUtilPeak()).isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
    }

    @Test
    void requestsThatCanNeverBeServedAreRejectedAndCounted() {
        // llama-2-7b's context is 4096: prompts of 4000 + outputs of 200 exceed it
        var cfg = TestConfigs.of("workload.num_requests=20",
                "workload.prompt_tokens={distribution: uniform, min: 3000, max: 4000}",
                "workload.output_tokens={distribution: fixed, value: 200}");
        SimulationResult r = new Simulator(cfg).run();
        long tooLong = r.requests().rejectedByReason().getOrDefault("exceeds_max_model_len", 0L);
        assertThat(tooLong).isPositive();
        assertThat(r.requests().completed() + tooLong).isEqualTo(20);

        // a cache of a few hundred tokens cannot hold a 1000-token request: rejected, not looping forever
        var tiny = TestConfigs.of("workload.num_requests=5", "cluster.activation_reserve_gb=63.4",
                "workload.prompt_tokens={distribution: fixed, value: 1000}");
        SimulationResult t = new Simulator(tiny).run();
        assertThat(t.requests().rejectedByReason()).containsEntry("exceeds_kv_capacity", 5L);
        assertThat(t.requests().completed()).isZero();
    }

    private static String withoutWallClock(SimulationResult r) {
        return JsonReport.toJson(r).replaceAll("\"wall_s\" : [0-9.eE-]+", "\"wall_s\" : 0");
    }

    @Test
    void sameSeedGivesIdenticalResultsWhateverTheThreadCount() throws Exception {
        String[] base = {"workload.num_requests=400", "cluster.replicas=3", "cluster.router=random",
            "workload.arrival={process: gamma, rate: 30, cv: 2}",
            "workload.prompt_tokens={distribution: lognormal, mean: 800, std: 500, max: 3000}",
            "workload.output_tokens={distribution: uniform, min: 1, max: 400}", "cluster.gpu_memory_utilization=0.25"};
        String sequential = withoutWallClock(new Simulator(TestConfigs.of(base)).run());
        assertThat(withoutWallClock(new Simulator(TestConfigs.of(base)).run())).isEqualTo(sequential);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit(() -> withoutWallClock(new Simulator(TestConfigs.of(base)).run())));
            }
            for (Future<String> f : runs) {
                assertThat(f.get()).isEqualTo(sequential);
            }
        } finally {
            pool.shutdownNow();
        }
        String[] otherSeed = java.util.Arrays.copyOf(base, base.length + 1);
        otherSeed[base.length] = "simulation.random_seed=7";
        assertThat(withoutWallClock(new Simulator(TestConfigs.of(otherSeed)).run())).isNotEqualTo(sequential);
    }

    @Test
    void warmupRequestsAreSimulatedButNotMeasured() {
        var cfg = TestConfigs.of("workload.num_requests=100", "simulation.warmup_requests=30");
        SimulationResult r = new Simulator(cfg).run();
        assertThat(r.requests().completed()).isEqualTo(100);
        assertThat(r.requests().warmupExcluded()).isEqualTo(30);
        assertThat(r.ttftMs().count()).isEqualTo(70);
        assertThat(r.e2eMs().count()).isEqualTo(70);
    }

    @Test
    void durationStopsArrivalsAndCostIsGpusTimesPriceTimesTime() {
        var cfg = TestConfigs.of("workload.num_requests=null", "simulation.duration_s=30", "workload.arrival.rate=5",
                "cluster.replicas=2");
        SimulationResult r = new Simulator(cfg).run();
        assertThat(r.requests().arrived()).isBetween(100L, 200L);
        double price = Catalog.builtin().gpu("h100-80gb").pricePerHour();
        assertThat(r.cost().costUsd()).isCloseTo(2 * price * r.simulation().simulatedS() / 3600,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.cost().costPer1kRequests()).isCloseTo(r.cost().costUsd() / r.requests().completed() * 1000,
                org.assertj.core.data.Offset.offset(1e-9));
    }
}
