package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.SimpleBatch;
import io.simfaasinfer.request.Request;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * iteration. The solver works under a deterministic budget, {@code milp_node_limit} branch-and-bound
 * nodes (plus an opt-in wall-clock {@code milp_time_limit_ms}); when the budget runs out, the best
 * selection found so far is admitted, or, if none was found, the greedy one (candidates in EDF order
 * while the budgets hold and no chosen deadline is lost). When the solver throws, the iteration falls
 * back to plain EDF. When every candidate fits and none loses its deadline by the others, all are
 * chosen without calling the solver. The selection is myopic (one iteration ahead), as in
 * SLO-aware MILP batch schedulers; it never forgoes admitting now for the sake of later arrivals.
 *
 * <p>Waiting requests that can no longer meet their deadline are marked once and sort behind those
 * that can, so that an iteration reads O(window + what it admits) requests however deep the queue
 * (see {@link #gatherCandidates}); the candidates are still those of a full EDF scan.
 */
public final class MilpPolicy implements LocalPolicy {

    /**
     * Default {@code scheduler.milp_node_limit}: branch-and-bound nodes per solve. A typical solve
     * takes a few dozen; the budget only binds on rare hard instances, and bounds their cost.
     */
    public static final int DEFAULT_NODE_LIMIT = io.simfaasinfer.config.SchedulerConfig.DEFAULT_MILP_NODE_LIMIT;

    private final int maxCandidates;
    private final MilpSolver solver;
    private final double fixedMs;
    private final double perTokenMs;
    private final Set<Request> chosen = new HashSet<>();
    private final ArrayList<Request> candidates = new ArrayList<>();
    /** Requests taken out of the waiting queue while selecting, in EDF order; all go back. */
    private final ArrayList<Request> polled = new ArrayList<>();
    /** Preempted requests chosen to resume this iteration, taken out of the waiting queue; all go back. */
    private final ArrayList<Request> resumedChosen = new ArrayList<>();
    private final MilpProblem problem;
    private final boolean[] x;
    /**
     * Waiting requests that can no longer meet their deadline whatever the batch (see
     * {@link #hopeless}); they sort after every deadline-bearing request that still can, so that
     * the candidate scan never reads them. Marked only while out of the waiting queue, unmarked when
     * admitted (chosen) or when a fallback rebuilds the queue in plain EDF order.
     */
    private final Set<Request> hopeless = new HashSet<>();
    private final Comparator<Request> order;
    private boolean restricting;
    private boolean fellBack;
    private long hopelessMarked;
    private long rebuilds;
    private int candidatesMax;
    private int examinedMax;
    /** Waiting requests looked at in the last iteration (for tests). */
    int examinedLast;
    private long solved;
    private long shortcuts;
    private long fallbacks;
    private long limited;
    private long greedy;
    private long resumedAdmissions;

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
            boolean ra = resumed(a);
            if (ra != resumed(b)) {
                return ra ? -1 : 1;
            }
            int ka = rank(a);
            int kb = rank(b);
            if (ka != kb) {
                return ka < kb ? -1 : 1;
            }
            return LocalPolicies.EDF.compare(a, b);
        };
    }

    /** 0: a deadline it may still meet; 1: a deadline it can no longer meet; 2: no deadline. EDF within each. */
    private int rank(Request r) {
        if (hopeless.contains(r)) {
            return 1;
        }
        return r.ttftDeadlineNs() == Long.MAX_VALUE ? 2 : 0;
    }

    private static double prefillMs(ExecutionTimePredictor p, int tokens) {
        return p.predict(SimpleBatch.prefills(tokens)).totalMs();
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
    /** Iterations decided without the solver: every candidate fit, or none could meet its deadline. */
    public long shortcuts() { return shortcuts; }
    /** Iterations that fell back to EDF (the solver threw). */
    public long fallbacks() { return fallbacks; }
    /** Iterations whose solve stopped at its work budget (or opt-in time limit); the best selection found was admitted. */
    public long limited() { return limited; }
    /** Of the {@link #limited} iterations, those with no selection found: the greedy EDF fill was admitted. */
    public long greedy() { return greedy; }

    /** Most candidates handed to the decision in one iteration (at most {@code milp_max_candidates}). */
    public int candidatesMax() { return candidatesMax; }
    /** Most waiting requests taken out of the queue and looked at in one iteration. */
    public int examinedMax() { return examinedMax; }

    /**
     * {@code milp_solved}, {@code milp_shortcuts}, {@code milp_limited}, {@code milp_greedy},
     * {@code milp_fallbacks}, {@code milp_resumed_first} (see the accessors), {@code milp_hopeless} (requests set aside as unable to meet their deadline),
     * {@code milp_rebuilds} (fallbacks that put the queue back in plain EDF order),
     * {@code milp_candidates_max} and {@code milp_examined_max} (per-iteration maxima, not sums).
     */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("milp_solved", solved);
        m.put("milp_shortcuts", shortcuts);
        m.put("milp_limited", limited);
        m.put("milp_greedy", greedy);
        m.put("milp_fallbacks", fallbacks);
        m.put("milp_resumed_first", resumedAdmissions);
        m.put("milp_hopeless", hopelessMarked);
        m.put("milp_rebuilds", rebuilds);
        m.put("milp_candidates_max", (long) candidatesMax);
        m.put("milp_examined_max", (long) examinedMax);
        return m;
    }

    @Override
    public void select(PriorityQueue<Request> waiting, AdmissionBudget budget, long now) {
        // Last iteration's choices not admitted sort first: take them out before their mark is
        // cleared, and put them back in their plain (resumed first, then EDF) place.
        polled.clear();
        while (!waiting.isEmpty() && chosen.contains(waiting.peek())) {
            polled.add(waiting.poll());
        }
        int examined = polled.size();
        // chosen ones are out of the queue now (admitted, or just polled): unmark them, so that a
        // request preempted before its first token is judged afresh
        for (Request r : chosen) {
            hopeless.remove(r);
        }
        chosen.clear();
        for (int i = 0; i < polled.size(); i++) {
            waiting.add(polled.get(i));
        }
        polled.clear();
        restricting = false;
        fellBack = false;
        if (!admitResumed(waiting, budget)) {
            restricting = true;
        } else if (budget.tokens() > 0 && budget.freeSeqs() > 0) {
            gatherCandidates(waiting, budget, now);
            candidatesMax = Math.max(candidatesMax, candidates.size());
            if (!candidates.isEmpty()) {
                decide(budget, now);
            }
        }
        examined += resumedChosen.size() + polled.size();
        examinedLast = examined;
        examinedMax = Math.max(examinedMax, examined);
        for (int i = 0; i < resumedChosen.size(); i++) {
            waiting.add(resumedChosen.get(i));
        }
        for (int i = 0; i < polled.size(); i++) {
            waiting.add(polled.get(i));
        }
        resumedChosen.clear();
        polled.clear();
        candidates.clear();
        if (fellBack && !hopeless.isEmpty()) {
            rebuildInEdfOrder(waiting);
        }
    }

    /**
     * The scheduler is about to admit from the head without the policy's choice (an EDF fallback):
     * unmark every hopeless request so that the queue is in plain EDF order (resumed first). Costs
     * O(n log n) on such iterations only; they are rare (a solver failure).
     */
    private void rebuildInEdfOrder(PriorityQueue<Request> waiting) {
        polled.addAll(waiting);
        waiting.clear();
        hopeless.clear();
        waiting.addAll(polled);
        polled.clear();
        rebuilds++;
    }

    /** A waiting request that already emitted tokens: it was preempted mid-generation and waits to resume. */
    private static boolean resumed(Request r) {
        return r.generated() > 0;
    }

    /**
     * Preempted requests resume before any new admission, as in vLLM (else a steady stream of
     * deadline-bearing arrivals could starve them: they have no deadline left to win the MILP
     * with). Chooses them in EDF order while they fit and shrinks {@code budget} by what they take.
     *
     * @return false if one does not fit, so that nothing is admitted past it this iteration
     */
    private boolean admitResumed(PriorityQueue<Request> waiting, AdmissionBudget budget) {
        int tokens = 0;
        int blocks = 0;
        int seqs = 0;
        boolean fits = true;
        while (!waiting.isEmpty() && resumed(waiting.peek())) {
            Request r = waiting.peek();
            int t = budget.tokensFor(r);
            int b = t > 0 ? budget.blocksFor(r, t) : 0;
            if (t <= 0 || tokens + t > budget.tokens() || blocks + b > budget.freeBlocks()
                    || seqs + 1 > budget.freeSeqs()) {
                fits = false;
                break;
            }
            resumedChosen.add(waiting.poll());
            chosen.add(r);
            tokens += t;
            blocks += b;
            seqs++;
        }
        if (seqs > 0) {
            resumedAdmissions += seqs;
            budget.set(budget.tokens() - tokens, budget.freeBlocks() - blocks, budget.freeSeqs() - seqs,
                    budget.batchTokens() + tokens, budget.iterationTokens(), budget.chunked());
            restricting = true;
        }
        return fits;
    }

    /**
     * Candidates: the earliest-deadline waiting requests that can still meet their deadline, up
     * to {@code maxCandidates}, then, in the places left, the earliest of those that cannot (or
     * have no deadline), which may take capacity the others leave. The queue is read in EDF order;
     * everything taken out is in {@link #polled}, to be re-added.
     *
     * <p>A request that cannot meet its deadline even alone in an empty iteration never will (its
     * deadline only comes closer while it waits), so it is marked {@link #hopeless} and sorts after
     * the others that bear a deadline: the scan stops where they begin, and each is read once rather
     * than every iteration. The fill still takes the earliest non-viable requests in EDF order, by
     * merging those scanned with the queue's head (the hopeless, then those without a deadline), so
     * the candidates are exactly those of a full EDF scan.
     */
    private void gatherCandidates(PriorityQueue<Request> waiting, AdmissionBudget budget, long now) {
        candidates.clear();
        int viable = 0;
        while (viable < maxCandidates && !waiting.isEmpty() && rank(waiting.peek()) == 0) {
            Request r = waiting.poll();
            if (hopeless(r, budget, now)) {
                hopeless.add(r);
                hopelessMarked++;
            }
            polled.add(r);
            if (slackMs(r, budget, now) >= perTokenMs * budget.tokensFor(r)) {
                candidates.add(r);
                viable++;
            }
        }
        // fill with the earliest others in EDF order: merge those already looked at with the heap's head
        int scanned = polled.size();
        int i = 0;
        while (candidates.size() < maxCandidates) {
            while (i < scanned && slackMs(polled.get(i), budget, now) >= perTokenMs * budget.tokensFor(polled.get(i))) {
                i++;
            }
            Request next;
            if (i < scanned && (waiting.isEmpty() || LocalPolicies.EDF.compare(polled.get(i), waiting.peek()) <= 0)) {
                next = polled.get(i++);
            } else if (!waiting.isEmpty()) {
                next = waiting.poll();
                polled.add(next);
            } else {
                break;
            }
            candidates.add(next);
        }
    }

    /**
     * True if {@code r} would miss its deadline even as the only request of an otherwise empty
     * iteration with the whole token budget, hence in every later iteration too: its remaining
     * prefill, which does not change while it waits, takes at least {@code fixedMs + perTokenMs * P}
     * (chunks add a fixed cost each), and the time left only shrinks. A microsecond of margin keeps
     * rounding from marking one that {@link #slackMs} would still find viable.
     */
    private boolean hopeless(Request r, AdmissionBudget budget, long now) {
        if (r.generated() > 0 || r.ttftDeadlineNs() == Long.MAX_VALUE) {
            return false;
        }
        boolean splitFree = budget.chunked() && budget.iterationTokens() <= 0;
        double leastMs = fixedMs + (splitFree ? 0 : perTokenMs * r.remainingPrefill());
        return (r.ttftDeadlineNs() - now) / 1e6 + 1e-3 < leastMs;
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
        if (!problem.anyCanMeet()) {
            // no deadline can be met this iteration: the MILP is empty; admit what fits, in EDF order
            java.util.Arrays.fill(x, 0, n, false);
            problem.fill(x);
            choose(n);
            shortcuts++;
            restricting = true;
            return;
        }
        MilpSolver.Outcome outcome;
        try {
            outcome = solver.solve(problem, x);
        } catch (RuntimeException e) {
            fallbacks++;
            fellBack = true;
            return;
        }
        switch (outcome) {
            case OPTIMAL -> solved++;
            case INCUMBENT -> limited++;
            default -> {
                // the budget ran out before a valid selection: the greedy one, EDF order while deadlines hold
                limited++;
                greedy++;
                java.util.Arrays.fill(x, 0, n, false);
            }
        }
        restricting = true;
        problem.fill(x);
        choose(n);
    }

    private void choose(int n) {
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
