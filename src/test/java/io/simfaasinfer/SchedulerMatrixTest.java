package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every scheduler under every router (each registered one, plug-ins on the test class path too),
 * always-on and as a serverless fleet, and under every local policy, serves the same workload to
 * completion with requests conserved and KV never over capacity.
 */
class SchedulerMatrixTest {

    static final List<String> SCHEDULERS = List.of("vllm", "orca", "sarathi", "faster-transformer", "vllm-v1",
            "lightllm");
    /** Every registered router: the matrix grows with the registry, nothing is left out by hand. */
    static final List<String> ROUTERS = List.copyOf(io.simfaasinfer.routing.Routers.registry().all().keySet());
    static final List<String> LOCAL_POLICIES = List.of("fcfs", "sjf", "srpt", "edf", "milp");
    /**
     * Schedulers that do not declare the preemption capability (they reserve or bound KV): the matrix
     * holds them to it, under memory pressure.
     */
    static final List<String> NEVER_PREEMPT = io.simfaasinfer.scheduler.Schedulers.registry().all().values().stream()
            .filter(f -> !f.capabilities().contains(io.simfaasinfer.scheduler.SchedulerFactory.PREEMPTION))
            .map(io.simfaasinfer.spi.NamedFactory::name).toList();

    /** Three replicas with small KV caches (memory pressure), bursty mixed-length traffic. */
    static String[] workload(String... extra) {
        List<String> sets = new ArrayList<>(List.of("simulation.random_seed=5", "workload.num_requests=150",
                "workload.arrival={process: gamma, rate: 30, cv: 2}",
                "workload.prompt_tokens={distribution: lognormal, mean: 700, std: 600, max: 3000}",
                "workload.output_tokens={distribution: uniform, min: 1, max: 500}",
                "workload.ttft_slo_ms=400", "cluster.replicas=3", "cluster.gpu_memory_utilization=0.21",
                "simulation.warmup_requests=10"));
        sets.addAll(List.of(extra));
        return sets.toArray(String[]::new);
    }

    static Stream<Arguments> schedulersAndRouters() {
        return SCHEDULERS.stream().flatMap(s -> ROUTERS.stream().map(r -> Arguments.of(s, r)));
    }

    static Stream<Arguments> schedulersAndLocalPolicies() {
        return SCHEDULERS.stream().flatMap(s -> LOCAL_POLICIES.stream().map(p -> Arguments.of(s, p)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("schedulersAndRouters")
    void everySchedulerUnderEveryRouterServesTheWorkload(String scheduler, String router) {
        check(scheduler, workload("scheduler.name=" + scheduler, "cluster.router=" + router));
    }

    /**
     * The same as a serverless fleet (one warm instance, up to three, a short keep-alive so instances
     * come and go within the run): the router chooses among ready instances with room.
     */
    @ParameterizedTest(name = "serverless {0} x {1}")
    @MethodSource("schedulersAndRouters")
    void everySchedulerUnderEveryRouterServesTheWorkloadAsAServerlessFleet(String scheduler, String router) {
        check(scheduler, workload("scheduler.name=" + scheduler, "cluster.router=" + router, "serverless.enabled=true",
                "serverless.min_instances=1", "serverless.max_instances=3", "serverless.keep_alive_s=2"));
    }

    @Test
    void theMatrixCoversEveryRegisteredRouterAndScheduler() {
        assertThat(NEVER_PREEMPT).contains("orca", "faster-transformer", "lightllm").doesNotContain("vllm", "sarathi");
        assertThat(ROUTERS).contains("round_robin", "random", "least_outstanding", "least_kv", "power_of_two",
                "shortest_work", "prefix_aware", "lowest_load", "shortest");
        assertThat(SCHEDULERS).containsAll(io.simfaasinfer.scheduler.Schedulers.registry().all().keySet().stream()
                .filter(n -> !n.equals("ft")).toList());
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("schedulersAndLocalPolicies")
    void everySchedulerUnderEveryLocalPolicyServesTheWorkload(String scheduler, String policy) {
        check(scheduler, workload("scheduler.name=" + scheduler, "scheduler.local_policy=" + policy,
                "cluster.router=least_outstanding"));
    }

    private static void check(String scheduler, String[] sets) {
        List<RequestRecord> records = new ArrayList<>();
        SimulationResult r = new Simulator(TestConfigs.of(sets), Catalog.builtin(), null, records::add).run();
        var q = r.requests();
        assertThat(q.arrived()).isEqualTo(150);
        assertThat(q.completed() + q.rejected()).as("conservation").isEqualTo(q.arrived());
        assertThat(q.completed()).as("the small caches still hold every request alone").isEqualTo(150);
        assertThat(records).hasSize(150);
        assertThat(r.utilization().kvCacheUtilPeak()).isPositive().isLessThanOrEqualTo(1.0);
        assertThat(r.replicas()).allSatisfy(s -> assertThat(s.kvUtilPeak()).isLessThanOrEqualTo(1.0));
        assertThat(r.tbtMs().count()).as("one TBT sample per later measured token").isEqualTo(records.stream()
                .filter(RequestRecord::measured).mapToLong(x -> x.outputTokens() - 1).sum());
        if (NEVER_PREEMPT.contains(scheduler)) {
            assertThat(q.preemptions()).isZero();
        }
    }
}
