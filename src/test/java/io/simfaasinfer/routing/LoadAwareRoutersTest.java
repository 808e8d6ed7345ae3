package io.simfaasinfer.routing;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The load-aware routers on fixed cluster views. */
class LoadAwareRoutersTest {

    private record View(int[] outstanding, double[] kv, long[] work) implements ClusterView {
        @Override public int size() { return outstanding.length; }
        @Override public int outstanding(int i) { return outstanding[i]; }
        @Override public double kvUtilization(int i) { return kv[i]; }
        @Override public long remainingWork(int i) { return work[i]; }
        @Override public int cachedPrefixTokens(int i, Request r) { return 0; }
    }

    private static final Request R = new Request(0, 0, 10, 10, true);

    @Test
    void leastKvPicksTheLowestUtilisationThenTheFewestOutstanding() {
        Router r = Routers.registry().get("cluster.router", "least_kv").create(null);
        assertThat(r.route(R, new View(new int[] {1, 9, 3}, new double[] {0.5, 0.2, 0.4}, new long[3]), 0)).isEqualTo(1);
        assertThat(r.route(R, new View(new int[] {4, 2, 3}, new double[] {0, 0, 0}, new long[3]), 0)).isEqualTo(1);
    }

    @Test
    void shortestWorkCountsTokensNotRequests() {
        Router r = Routers.registry().get("cluster.router", "shortest_work").create(null);
        // replica 0: two long requests; replica 1: five short ones
        assertThat(r.route(R, new View(new int[] {2, 5}, new double[2], new long[] {6000, 1500}), 0)).isEqualTo(1);
    }

    @Test
    void powerOfTwoSendsToTheLessLoadedOfTwoDistinctSampledReplicas() {
        RouterFactory f = Routers.registry().get("cluster.router", "power_of_two");
        int[] load = {5, 0, 7, 3};
        View view = new View(load, new double[4], new long[4]);
        Router a = f.create(new RandomStreams(1).stream("routing"));
        Router b = f.create(new RandomStreams(1).stream("routing"));
        int[] picks = new int[4];
        List<Integer> seqA = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            int x = a.route(R, view, 0);
            seqA.add(x);
            assertThat(b.route(R, view, 0)).as("same seed, same choices").isEqualTo(x);
            picks[x]++;
        }
        // replica 2 (the most loaded) is never the lesser of two distinct replicas
        assertThat(picks[2]).isZero();
        // replica 1 (the least loaded) wins whenever sampled: P = 1 - (3/4)(2/3) = 1/2
        assertThat(picks[1] / 4000.0).isBetween(0.46, 0.54);
        assertThat(f.create(new RandomStreams(1).stream("routing")).route(R, new View(new int[] {3}, new double[1],
                new long[1]), 0)).isZero();
    }

    @Test
    void shortestWorkKeepsReplicasEquallyBusyOnAMixedWorkload() {
        var cfg = TestConfigs.of("workload.num_requests=200", "cluster.replicas=4", "cluster.router=shortest_work",
                "workload.arrival.rate=40",
                "workload.prompt_tokens={distribution: lognormal, mean: 800, std: 900, max: 3500}",
                "workload.output_tokens={distribution: uniform, min: 1, max: 600}");
        SimulationResult sw = new Simulator(cfg).run();
        assertThat(sw.requests().completed()).isEqualTo(200);
        double min = sw.replicas().stream().mapToDouble(SimulationResult.ReplicaStats::iterationRunningS).min().orElseThrow();
        double max = sw.replicas().stream().mapToDouble(SimulationResult.ReplicaStats::iterationRunningS).max().orElseThrow();
        assertThat(min / max).as("busy time balanced across replicas").isGreaterThan(0.8);
    }
}
