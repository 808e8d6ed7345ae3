package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.BatchView;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under deep overload most waiting requests can no longer meet their deadline; the MILP policy
 * reads each of them once instead of every iteration, and still picks exactly the candidates a
 * full EDF scan would.
 */
class MilpOverloadTest {

    /** Iterations take 0.1 ms per prefill token and nothing else. */
    private static final ExecutionTimePredictor LINEAR = new ExecutionTimePredictor() {
        @Override
        public Breakdown predict(BatchView b) {
            return new Breakdown(0.1 * b.totalPrefillTokens(), 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public String describe() {
            return "linear";
        }
    };

    private static Request req(long id, int prompt, long deadlineMs) {
        return new Request(id, 0, prompt, 10, true, 0, deadlineMs * 1_000_000, null);
    }

    /** 1000 requests whose deadline (5 ms) is shorter than their prefill (10 ms), and 20 that can still make it. */
    private static List<Request> backlog() {
        List<Request> rs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rs.add(req(i, 100, 5));
        }
        for (int i = 0; i < 20; i++) {
            rs.add(req(1000 + i, 100 + 40 * i, 30 + 5 * i));
        }
        return rs;
    }

    private static List<Request> admitted(LocalPolicy policy, PriorityQueue<Request> q) {
        List<Request> out = new ArrayList<>();
        while (!q.isEmpty() && policy.mayAdmit(q.peek())) {
            out.add(q.poll());
        }
        return out;
    }

    private static AdmissionBudget budget() {
        return new AdmissionBudget((r, t) -> 1).set(1000, 1000, 8, 0, 1000, false);
    }

    @Test
    void hopelessRequestsAreReadOnceAndTheChoiceIsThatOfAFullScan() {
        MilpPolicy policy = new MilpPolicy(8, TestExhaustiveMilpFactory::solve, LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        q.addAll(backlog());
        policy.select(q, budget(), 0);
        assertThat(policy.examinedLast).as("the first scan reads the backlog").isGreaterThan(1000);
        assertThat(policy.counters()).containsEntry("milp_hopeless", 1000L);
        // nothing admitted; a millisecond later the scan skips the 1000 hopeless requests
        policy.select(q, budget(), 1_000_000);
        assertThat(policy.examinedLast).isLessThanOrEqualTo(3 * 8);
        assertThat(q).hasSize(1020);
        List<Request> chosen = admitted(policy, q);

        MilpPolicy fresh = new MilpPolicy(8, TestExhaustiveMilpFactory::solve, LINEAR);
        PriorityQueue<Request> q2 = new PriorityQueue<>(fresh.order());
        q2.addAll(backlog());
        fresh.select(q2, budget(), 1_000_000);
        assertThat(chosen).isNotEmpty().extracting(Request::id)
                .containsExactlyElementsOf(admitted(fresh, q2).stream().map(Request::id).toList());
        assertThat(policy.counters()).containsEntry("milp_candidates_max", 8L);
    }

    @Test
    void whenNoneCanMeetItsDeadlineTheFillIsInEdfOrderAcrossTheHopelessQueue() {
        MilpPolicy policy = new MilpPolicy(8, TestExhaustiveMilpFactory::solve, LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        List<Request> rs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rs.add(req(i, 100, 100 - i)); // later ids have earlier deadlines
        }
        q.addAll(rs);
        policy.select(q, budget(), 200_000_000); // all deadlines passed: every one is hopeless
        List<Request> first = admitted(policy, q);
        assertThat(first).extracting(Request::id).containsExactly(49L, 48L, 47L, 46L, 45L, 44L, 43L, 42L);
        policy.select(q, budget(), 201_000_000);
        assertThat(policy.examinedLast).isLessThanOrEqualTo(8);
        assertThat(admitted(policy, q)).extracting(Request::id).containsExactly(41L, 40L, 39L, 38L, 37L, 36L, 35L, 34L);
    }

    @Test
    void aFallbackPutsTheQueueBackInPlainEdfOrder() {
        boolean[] fail = {false};
        MilpPolicy policy = new MilpPolicy(8, (p, z) -> {
            if (fail[0]) {
                throw new IllegalStateException("solver failure (test)");
            }
            return TestExhaustiveMilpFactory.solve(p, z);
        }, LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        q.addAll(backlog());
        policy.select(q, budget(), 0);
        fail[0] = true;
        policy.select(q, budget(), 1_000_000);
        assertThat(policy.fallbacks()).isEqualTo(1);
        assertThat(policy.counters()).containsEntry("milp_rebuilds", 1L);
        // EDF: the backlog's 5 ms deadlines first, as without the MILP
        assertThat(q.peek().id()).isZero();
        assertThat(admitted(policy, q)).hasSize(1020);
    }

    @Test
    void aDeepOverloadRunCompletesEveryRequestReadingABoundedPartOfTheQueuePerIteration() {
        // one llama-2-7b replica serves ~26 of these requests/s; 80/s is three times that
        SimulationResult r = new Simulator(TestConfigs.of("simulation.random_seed=3", "workload.num_requests=20000",
                "workload.arrival.rate=80", "workload.ttft_slo_ms=500", "scheduler.local_policy=test-milp-exhaustive",
                "scheduler.milp_max_candidates=8")).run();
        assertThat(r.requests().completed()).isEqualTo(20000);
        Map<String, Long> c = r.scheduling().localPolicyCounters();
        assertThat(c).containsEntry("milp_candidates_max", 8L).containsEntry("milp_fallbacks", 0L);
        // the queue grows to thousands, and most requests are set aside as hopeless ...
        assertThat(c.get("milp_hopeless")).isGreaterThan(10_000L);
        // ... but an iteration reads at most what it admits (chosen last time, resumed) plus a window
        assertThat(c.get("milp_examined_max")).isLessThan(2 * 256 + 4 * 8);
    }
}
