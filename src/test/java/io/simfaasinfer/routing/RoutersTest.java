package io.simfaasinfer.routing;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutersTest {

    private static final Request R = new Request(0, 0, 1, 1, true);

    /** A cluster view over fixed outstanding counts. */
    private static ClusterView view(int... outstanding) {
        return new ClusterView() {
            @Override
            public int size() {
                return outstanding.length;
            }

            @Override
            public int outstanding(int i) {
                return outstanding[i];
            }

            @Override
            public double kvUtilization(int i) {
                return 0;
            }

            @Override
            public long remainingWork(int i) {
                return outstanding[i];
            }

            @Override
            public int cachedPrefixTokens(int i, Request r) {
                return 0;
            }
        };
    }

    private static Router create(String name, long seed) {
        return Routers.registry().get("cluster.router", name).create(new RandomStreams(seed).stream("routing"));
    }

    @Test
    void roundRobinCyclesInIndexOrder() {
        Router rr = create("round_robin", 1);
        ClusterView v = view(5, 0, 9); // load is ignored
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            got.add(rr.route(R, v, i));
        }
        assertThat(got).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2);
    }

    @Test
    void roundRobinWithOneReplicaAlwaysPicksIt() {
        Router rr = create("round_robin", 1);
        for (int i = 0; i < 5; i++) {
            assertThat(rr.route(R, view(3), i)).isZero();
        }
    }

    @Test
    void leastOutstandingPicksTheMinimumAndLowestIndexOnTies() {
        Router lo = create("least_outstanding", 1);
        assertThat(lo.route(R, view(3, 1, 2), 0)).isEqualTo(1);
        assertThat(lo.route(R, view(2, 1, 1, 5), 0)).isEqualTo(1);
        assertThat(lo.route(R, view(4, 4, 4), 0)).isEqualTo(0);
        assertThat(lo.route(R, view(9, 7, 8, 0), 0)).isEqualTo(3);
        assertThat(lo.route(R, view(0), 0)).isEqualTo(0);
    }

    @Test
    void leastOutstandingMatchesReferenceOnRandomLoads() {
        Router lo = create("least_outstanding", 1);
        Random rnd = new Random(11);
        for (int t = 0; t < 2000; t++) {
            int[] load = new int[1 + rnd.nextInt(10)];
            for (int i = 0; i < load.length; i++) {
                load[i] = rnd.nextInt(4);
            }
            int best = 0;
            for (int i = 0; i < load.length; i++) {
                if (load[i] < load[best]) {
                    best = i;
                }
            }
            assertThat(lo.route(R, view(load), t)).isEqualTo(best);
        }
    }

    @Test
    void randomCoversAllReplicasRoughlyUniformlyAndIsReproducible() {
        int replicas = 5;
        int draws = 10_000;
        Router r1 = create("random", 42);
        Router r2 = create("random", 42);
        ClusterView v = view(0, 0, 0, 0, 0);
        int[] counts = new int[replicas];
        for (int i = 0; i < draws; i++) {
            int a = r1.route(R, v, i);
            assertThat(a).isBetween(0, replicas - 1);
            assertThat(r2.route(R, v, i)).as("same seed, same choice at draw %d", i).isEqualTo(a);
            counts[a]++;
        }
        // expected 2000 each, sd ~40; chi-square with 4 dof below 20 (p ~ 0.0005)
        double chi2 = 0;
        for (int c : counts) {
            assertThat(c).isBetween(1800, 2200);
            chi2 += Math.pow(c - 2000.0, 2) / 2000.0;
        }
        assertThat(chi2).isLessThan(20);

        Router other = create("random", 43);
        int same = 0;
        Router again = create("random", 42);
        for (int i = 0; i < 1000; i++) {
            if (other.route(R, v, i) == again.route(R, v, i)) {
                same++;
            }
        }
        assertThat(same).as("a different seed gives a different sequence").isLessThan(400);
    }

    @Test
    void registryListsBuiltinsAndRejectsUnknownNames() {
        assertThat(Routers.registry().all().keySet())
                .contains("round_robin", "random", "least_outstanding");
        assertThat(Routers.registry().contains("round_robin")).isTrue();
        assertThat(Routers.registry().contains("roundrobin")).isFalse();
        for (var f : Routers.registry().all().values()) {
            assertThat(f.description()).isNotBlank();
        }
        assertThatThrownBy(() -> Routers.registry().get("cluster.router", "fastest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cluster.router: ")
                .hasMessageContaining("'fastest'")
                .hasMessageContaining("least_outstanding")
                .hasMessageContaining("random")
                .hasMessageContaining("round_robin");
    }
}
