package io.simfaasinfer.planner;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.predictor.SimpleBatchForTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The planner against a known answer, its own claims, and its invariants. */
class PlannerTest {

    private static PlanRequestLoader base() {
        return new PlanRequestLoader()
                .set("model", "llama-2-7b", "test")
                .set("workload.prompt_length", "{distribution: fixed, value: 512}", "test")
                .set("simulation.random_seed", "7", "test");
    }

    /** Service time of one 512-token prompt alone on one H100 (the built-in profile). */
    private static double serviceS() {
        Simulator s = new Simulator(io.simfaasinfer.TestConfigs.of("workload.num_requests=1"));
        return Math.max(1, Math.round(s.predictor().predict(SimpleBatchForTest.prefill(512, 0)).totalMs() * 1e6)) / 1e9;
    }

    /** M/D/1: P(W <= t) = (1 - rho) sum_{k=0}^{floor(t/D)} (lambda (kD - t))^k / k! e^{-lambda (kD - t)}. */
    static double md1WaitCdf(double lambda, double d, double t) {
        double rho = lambda * d;
        double sum = 0;
        for (int k = 0; k <= Math.floor(t / d); k++) {
            double x = lambda * (k * d - t);
            double term = Math.exp(-x);
            for (int j = 1; j <= k; j++) {
                term *= x / j;
            }
            sum += term;
        }
        return (1 - rho) * sum;
    }

    @Test
    void aSingleReplicaServingOneAtATimeIsAnMd1QueueAndThePlannerFindsItsCapacityWithinTwoPercent() {
        double d = serviceS();
        double bound = 4 * d; // p95 TTFT = p95 wait + D <= 4D: p95 wait <= 3D
        double lo = 0.01 / d;
        double hi = 0.999 / d;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (md1WaitCdf(mid, d, bound - d) >= 0.95) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double exact = lo;
        assertThat(exact * d).as("a moderate load, not a corner").isBetween(0.5, 0.9);
        PlanRequest r = base()
                .set("workload.output_length", "{distribution: fixed, value: 1}", "test")
                .set("workload.arrival_rate_range", "[" + 0.2 / d + ", " + 0.99 / d + "]", "test")
                .set("constraints.max_ttft_p95_ms", String.valueOf(bound * 1e3), "test")
                .set("config_space.gpu_types", "[H100]", "test")
                .set("config_space.num_replicas", "[1]", "test")
                .set("config_space.max_batch_sizes", "[1]", "test")
                .set("simulation.duration", "3000", "test")
                .set("simulation.warmup_duration", "100", "test").load();
        Plan plan = new CapacityPlanner(r, Catalog.builtin(), "test").search(1, line -> { });
        double found = plan.bestConfiguration().performance().maxSustainableQps();
        assertThat(plan.bestConfiguration().performance().verified()).isTrue();
        assertThat(Math.abs(found - exact) / exact).as("planner %.3f req/s, M/D/1 %.3f req/s", found, exact)
                .isLessThan(0.02);
    }

    private static PlanRequest small(String... sets) {
        PlanRequestLoader l = base()
                .set("workload.output_length", "{distribution: uniform, min: 16, max: 256}", "test")
                .set("workload.prompt_length", "{distribution: uniform, min: 64, max: 1024}", "test")
                .set("workload.arrival_rate_range", "[1, 100]", "test")
                .set("constraints.max_ttft_p95_ms", "300", "test")
                .set("constraints.max_tbt_p99_ms", "120", "test")
                .set("config_space.gpu_types", "[H100, A100]", "test")
                .set("config_space.num_replicas", "[1, 2]", "test")
                .set("config_space.schedulers", "[vllm, sarathi]", "test")
                .set("simulation.duration", "40", "test")
                .set("simulation.warmup_duration", "5", "test");
        for (String s : sets) {
            int eq = s.indexOf('=');
            l.set(s.substring(0, eq), s.substring(eq + 1), "test");
        }
        return l.load();
    }

