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
        assertThat(new OjAlgoMilpSolver(MilpPolicy.DEFAULT_NODE_LIMIT, 0).solve(p, z)).isEqualTo(MilpSolver.Outcome.OPTIMAL);
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
        OjAlgoMilpSolver solver = new OjAlgoMilpSolver(MilpPolicy.DEFAULT_NODE_LIMIT, 0);
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
            assertThat(solver.solve(p, z)).as("instance %d", t).isEqualTo(MilpSolver.Outcome.OPTIMAL);
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
        MilpPolicy policy = new MilpPolicy(12, new OjAlgoMilpSolver(MilpPolicy.DEFAULT_NODE_LIMIT, 0), LINEAR);
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
    void whenTheSolverFailsTheIterationFallsBackToEdf() {
        MilpPolicy policy = new MilpPolicy(12, (p, x) -> {
            throw new IllegalStateException("solver crashed");
        }, LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        Request a = req(0, 900, 95);
        Request b = req(1, 100, 100);
        Request c = req(2, 100, 100);
        q.addAll(List.of(c, b, a));
        policy.select(q, new AdmissionBudget((r, t) -> 1).set(1000, 100, 10, 0, 1000, false), 0);
        assertThat(policy.fallbacks()).isEqualTo(1);
        assertThat(admitted(policy, q)).as("EDF order, no restriction").containsExactly(a, b, c);
    }

    /**
     * A budget that runs out before any selection is found: the greedy one, EDF order while the
     * chosen deadlines hold. A (900 tokens) alone fits and meets its 95 ms deadline; B would push
     * the iteration to 100 ms and cost it, so only A is admitted: a valid batch, not EDF's A, B, C.
     */
    @Test
    void whenTheBudgetRunsOutWithoutASelectionTheGreedyOneIsAdmitted() {
        MilpPolicy policy = new MilpPolicy(12, (p, x) -> {
            java.util.Arrays.fill(x, true); // garbage the policy must ignore
            return MilpSolver.Outcome.NONE;
        }, LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        Request a = req(0, 900, 95);
        Request b = req(1, 100, 100);
        Request c = req(2, 100, 100);
        q.addAll(List.of(c, b, a));
        policy.select(q, new AdmissionBudget((r, t) -> 1).set(1000, 100, 10, 0, 1000, false), 0);
        assertThat(policy.counters()).containsEntry("milp_limited", 1L).containsEntry("milp_greedy", 1L)
                .containsEntry("milp_fallbacks", 0L).containsEntry("milp_solved", 0L);
        assertThat(admitted(policy, q)).containsExactly(a);
    }

    /** ojAlgo with a budget of one node: whatever it returns, the admitted batch is valid. */
    @Test
    void aTinyNodeBudgetStillYieldsAValidBatch() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int t = 0; t < 40; t++) {
            int n = 12;
            MilpProblem p = new MilpProblem(n);
            p.reset(rnd.nextInt(500, 4000), rnd.nextInt(50, 400), rnd.nextInt(1, 9), 0.02 + rnd.nextDouble() * 0.1);
            for (int i = 0; i < n; i++) {
                p.add(rnd.nextInt(20, 2000), rnd.nextInt(2, 120), rnd.nextInt(5) == 0 ? Double.NaN : rnd.nextDouble() * 150);
            }
            boolean[] z = new boolean[n];
            MilpSolver.Outcome o = new OjAlgoMilpSolver(1, 0).solve(p, z);
            if (o == MilpSolver.Outcome.NONE) {
                java.util.Arrays.fill(z, false);
            }
            int met = p.deadlinesMet(z);
            int chosen = 0;
            for (int i = 0; i < n; i++) {
                chosen += z[i] ? 1 : 0;
            }
            assertThat(met).as("instance %d (%s): every selected request meets its deadline", t, o).isEqualTo(chosen);
            p.fill(z);
            assertThat(p.withinBudgets(z)).as("instance %d (%s)", t, o).isTrue();
            assertThat(p.deadlinesMet(z)).as("instance %d (%s): filling loses no deadline", t, o).isGreaterThanOrEqualTo(met);
        }
        // and through the policy: the same requests as a tiny budget run end to end
        MilpPolicy policy = new MilpPolicy(12, new OjAlgoMilpSolver(1, 0), LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        Request a = req(0, 900, 95);
        Request b = req(1, 100, 100);
        Request c = req(2, 100, 100);
        q.addAll(List.of(c, b, a));
        policy.select(q, new AdmissionBudget((r, t) -> 1).set(1000, 100, 10, 0, 1000, false), 0);
        assertThat(policy.fallbacks()).isZero();
        List<Request> batch = admitted(policy, q);
        assertThat(batch).isNotEmpty();
        int tokens = batch.stream().mapToInt(Request::promptTokens).sum();
        assertThat(tokens).as("within the token budget").isLessThanOrEqualTo(1000);
    }

    /** A request that emitted {@code generated} tokens and was then preempted (recompute): it waits to resume. */
    private static Request preempted(long id, int prompt, int generated) {
        Request r = req(id, prompt, 50);
        r.markRunning(0);
        r.advancePrefill(prompt);
        for (int i = 0; i < generated; i++) {
            r.emitToken(i * 1_000_000L);
        }
        r.preempt();
        return r;
    }

    @Test
    void preemptedRequestsResumeBeforeAnyNewAdmissionSoDeadlinesCannotStarveThem() {
        MilpPolicy policy = new MilpPolicy(12, new OjAlgoMilpSolver(MilpPolicy.DEFAULT_NODE_LIMIT, 0), LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        Request old = preempted(0, 300, 5); // no deadline left to win the MILP with
        Request a = req(1, 100, 100);
        Request b = req(2, 100, 100);
        q.addAll(List.of(a, b, old));
        // room for the resumed request's 305 tokens and one other; the MILP chooses which
        policy.select(q, new AdmissionBudget((r, t) -> 1).set(450, 100, 10, 0, 450, false), 0);
        assertThat(q).hasSize(3);
        assertThat(admitted(policy, q)).containsExactly(old, a);
        assertThat(policy.counters()).containsEntry("milp_resumed_first", 1L).containsEntry("milp_fallbacks", 0L);

        // when the resumed request does not fit, nothing is admitted past it
        MilpPolicy p2 = new MilpPolicy(12, new OjAlgoMilpSolver(MilpPolicy.DEFAULT_NODE_LIMIT, 0), LINEAR);
        PriorityQueue<Request> q2 = new PriorityQueue<>(p2.order());
        q2.addAll(List.of(req(1, 100, 100), preempted(0, 300, 5)));
        p2.select(q2, new AdmissionBudget((r, t) -> 1).set(200, 100, 10, 0, 200, false), 0);
        assertThat(admitted(p2, q2)).isEmpty();
        assertThat(q2).hasSize(2);
    }

    @Test
    void withTheKvCacheBelowItsWatermarkNothingIsAdmittedAndTheSolverIsNotCalled() {
        MilpPolicy policy = new MilpPolicy(12, (p, x) -> {
            throw new AssertionError("solver called");
        }, LINEAR);
        PriorityQueue<Request> q = new PriorityQueue<>(policy.order());
        q.addAll(List.of(req(0, 100, 500), req(1, 200, 400)));
        // free blocks minus the watermark reserve: negative
        policy.select(q, new AdmissionBudget((r, t) -> 10).set(1000, -7, 10, 0, 1000, false), 0);
        assertThat(policy.fallbacks()).as("an empty choice is not a solver failure").isZero();
        assertThat(admitted(policy, q)).isEmpty();
        assertThat(q).hasSize(2);
    }

    @Test
    void underPreemptionMilpKeepsTheLongestTokenGapNearEdfs() {
        // vllm-v1 preempts under this load; before preempted requests resumed first, the MILP left one
        // waiting for tens of seconds behind a stream of deadline-bearing arrivals
        String[] load = {"simulation.random_seed=2", "workload.num_requests=600", "workload.arrival.rate=20",
            "workload.prompt_tokens={distribution: lognormal, mean: 1000, std: 800, max: 3500}",
            "workload.output_tokens={distribution: uniform, min: 32, max: 256}", "workload.ttft_slo_ms=500",
            "scheduler.name=vllm-v1", "scheduler.max_num_batched_tokens=4096"};
        var edf = new io.simfaasinfer.Simulator(io.simfaasinfer.TestConfigs.of(with(load, "scheduler.local_policy=edf")))
                .run();
        var milp = new io.simfaasinfer.Simulator(io.simfaasinfer.TestConfigs.of(with(load,
                "scheduler.local_policy=milp"))).run();
        assertThat(milp.requests().preemptions()).isPositive();
        assertThat(milp.scheduling().localPolicyCounters()).containsKey("milp_resumed_first")
                .containsEntry("milp_fallbacks", 0L);
        assertThat(milp.scheduling().localPolicyCounters().get("milp_resumed_first")).isPositive();
        assertThat(milp.tbtMs().max()).isLessThan(2 * edf.tbtMs().max());
    }

    private static String[] with(String[] base, String extra) {
        String[] out = java.util.Arrays.copyOf(base, base.length + 1);
        out[base.length] = extra;
        return out;
    }
}
