package io.simfaasinfer.workload;

import io.simfaasinfer.config.ArrivalConfig;
import io.simfaasinfer.config.LengthConfig;
import io.simfaasinfer.config.SimulationConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticWorkloadTest {

    private static final LengthConfig UNIFORM = new LengthConfig("uniform", null, 10, 500, null, null, null, null, null);
    private static final LengthConfig NORMAL = new LengthConfig("normal", null, 1, 300, 100.0, 80.0, null, null, null);

    private static WorkloadConfig workload(Integer n, String process, double rate, Double cv) {
        return new WorkloadConfig(n, new ArrivalConfig(process, rate, cv), UNIFORM, NORMAL);
    }

    private static List<Request> drain(RequestSource s, int cap) {
        List<Request> l = new ArrayList<>();
        Request r;
        while ((r = s.next()) != null) {
            l.add(r);
            assertThat(l.size()).isLessThanOrEqualTo(cap);
        }
        assertThat(s.next()).as("stays exhausted").isNull();
        return l;
    }

    @Test
    void numRequestsIsHonouredAndArrivalsAreNonDecreasing() {
        List<Request> rs = drain(new SyntheticWorkload(workload(500, "gamma", 20, 3.0),
                new SimulationConfig(1, null, 0, 0), new RandomStreams(1)), 10_000);
        assertThat(rs).hasSize(500);
        assertThat(rs.get(0).arrivalNs()).as("first arrival at t=0").isZero();
        for (int i = 0; i < rs.size(); i++) {
            Request r = rs.get(i);
            assertThat(r.id()).isEqualTo(i);
            assertThat(r.measured()).isTrue();
            assertThat(r.promptTokens()).isBetween(10, 500);
            assertThat(r.outputTokens()).isBetween(1, 300);
            if (i > 0) {
                assertThat(r.arrivalNs()).isGreaterThanOrEqualTo(rs.get(i - 1).arrivalNs());
            }
        }
        // 499 gaps of mean 50 ms
        double lastS = rs.get(499).arrivalNs() / 1e9;
        assertThat(lastS).isBetween(499 * 0.05 * 0.6, 499 * 0.05 * 1.4);
    }

    @Test
    void durationStopsArrivals() {
        // constant 10/s for 5 s: arrivals at 0, 0.1, ..., 5.0 -> 51 requests
        List<Request> rs = drain(new SyntheticWorkload(workload(null, "constant", 10, null),
                new SimulationConfig(1, 5.0, 0, 0), new RandomStreams(1)), 1000);
        assertThat(rs).hasSize(51);
        assertThat(rs.get(50).arrivalNs()).isEqualTo(5_000_000_000L);

        // Poisson at 50/s for 20 s: about 1000 arrivals, all within the window
        List<Request> p = drain(new SyntheticWorkload(workload(null, "poisson", 50, null),
                new SimulationConfig(3, 20.0, 0, 0), new RandomStreams(3)), 5000);
        assertThat(p.size()).isBetween(900, 1100);
        assertThat(p).allSatisfy(r -> assertThat(r.arrivalNs()).isLessThanOrEqualTo(20_000_000_000L));

        // whichever comes first: num_requests smaller than the duration allows
        List<Request> q = drain(new SyntheticWorkload(workload(30, "poisson", 50, null),
                new SimulationConfig(3, 20.0, 0, 0), new RandomStreams(3)), 5000);
        assertThat(q).hasSize(30);
    }

    @Test
    void warmupRequestsAreNotMeasured() {
        List<Request> rs = drain(new SyntheticWorkload(workload(100, "poisson", 5, null),
                new SimulationConfig(1, null, 10, 0), new RandomStreams(1)), 1000);
        for (Request r : rs) {
            assertThat(r.measured()).as("request %d", r.id()).isEqualTo(r.id() >= 10);
        }
    }

    @Test
    void warmupTimeExcludesEarlyArrivals() {
        // constant 10/s: arrivals at 0.0 .. 0.9 s are before warmup_s = 1.0; the one at exactly 1.0 counts
        List<Request> rs = drain(new SyntheticWorkload(workload(30, "constant", 10, null),
                new SimulationConfig(1, null, 0, 1.0), new RandomStreams(1)), 1000);
        for (Request r : rs) {
            assertThat(r.measured()).as("request %d at %d ns", r.id(), r.arrivalNs()).isEqualTo(r.id() >= 10);
        }
    }

    @Test
    void sameSeedSameRequestsDifferentSeedDifferent() {
        List<Request> a = drain(new SyntheticWorkload(workload(200, "gamma", 5, 2.0),
                new SimulationConfig(9, null, 0, 0), new RandomStreams(9)), 1000);
        List<Request> b = drain(new SyntheticWorkload(workload(200, "gamma", 5, 2.0),
                new SimulationConfig(9, null, 0, 0), new RandomStreams(9)), 1000);
        List<Request> c = drain(new SyntheticWorkload(workload(200, "gamma", 5, 2.0),
                new SimulationConfig(10, null, 0, 0), new RandomStreams(10)), 1000);
        assertThat(a).hasSameSizeAs(b);
        int diff = 0;
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).arrivalNs()).isEqualTo(a.get(i).arrivalNs());
            assertThat(b.get(i).promptTokens()).isEqualTo(a.get(i).promptTokens());
            assertThat(b.get(i).outputTokens()).isEqualTo(a.get(i).outputTokens());
            if (c.get(i).promptTokens() != a.get(i).promptTokens()) {
                diff++;
            }
        }
        assertThat(diff).isGreaterThan(100);
    }

    @Test
    void changingTheArrivalProcessDoesNotReshuffleLengths() {
        List<Request> a = drain(new SyntheticWorkload(workload(200, "poisson", 5, null),
                new SimulationConfig(9, null, 0, 0), new RandomStreams(9)), 1000);
        List<Request> b = drain(new SyntheticWorkload(workload(200, "constant", 50, null),
                new SimulationConfig(9, null, 0, 0), new RandomStreams(9)), 1000);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).promptTokens()).isEqualTo(a.get(i).promptTokens());
            assertThat(b.get(i).outputTokens()).isEqualTo(a.get(i).outputTokens());
        }
    }

    @Test
    void clampsAreReportedAsAdjustments() {
        SyntheticWorkload w = new SyntheticWorkload(workload(2000, "poisson", 5, null),
                new SimulationConfig(2, null, 0, 0), new RandomStreams(2));
        drain(w, 5000);
        // normal(100, 80) with min 1: P(rint(x) < 1) = P(x < 0.5) ~ 10.7%
        assertThat(w.adjustments()).containsEntry("prompt_tokens_clamped", 0L);
        assertThat(w.adjustments().get("output_tokens_clamped")).isBetween(150L, 300L);
    }
}
