package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.scheduler.Batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * MILP batch selection for TTFT SLOs: each iteration, among up to {@code milp_max_candidates}
 * waiting requests (the earliest deadlines that can still be met, then the earliest of the rest),
 * admit the subset that maximises the number of requests whose first token comes before their
 * deadline, subject to the iteration's token budget, free KV blocks and free sequence slots (see
 * {@link MilpProblem}). The time an iteration
 * takes is modelled as linear in its tokens, fitted once to the simulation's own predictor; a
 * chunked prompt's later chunks are charged as full iterations. Requests without a pending
 * deadline (none configured, or first token already out) only count through a small weight that
 * keeps the selection work-conserving.
 *
 * <p>Chosen requests move to the head of the waiting queue and only they are admitted in that
 * iteration. When the solver fails or exceeds {@code milp_time_limit_ms}, the iteration falls back
 * to plain EDF. When every candidate fits and none loses its deadline by the others, all are
 * chosen without calling the solver. The selection is myopic (one iteration ahead), as in
 * SLO-aware MILP batch schedulers; it never forgoes admitting now for the sake of later arrivals.
 */
public final class MilpPolicy implements LocalPolicy {

    private final int maxCandidates;
    private final MilpSolver solver;
    private final double fixedMs;
    private final double perTokenMs;
    private final Set<Request> chosen = new HashSet<>();
    private final ArrayList<Request> candidates = new ArrayList<>();
    /** Requests taken out of the waiting queue while selecting, in EDF order; all go back. */
    private final ArrayList<Request> polled = new ArrayList<>();
    private final MilpProblem problem;
    private final boolean[] x;
    private final Comparator<Request> order;
    private boolean restricting;
    private long solved;
    private long shortcuts;
    private long fallbacks;

    /**
     * @param maxCandidates waiting requests considered per iteration
     * @param solver        the MILP solver
     * @param predictor     times iterations (null: iterations take no time, so only passed deadlines are missed)
     */
    public MilpPolicy(int maxCandidates, MilpSolver solver, ExecutionTimePredictor predictor) {
        this.maxCandidates = maxCandidates;
        this.solver = solver;
        this.problem = new MilpProblem(maxCandidates);
        this.x = new boolean[maxCandidates];
        if (predictor != null) {
            double small = prefillMs(predictor, 128);
            double large = prefillMs(predictor, 2048);
            this.perTokenMs = Math.max(0, (large - small) / (2048 - 128));
            this.fixedMs = Math.max(0, small - 128 * perTokenMs);
        } else {
            this.perTokenMs = 0;
            this.fixedMs = 0;
        }
        this.order = (a, b) -> {
            boolean ca = chosen.contains(a);
            if (ca != chosen.contains(b)) {
                return ca ? -1 : 1;
            }
            return LocalPolicies.EDF.compare(a, b);
        };
    }

    private static double prefillMs(ExecutionTimePredictor p, int tokens) {
        Batch b = new Batch();
        b.addPrefill(null, tokens, 0);
        return p.predict(b).totalMs();
    }

    @Override
    public Comparator<Request> order() {
        return order;
    }

    @Override
    public boolean selectsBatch() {
        return true;
    }

    @Override
    public boolean mayAdmit(Request r) {
        return !restricting || chosen.contains(r);
    }

    /** Iterations decided by the solver. */
    public long solved() { return solved; }
    /** Iterations where every candidate fit, decided without the solver. */
    public long shortcuts() { return shortcuts; }
    /** Iterations that fell back to EDF (solver failure or time-out). */
    public long fallbacks() { return fallbacks; }

    @Override
    public void select(PriorityQueue<Request> waiting, AdmissionBudget budget, long now) {
        // Last iteration's choices sort first: take them out before their mark is cleared.
        polled.clear();
        while (!waiting.isEmpty() && chosen.contains(waiting.peek())) {
            polled.add(waiting.poll());
        }
        chosen.clear();
        restricting = false;
        polled.sort(LocalPolicies.EDF);
        if (budget.tokens() > 0 && budget.freeSeqs() > 0) {
            gatherCandidates(waiting, budget, now);
            if (!candidates.isEmpty()) {
                decide(budget, now);
            }
        }
        for (int i = 0; i < polled.size(); i++) {
            waiting.add(polled.get(i));
        }
        polled.clear();
        candidates.clear();
    }

