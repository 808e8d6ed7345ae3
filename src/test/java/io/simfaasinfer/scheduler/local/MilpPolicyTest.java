package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.predictor.BatchView;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The MILP batch selection: its optimum, its use by the policy, and its EDF fallback. */
class MilpPolicyTest {

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

    /**
     * EDF would admit A (900 tokens) and B: the iteration takes 100 ms, A's deadline (95 ms) is lost
     * and C does not fit. Admitting B and C instead (20 ms) meets two deadlines.
     */
    @Test
    void theSolverFindsTheSubsetThatMeetsMostDeadlinesWhereEdfOrderDoesNot() {
        MilpProblem p = new MilpProblem(4);
        p.reset(1000, 1000, 10, 0.1);
        p.add(900, 10, 95);
        p.add(100, 10, 100);
        p.add(100, 10, 100);
        boolean[] z = new boolean[4];
        assertThat(new OjAlgoMilpSolver(1000).solve(p, z)).isTrue();
        assertThat(z).startsWith(false, true, true);
        p.fill(z);
        assertThat(z).as("A would push B and C past their deadlines").startsWith(false, true, true);
        assertThat(p.deadlinesMet(z)).isEqualTo(2);
        assertThat(p.deadlinesMet(new boolean[] {true, true, false})).as("EDF's choice").isEqualTo(1);
    }

    /** Brute force over all subsets of 8 candidates: the MILP's optimum is the true one. */
    @Test
    void theMilpOptimumEqualsBruteForceOnRandomInstances() {
        SplittableRandom rnd = new SplittableRandom(3);
        OjAlgoMilpSolver solver = new OjAlgoMilpSolver(5_000);
        int n = 8;
        for (int t = 0; t < 60; t++) {
            MilpProblem p = new MilpProblem(n);
            p.reset(rnd.nextInt(500, 4000), rnd.nextInt(50, 400), rnd.nextInt(1, 9), 0.02 + rnd.nextDouble() * 0.1);
            for (int i = 0; i < n; i++) {
                p.add(rnd.nextInt(20, 2000), rnd.nextInt(2, 120), rnd.nextInt(5) == 0 ? Double.NaN : rnd.nextDouble() * 150);
            }
            int best = 0;
            boolean[] x = new boolean[n];
            for (int mask = 0; mask < 1 << n; mask++) {
                for (int i = 0; i < n; i++) {
                    x[i] = (mask & 1 << i) != 0;
                }
                if (p.withinBudgets(x)) {
                    best = Math.max(best, p.deadlinesMet(x));
                }
            }
            boolean[] z = new boolean[n];
            assertThat(solver.solve(p, z)).as("instance %d", t).isTrue();
            assertThat(p.withinBudgets(z)).isTrue();
            assertThat(p.deadlinesMet(z)).as("instance %d", t).isEqualTo(best);
            p.fill(z);
            assertThat(p.withinBudgets(z)).isTrue();
            assertThat(p.deadlinesMet(z)).as("filling never costs a deadline, instance %d", t).isEqualTo(best);
        }
    }

    private static Request req(long id, int prompt, long deadlineMs) {
        return new Request(id, 0, prompt, 10, true, 0, deadlineMs * 1_000_000, null);
    }

    private static List<Request> admitted(LocalPolicy policy, PriorityQueue<Request> q) {
        List<Request> out = new ArrayList<>();
        while (!q.isEmpty() && policy.mayAdmit(q.peek())) {
            out.add(q.poll());
        }
        return out;
    }

    @Test
    void thePolicyMovesItsChoiceToTheHeadAndAdmitsOnlyIt() {
        MilpPolicy policy = new MilpPolicy(12, new OjAlgoMilpSolver(1000), LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        Request a = req(0, 900, 95);
        Request b = req(1, 100, 100);
        Request c = req(2, 100, 100);
        q.addAll(List.of(a, b, c));
        AdmissionBudget budget = new AdmissionBudget((r, t) -> 1).set(1000, 100, 10, 0, 1000, false);
        policy.select(q, budget, 0);
        assertThat(q).hasSize(3);
        assertThat(policy.solved()).isEqualTo(1);
        assertThat(admitted(policy, q)).containsExactly(b, c);
        assertThat(q).containsExactly(a);
    }

    @Test
    void whenEveryCandidateFitsItChoosesAllWithoutTheSolver() {
        MilpPolicy policy = new MilpPolicy(12, (p, x) -> {
            throw new AssertionError("solver called");
        }, LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        q.addAll(List.of(req(0, 100, 500), req(1, 100, 400), req(2, 100, 300)));
        policy.select(q, new AdmissionBudget((r, t) -> 1).set(1000, 100, 10, 0, 1000, false), 0);
        assertThat(policy.shortcuts()).isEqualTo(1);
        assertThat(admitted(policy, q)).extracting(Request::id).containsExactly(2L, 1L, 0L);
    }

    @Test
    void whenTheSolverFailsOrTimesOutTheIterationFallsBackToEdf() {
        for (MilpSolver failing : List.<MilpSolver>of((p, x) -> false, (p, x) -> {
            throw new IllegalStateException("solver crashed");
        })) {
            MilpPolicy policy = new MilpPolicy(12, failing, LINEAR);
            PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
            Request a = req(0, 900, 95);
            Request b = req(1, 100, 100);
            Request c = req(2, 100, 100);
            q.addAll(List.of(c, b, a));
            policy.select(q, new AdmissionBudget((r, t) -> 1).set(1000, 100, 10, 0, 1000, false), 0);
            assertThat(policy.fallbacks()).isEqualTo(1);
            assertThat(admitted(policy, q)).as("EDF order, no restriction").containsExactly(a, b, c);
        }
    }
}
