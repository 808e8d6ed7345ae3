package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.report.JsonReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The closed-loop workload (N users, each sending its next request a think time after the previous
 * one is done): the in-flight bound, Little's law, the exact hand-over at concurrency 1, determinism,
 * and the three kinds of deployment.
 */
class ClosedLoopTest {

    private static List<String> base(int n, double thinkS, int requests) {
        return new ArrayList<>(List.of("workload.num_requests=" + requests,
                "workload.arrival={process: closed_loop, concurrency: " + n + ", think_time_s: " + thinkS + "}",
                "workload.prompt_tokens={distribution: uniform, min: 32, max: 1500}",
                "workload.output_tokens={distribution: uniform, min: 1, max: 300}"));
    }

    private static List<RequestRecord> run(List<String> sets) {
        List<RequestRecord> records = new ArrayList<>();
        SimulationResult r = new Simulator(TestConfigs.of(sets.toArray(String[]::new)), Catalog.builtin(), null,
                records::add).run();
        assertThat(r.requests().rejected()).isZero();
        assertThat(records).hasSize((int) r.requests().completed());
        return records;
    }

    /** Most requests in the system at once: arrivals +1, finishes -1, a finish before an arrival at one instant. */
    private static int maxInFlight(List<RequestRecord> records) {
        double[][] ev = new double[2 * records.size()][];
        int i = 0;
        for (RequestRecord r : records) {
            ev[i++] = new double[] {r.arrivalMs(), +1};
            ev[i++] = new double[] {r.finishMs(), -1};
        }
        Arrays.sort(ev, Comparator.<double[]>comparingDouble(e -> e[0]).thenComparingDouble(e -> e[1]));
        int in = 0;
        int max = 0;
        for (double[] e : ev) {
            in += (int) e[1];
            max = Math.max(max, in);
        }
        return max;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"aggregated", "disaggregated", "serverless"})
    void neverMoreThanNInFlightAndExactlyNumRequests(String kind) {
        List<String> sets = base(6, 0.0, 600);
        switch (kind) {
            case "aggregated" -> sets.add("cluster.replicas=2");
            case "disaggregated" -> sets.add("deployment={pools: [{name: p, role: prefill, replicas: 1},"
                    + " {name: d, role: decode, replicas: 1}]}");
            default -> sets.addAll(List.of("serverless.enabled=true", "serverless.max_instances=3"));
        }
        List<RequestRecord> records = run(sets);
        assertThat(records).hasSize(600);
        assertThat(maxInFlight(records)).isEqualTo(6);
        // the first N are issued at t = 0, together
        assertThat(records.stream().filter(r -> r.arrivalMs() == 0).count()).isEqualTo(6);
    }

    @Test
    void littlesLawHolds() {
        int n = 16;
        double z = 0.5;
        List<RequestRecord> records = run(base(n, z, 3000));
        double first = records.stream().mapToDouble(RequestRecord::arrivalMs).min().orElseThrow();
        double last = records.stream().mapToDouble(RequestRecord::finishMs).max().orElseThrow();
        double x = records.size() / ((last - first) / 1e3);                                   // req/s
        double r = records.stream().mapToDouble(RequestRecord::e2eMs).average().orElseThrow() / 1e3; // s
        assertThat(x * (r + z)).as("N = X (R + Z)").isCloseTo(n, within(0.03 * n));
    }

    @Test
    void concurrencyOneHandsOverExactly() {
        for (double z : new double[] {0.0, 0.25}) {
            List<RequestRecord> records = new ArrayList<>(run(base(1, z, 50)));
            records.sort(Comparator.comparingLong(RequestRecord::id));
            assertThat(records.get(0).arrivalMs()).isZero();
            for (int i = 1; i < records.size(); i++) {
                double gap = records.get(i).arrivalMs() - records.get(i - 1).finishMs();
                if (z == 0) {
                    assertThat(records.get(i).arrivalMs()).as("request %d", i).isEqualTo(records.get(i - 1).finishMs());
                } else {
                    assertThat(gap).as("request %d", i).isCloseTo(z * 1e3, within(1e-6));
                }
                assertThat(records.get(i).queueDelayMs()).as("nothing else is in the system").isZero();
            }
        }
    }

    @Test
    void durationBoundsTheRunWithoutARequestCount() {
        List<String> sets = base(4, 0.1, 1);
        sets.set(0, "workload.num_requests=null");
        sets.add("simulation.duration_s=30");
        List<RequestRecord> records = run(sets);
        assertThat(records.stream().mapToDouble(RequestRecord::arrivalMs).max().orElseThrow()).isLessThanOrEqualTo(30_000);
        // the users kept going to the end: the last arrivals are within one response + think of 30 s
        assertThat(records.stream().mapToDouble(RequestRecord::finishMs).max().orElseThrow()).isGreaterThan(30_000);
        assertThat(maxInFlight(records)).isEqualTo(4);
    }

    @Test
    void sameSeedSameResults() {
        String[] sets = base(8, 0.05, 400).toArray(String[]::new);
        String a = JsonReport.toJson(new Simulator(TestConfigs.of(sets)).run()).replaceAll("\"wall_s\" : [0-9.eE-]+", "");
        String b = JsonReport.toJson(new Simulator(TestConfigs.of(sets)).run()).replaceAll("\"wall_s\" : [0-9.eE-]+", "");
        assertThat(a).isEqualTo(b);
    }

    @Test
    void moreUsersMoreThroughputUntilTheGpuSaturates() {
        double[] x = new double[3];
        int[] users = {1, 8, 64};
        for (int i = 0; i < users.length; i++) {
            List<RequestRecord> rec = run(base(users[i], 0, 400));
            double last = rec.stream().mapToDouble(RequestRecord::finishMs).max().orElseThrow();
            x[i] = rec.size() / (last / 1e3);
        }
        assertThat(x[1]).isGreaterThan(3 * x[0]); // batching: 8 users get far more than one
        assertThat(x[2]).isGreaterThan(x[1]);
    }
}