    @Test
    void theReportedMaxQpsPassesWhenRerunAndFailsAtOnePointOneFiveTimes() {
        PlanRequest r = small();
        Plan plan = new CapacityPlanner(r, Catalog.builtin(), "test").search(2, line -> { });
        Evaluator ev = new Evaluator(r, Catalog.builtin(), "llama-2-7b", null);
        for (Plan.Configuration c : plan.paretoFrontier()) {
            Candidate cand = new Candidate(c.gpuType(), c.tensorParallel(), c.pipelineParallel(), c.deployment(),
                    c.numReplicas(), c.prefillReplicas(), c.decodeReplicas(), c.scheduler(), c.maxBatchSize(),
                    c.lifecycle(), Catalog.builtin().gpu(c.gpuType()).pricePerHour());
            double q = c.performance().maxSustainableQps();
            assertThat(c.performance().verified()).isTrue();
            assertThat(ev.trial(cand, q, true).passed()).as("%s at %.2f", c.label(), q).isTrue();
            assertThat(ev.trial(cand, 1.15 * q, true).passed()).as("%s at 1.15 x %.2f", c.label(), q).isFalse();
        }
        assertThat(plan.paretoFrontier()).isNotEmpty();
    }

    @Test
    void theFrontierIsNonDominatedAndEveryCandidateMeetingTheSlosIsOnOrBelowIt() {
        Plan plan = new CapacityPlanner(small(), Catalog.builtin(), "test").search(2, line -> { });
        List<Plan.Configuration> ok = plan.allCandidates().stream().filter(c -> c.verdict().equals("meets_slos")).toList();
        for (Plan.Configuration f : plan.paretoFrontier()) {
            for (Plan.Configuration o : ok) {
                boolean dominates = o.performance().maxSustainableQps() >= f.performance().maxSustainableQps()
                        && o.cost().costPerHour() <= f.cost().costPerHour()
                        && (o.performance().maxSustainableQps() > f.performance().maxSustainableQps()
                        || o.cost().costPerHour() < f.cost().costPerHour());
                assertThat(dominates).as("%s dominates frontier member %s", o.label(), f.label()).isFalse();
            }
        }
        for (Plan.Configuration o : ok) {
            boolean covered = plan.paretoFrontier().stream().anyMatch(f -> f.cost().costPerHour() <= o.cost().costPerHour()
                    && f.performance().maxSustainableQps() >= o.performance().maxSustainableQps());
            assertThat(covered).as("%s is covered by the frontier", o.label()).isTrue();
        }
    }

    @Test
    void theSameRequestGivesTheSamePlanWithOneAndTwoJobs() {
        PlanRequest r = small();
        Plan one = new CapacityPlanner(r, Catalog.builtin(), "test").search(1, line -> { });
        Plan two = new CapacityPlanner(r, Catalog.builtin(), "test").search(2, line -> { });
        assertThat(two.allCandidates()).isEqualTo(one.allCandidates());
        assertThat(two.bestConfiguration()).isEqualTo(one.bestConfiguration());
        assertThat(two.paretoFrontier()).isEqualTo(one.paretoFrontier());
        assertThat(two.summary().simulations()).isEqualTo(one.summary().simulations());
    }