    /**
     * Candidates: the earliest-deadline waiting requests that can still meet their deadline, up
     * to {@code maxCandidates}, then, in the places left, the earliest of those that cannot (or
     * have no deadline), which may take capacity the others leave. Last iteration's choices are
     * looked at first, then the queue in EDF order; everything taken out is in {@link #polled}, to be
     * re-added.
     */
    private void gatherCandidates(PriorityQueue<Request> waiting, AdmissionBudget budget, long now) {
        candidates.clear();
        int viable = 0;
        int scanned = 0;
        while (viable < maxCandidates) {
            Request r;
            if (scanned < polled.size()) {
                r = polled.get(scanned);
            } else if (!waiting.isEmpty() && waiting.peek().ttftDeadlineNs() != Long.MAX_VALUE) {
                r = waiting.poll();
                polled.add(r);
            } else {
                break;
            }
            scanned++;
            if (slackMs(r, budget, now) >= perTokenMs * budget.tokensFor(r)) {
                candidates.add(r);
                viable++;
            }
        }
        // fill with the earliest others: first those already looked at, then the heap's head
        for (int i = 0; i < polled.size() && candidates.size() < maxCandidates; i++) {
            Request r = polled.get(i);
            if (!(slackMs(r, budget, now) >= perTokenMs * budget.tokensFor(r))) {
                candidates.add(r);
            }
        }
        while (candidates.size() < maxCandidates && !waiting.isEmpty()) {
            Request r = waiting.poll();
            polled.add(r);
            candidates.add(r);
        }
    }

    /** Deadline minus when r's first token would come in a batch of only what is already in it; NaN if none pending. */
    private double slackMs(Request r, AdmissionBudget budget, long now) {
        if (r.generated() > 0 || r.ttftDeadlineNs() == Long.MAX_VALUE) {
            return Double.NaN;
        }
        int tokens = budget.tokensFor(r);
        int later = r.remainingPrefill() - tokens;
        double rest = later <= 0 || budget.iterationTokens() <= 0 ? 0
                : Math.ceil((double) later / budget.iterationTokens())
                * (fixedMs + perTokenMs * budget.iterationTokens());
        return (r.ttftDeadlineNs() - now) / 1e6 - (fixedMs + perTokenMs * budget.batchTokens()) - rest;
    }

    private void decide(AdmissionBudget budget, long now) {
        int n = candidates.size();
        problem.reset(budget.tokens(), budget.freeBlocks(), budget.freeSeqs(), perTokenMs);
        for (int i = 0; i < n; i++) {
            Request r = candidates.get(i);
            int tokens = budget.tokensFor(r);
            int blocks = tokens > 0 ? budget.blocksFor(r, tokens) : 0;
            problem.add(tokens, blocks, slackMs(r, budget, now));
        }
        if (allFit(n)) {
            shortcuts++;
            restricting = true;
            return;
        }
        boolean ok;
        try {
            ok = solver.solve(problem, x);
        } catch (RuntimeException e) {
            ok = false;
        }
        if (!ok) {
            fallbacks++;
            return;
        }
        solved++;
        restricting = true;
        problem.fill(x);
        for (int i = 0; i < n; i++) {
            if (x[i]) {
                chosen.add(candidates.get(i));
            }
        }
    }

    /** Chooses every feasible candidate if together they fit and none loses a deadline it could meet alone. */
    private boolean allFit(int n) {
        long tokens = 0;
        long blocks = 0;
        int seqs = 0;
        for (int i = 0; i < n; i++) {
            x[i] = problem.feasible[i];
            if (x[i]) {
                tokens += problem.tokens[i];
                blocks += problem.blocks[i];
                seqs++;
            }
        }
        if (tokens > problem.tokenBudget || blocks > problem.blockBudget || seqs > problem.seqBudget) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (problem.canMeet[i] && perTokenMs * tokens > problem.slackMs[i]) {
                return false;
            }
        }
        for (int i = 0; i < n; i++) {
            if (x[i]) {
                chosen.add(candidates.get(i));
            }
        }
        return true;
    }
}
