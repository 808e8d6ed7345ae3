package io.simfaasinfer.deployment;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Invariants of disaggregated runs over seeded random workloads and deployments. */
class DisaggregationInvariantTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void nothingIsLostKvStaysWithinCapacityAndEveryBlockIsGivenBack(long seed) {
        Random rnd = new Random(seed);
        // prefill pools run every scheduler; decode pools all but lightllm (refused: DeploymentCliTest)
        String[] schedulers = {"vllm", "sarathi", "vllm-v1", "orca", "faster-transformer", "lightllm"};
        String[] routers = {"round_robin", "least_outstanding", "shortest_work", "random", "least_kv"};
        int prefill = 1 + rnd.nextInt(3);
        int decode = 1 + rnd.nextInt(3);
        // small decode memory (gpu_memory_utilization) so that decode pressure back-pressures prefill in some seeds
        double decodeMem = 0.25 + 0.1 * rnd.nextInt(3);
        String prefillScheduler = schedulers[rnd.nextInt(schedulers.length)];
        // prefix caching on the prefill pool where the scheduler models it, with a shared system prompt
        boolean cache = rnd.nextBoolean() && List.of("vllm", "sarathi", "vllm-v1").contains(prefillScheduler);
        List<String> sets = new ArrayList<>(List.of(
                "workload.shared_prefix_tokens=" + (cache ? 64 : 0),
                "simulation.random_seed=" + seed,
                "workload.num_requests=" + (150 + rnd.nextInt(150)),
                "workload.arrival={process: gamma, rate: " + (4 + rnd.nextInt(30)) + ", cv: 2}",
                "workload.prompt_tokens={distribution: uniform, min: 16, max: " + (256 + rnd.nextInt(3000)) + "}",
                "workload.output_tokens={distribution: uniform, min: 1, max: " + (32 + rnd.nextInt(900)) + "}",
                "deployment={pools: [{name: p, role: prefill, replicas: " + prefill + ", prefix_caching: " + cache
                        + ", scheduler: " + prefillScheduler + "}, {name: d, role: decode, replicas: " + decode
                        + ", gpu_memory_utilization: " + decodeMem + ", scheduler: "
                        + schedulers[rnd.nextInt(schedulers.length - 1)] + "}], transfer: {bandwidth_gb_s: " + (1 + rnd.nextInt(60))
                        + ", latency_ms: " + rnd.nextInt(3) + ", mode: " + (rnd.nextBoolean() ? "layerwise" : "after_prefill")
                        + "}, prefill_global: " + routers[rnd.nextInt(routers.length)] + ", decode_global: "
                        + routers[rnd.nextInt(routers.length)] + "}"));
        List<RequestRecord> records = new ArrayList<>();
        Simulator sim = new Simulator(TestConfigs.of(sets.toArray(new String[0])), Catalog.builtin(), null, records::add);
        SimulationResult r = sim.run(); // throws if time went back or a request was left unfinished
        var q = r.requests();
        assertThat(q.completed() + q.rejected()).isEqualTo(q.arrived());
        assertThat(records).hasSize((int) q.arrived());
        for (SimulationResult.PoolStats p : r.pools()) {
            assertThat(p.kvCacheUtilPeak()).as("pool %s", p.name()).isBetween(0.0, 1.0);
        }
        long multiToken = records.stream().filter(x -> x.outcome().equals("completed") && x.outputTokens() > 1).count();
        assertThat(r.kvTransfer().transfers()).isEqualTo(multiToken);
        for (Pool p : sim.deployment().pools()) {
            for (Replica rep : p.lifecycle().replicas()) {
                assertThat(rep.scheduler().kv().usedBlocks()).as("replica %d frees all KV", rep.index()).isZero();
                assertThat(rep.scheduler().heldForTransfer()).isZero();
                assertThat(rep.scheduler().incomingTransfers()).isZero();
                assertThat(rep.scheduler().kv().peakBlocks()).isLessThanOrEqualTo(rep.scheduler().kv().totalBlocks());
            }
        }
        for (RequestRecord x : records) {
            if (x.outcome().equals("completed")) {
                assertThat(x.finishMs()).isGreaterThanOrEqualTo(x.arrivalMs() + x.ttftMs() - 1e-9);
            }
        }
    }
}