    @Test
    void pipelineParallelCandidatesAreSimulatedNotSkipped() {
        PlanRequest r = small("config_space.gpu_types=[H100]", "config_space.schedulers=[vllm]",
                "config_space.pipeline_parallel=[1, 2]", "config_space.num_replicas=[1]");
        Plan plan = new CapacityPlanner(r, Catalog.builtin(), "test").search(2, line -> { });
        Plan.Configuration pp2 = plan.allCandidates().stream().filter(c -> c.pipelineParallel() == 2).findFirst()
                .orElseThrow();
        assertThat(pp2.verdict()).isNotEqualTo("skipped");
        assertThat(pp2.numGpusPerReplica()).isEqualTo(2);
        assertThat(pp2.runCommand()).contains("cluster.pp=2");
        assertThat(pp2.cost().costPerHour()).isCloseTo(2 * 2.99, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void budgetAndGpuFiltersAreHonoured() {
        PlanRequest r = small("config_space.gpu_types=[H100]", "constraints.max_cost_per_hour=4");
        Plan plan = new CapacityPlanner(r, Catalog.builtin(), "test").search(2, line -> { });
        assertThat(plan.allCandidates()).allSatisfy(c -> assertThat(c.gpuType()).isEqualTo("h100-80gb"));
        assertThat(plan.allCandidates()).filteredOn(c -> c.numReplicas() == 2)
                .allSatisfy(c -> {
                    assertThat(c.verdict()).isEqualTo("skipped");
                    assertThat(c.reason()).startsWith("over budget: $5.98/h > max_cost_per_hour $4.00/h");
                    assertThat(c.runCommand()).isNull();
                });
        assertThat(plan.bestConfiguration().cost().costPerHour()).isLessThanOrEqualTo(4);
        assertThat(plan.summary().numSkipped()).isEqualTo(2);
    }

    @Test
    void unmeetableSlosGiveAPlanWithoutABestAndTheClosestCandidatesWithWhatToRelax() {
        PlanRequest r = small("constraints.max_ttft_p95_ms=2", "config_space.schedulers=[vllm]");
        Plan plan = new CapacityPlanner(r, Catalog.builtin(), "test").search(2, line -> { });
        assertThat(plan.bestConfiguration()).isNull();
        assertThat(plan.paretoFrontier()).isEmpty();
        assertThat(plan.closestCandidates()).isNotEmpty();
        assertThat(plan.closestCandidates().get(0).reason()).contains("relax max_ttft_p95_ms to");
        assertThat(plan.summary().recommendation()).startsWith("No candidate meets every SLO. Closest: ");
        assertThat(plan.allCandidates()).allSatisfy(c -> assertThat(c.sloCompliance().meetsAllSlos()).isFalse());
    }

    @Test
    void serverlessCandidatesAreFleetsCostedByTheirBilledInstanceTime() {
        PlanRequest r = small("config_space.gpu_types=[H100]", "config_space.schedulers=[vllm]",
                "config_space.lifecycles=[always_on, serverless]", "config_space.deployments=[aggregated, disaggregated]",
                "config_space.num_replicas=[2]", "constraints.max_ttft_p95_ms=2000", "simulation.duration=90",
                "simulation.warmup_duration=30");
        Plan plan = new CapacityPlanner(r, Catalog.builtin(), "test").search(2, line -> { });
        Plan.Configuration fleet = plan.allCandidates().stream()
                .filter(c -> c.lifecycle().equals("serverless") && c.deployment().equals("aggregated")).findFirst()
                .orElseThrow();
        assertThat(fleet.label()).isEqualTo("h100-80gb tp1 serverless<=2 vllm b256");
        assertThat(fleet.verdict()).isEqualTo("meets_slos");
        assertThat(fleet.runCommand()).contains("serverless.enabled=true").contains("serverless.max_instances=2");
        // billed instance time: about what two always-on GPUs cost at that load, never wildly more
        assertThat(fleet.cost().costPerHour()).isPositive().isLessThan(2 * 2.99 * 1.1);
        assertThat(plan.allCandidates()).filteredOn(c -> c.lifecycle().equals("serverless")
                && c.deployment().equals("disaggregated")).allSatisfy(c -> {
                    assertThat(c.verdict()).isEqualTo("skipped");
                    assertThat(c.reason()).contains("serverless candidates are searched for aggregated deployments");
                });
    }

    @Test
    void disaggregatedCandidatesSplitTheReplicasAndInfeasibleShapesSayWhy() {
        PlanRequest r = small("config_space.gpu_types=[H100]", "config_space.deployments=[aggregated, disaggregated]",
                "config_space.num_replicas=[2, 3, 4]", "config_space.prefill_decode_splits=[\"1:1\", \"1:2\"]",
                "config_space.tensor_parallel=[1, 3]", "config_space.schedulers=[vllm]");
        Plan plan = new CapacityPlanner(r, Catalog.builtin(), "test").search(2, line -> { });
        assertThat(plan.allCandidates()).filteredOn(c -> c.deployment().equals("disaggregated"))
                .allSatisfy(c -> assertThat(c.prefillReplicas() + c.decodeReplicas()).isEqualTo(c.numReplicas()))
                .extracting(Plan.Configuration::label)
                .contains("h100-80gb tp1 1P+1D vllm b256", "h100-80gb tp1 1P+2D vllm b256", "h100-80gb tp1 2P+2D vllm b256")
                .doesNotContain("h100-80gb tp1 1P+1D vllm b256 x3");
        assertThat(plan.allCandidates()).filteredOn(c -> c.tensorParallel() == 3)
                .allSatisfy(c -> {
                    assertThat(c.verdict()).isEqualTo("infeasible");
                    assertThat(c.reason()).contains("tp=3 does not divide the 32 attention heads");
                });
    }
}
