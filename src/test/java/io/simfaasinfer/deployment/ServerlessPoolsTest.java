package io.simfaasinfer.deployment;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A serverless lifecycle on a prefill or a decode pool: the same seam as a mixed fleet. */
class ServerlessPoolsTest {

    private static final String[] WORKLOAD = {"simulation.random_seed=7", "workload.num_requests=300",
        "workload.arrival={process: gamma, rate: 6, cv: 3}",
        "workload.prompt_tokens={distribution: uniform, min: 64, max: 2048}",
        "workload.output_tokens={distribution: uniform, min: 1, max: 300}"};

    private static List<String> with(String... more) {
        List<String> all = new ArrayList<>(List.of(WORKLOAD));
        all.addAll(List.of(more));
        return all;
    }

    private static Simulator sim(List<String> sets, List<RequestRecord> sink) {
        return new Simulator(TestConfigs.of(sets.toArray(new String[0])), Catalog.builtin(), null,
                sink == null ? null : sink::add);
    }

    private static void allKvGivenBack(Simulator s) {
        for (Pool p : s.deployment().pools()) {
            for (Replica r : p.lifecycle().replicas()) {
                assertThat(r.scheduler().kv().usedBlocks()).isZero();
                assertThat(r.scheduler().heldForTransfer()).isZero();
                assertThat(r.scheduler().incomingTransfers()).isZero();
            }
        }
    }

    @Test
    void aServerlessPrefillFleetScalesFromZeroAndIsBilledBesideTheAlwaysOnDecodePool() {
        Simulator s = sim(with("workload.arrival.rate=1", "serverless.enabled=true", "serverless.max_instances=4",
                "serverless.keep_alive_s=5", "serverless.autoscaler.name=scale_to_zero",
                "deployment={pools: [{name: p, role: prefill, lifecycle: serverless}, {name: d, role: decode,"
                        + " replicas: 2}]}"), null);
        SimulationResult r = s.run();
        assertThat(r.requests().completed()).isEqualTo(300);
        assertThat(r.serverless().coldStarts()).isPositive();
        assertThat(r.serverless().releases()).as("idle instances go after their keep-alive").isPositive();
        var prefill = r.pools().get(0);
        var decode = r.pools().get(1);
        assertThat(prefill.lifecycle()).isEqualTo("serverless");
        assertThat(decode.lifecycle()).isEqualTo("always_on");
        assertThat(prefill.costUsd()).isCloseTo(r.serverless().billing().costUsd(), within(1e-9));
        assertThat(r.cost().costUsd()).isCloseTo(prefill.costUsd() + decode.costUsd(), within(1e-9));
        assertThat(r.cost().gpus()).isEqualTo(r.serverless().instancesPeak() + 2);
        // a cold start delays the first token: the TTFT split puts it in the fleet's own breakdown
        assertThat(r.serverless().ttftBreakdownMs().coldStartWait().max()).isPositive();
        allKvGivenBack(s);
    }

    @Test
    void aServerlessDecodeFleetStartsForTheFirstPrefilledRequestWhichWaitsForIt() {
        Simulator s = sim(with("serverless.enabled=true", "serverless.max_instances=3", "serverless.keep_alive_s=30",
                "serverless.autoscaler.name=queue_length",
                "deployment={pools: [{name: p, role: prefill, replicas: 1}, {name: d, role: decode,"
                        + " lifecycle: serverless}]}"), null);
        SimulationResult r = s.run();
        assertThat(r.requests().completed()).isEqualTo(300);
        assertThat(r.serverless().coldStarts()).isPositive();
        assertThat(r.kvTransfer().waitsForDecodeMemory()).as("prefilled requests wait for a decode instance").isPositive();
        // the first one waited a whole cold start for its decode replica
        assertThat(r.kvTransfer().decodeMemoryWaitMs().max()).isGreaterThan(r.serverless().instanceStartMs().max() * 0.5);
        allKvGivenBack(s);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"round_robin", "least_outstanding", "least_kv", "shortest_work", "random", "power_of_two"})
    void aWarmServerlessDecodeFleetGivesExactlyTheAlwaysOnDecodeResults(String router) {
        String pools = "{pools: [{name: p, role: prefill, replicas: 2, gpu_memory_utilization: 0.5}, {name: d,"
                + " role: decode, replicas: 3, gpu_memory_utilization: 0.3%s}], decode_global: " + router + "}";
        List<RequestRecord> a = new ArrayList<>();
        List<RequestRecord> b = new ArrayList<>();
        SimulationResult ra = sim(with("workload.arrival.rate=20",
                "deployment=" + String.format(pools, "")), a).run();
        SimulationResult rb = sim(with("workload.arrival.rate=20", "serverless.enabled=true",
                "serverless.min_instances=3", "serverless.max_instances=3", "serverless.keep_alive_s=1e6",
                "deployment=" + String.format(pools, ", lifecycle: serverless")), b).run();
        assertThat(rb.serverless().coldStarts()).isZero();
        assertThat(ra.kvTransfer().waitsForDecodeMemory()).as("memory pressure is exercised").isPositive();
        assertThat(b).isEqualTo(a);
        assertThat(rb.kvTransfer().timeMs()).isEqualTo(ra.kvTransfer().timeMs());
        assertThat(rb.kvTransfer().waitsForDecodeMemory()).isEqualTo(ra.kvTransfer().waitsForDecodeMemory());
        assertThat(rb.tbtMs()).isEqualTo(ra.tbtMs());
    }
}
