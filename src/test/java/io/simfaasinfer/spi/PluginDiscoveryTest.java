package io.simfaasinfer.spi;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.routing.Routers;
import io.simfaasinfer.scheduler.local.LocalPolicies;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Plug-ins on the class path are found by {@link java.util.ServiceLoader} (here the test-scope ones
 * listed in src/test/resources/META-INF/services) and are usable by name like built-ins.
 */
class PluginDiscoveryTest {

    @Test
    void registriesListPluginsBesideTheBuiltins() {
        assertThat(LocalPolicies.registry().all()).containsKeys("test-lifo", "fcfs", "milp");
        assertThat(LocalPolicies.registry().get("x", "test-lifo")).isInstanceOf(TestLifoPolicyFactory.class);
        assertThat(Routers.registry().all()).containsKeys("test-last-replica", "round_robin", "shortest_work");
    }

    @Test
    void aSimulationRunsWithAPluginRouterAndAPluginLocalPolicy() {
        // one burst: 20 requests at t = 0 queue behind the first prefill, on one replica (the plug-in router)
        var cfg = TestConfigs.of("workload.num_requests=20", "workload.arrival={process: constant, rate: 1.0e12}",
                "workload.prompt_tokens={distribution: fixed, value: 2000}", "cluster.replicas=3",
                "cluster.router=test-last-replica", "scheduler.local_policy=test-lifo",
                "scheduler.max_num_batched_tokens=4096");
        List<RequestRecord> records = new ArrayList<>();
        SimulationResult r = new Simulator(cfg, Catalog.builtin(), null, records::add).run();
        assertThat(r.requests().completed()).isEqualTo(20);
        assertThat(records).allSatisfy(x -> assertThat(x.replica()).isEqualTo(2));
        assertThat(r.replicas().get(0).iterations()).isZero();
        // LIFO: all arrive at t = 0, so the highest id is served first (two 2000-token prompts per prefill)
        List<Long> byStart = records.stream().sorted(Comparator.comparingDouble(RequestRecord::firstScheduledMs)
                .thenComparingLong(RequestRecord::id)).map(RequestRecord::id).toList();
        assertThat(byStart).containsExactly(18L, 19L, 16L, 17L, 14L, 15L, 12L, 13L, 10L, 11L, 8L, 9L, 6L, 7L, 4L, 5L,
                2L, 3L, 0L, 1L);
    }

    @Test
    void anUnknownNameListsThePluginsAmongTheKnownOnes() {
        assertThatThrownBy(() -> new Simulator(TestConfigs.of("scheduler.local_policy=nope")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("scheduler.local_policy: unknown local policy 'nope'; known: edf, fcfs, milp,"
                        + " shortest, sjf, srpt, test-lifo");
    }
}
