package io.simfaasinfer.scheduler.local;

import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;
import org.ojalgo.optimisation.integer.IntegerStrategy;

/**
 * Step 1 of a {@link MilpProblem} solved by ojAlgo's branch and bound, single-threaded (so the
 * optimum chosen does not depend on thread timing), under a deterministic work budget: ojAlgo's
 * iteration limit, which bounds the branch-and-bound nodes of a solve (and the simplex iterations of
 * each node's LP). The same instance takes the same path however loaded the machine is. A wall-clock
 * limit can be added (opt-in, {@code milp_time_limit_ms}); it makes results depend on machine speed.
 * When a limit stops the search, the best valid selection found so far is returned as
 * {@link Outcome#INCUMBENT}, or {@link Outcome#NONE} if there is none.
 */
public final class OjAlgoMilpSolver implements MilpSolver {

    private final int nodeLimit;
    private final long timeLimitMs;

    /**
     * @param nodeLimit   work budget per solve: ojAlgo iterations (branch-and-bound nodes), at least 1
     * @param timeLimitMs wall-clock limit per solve, ms; 0 or less = none (the deterministic default)
     */
    public OjAlgoMilpSolver(int nodeLimit, long timeLimitMs) {
        this.nodeLimit = Math.max(1, nodeLimit);
        this.timeLimitMs = timeLimitMs > 0 ? timeLimitMs : Long.MAX_VALUE;
    }

    @Override
    public Outcome solve(MilpProblem p, boolean[] chosen) {
        int n = p.n;
        Optimisation.Options options = new Optimisation.Options();
        options.iterations_abort = nodeLimit;
        options.iterations_suffice = nodeLimit;
        options.time_abort = timeLimitMs;
        options.time_suffice = timeLimitMs;
        options.integer(IntegerStrategy.DEFAULT.withParallelism(() -> 1));
        ExpressionsBasedModel model = new ExpressionsBasedModel(options);

        Variable[] z = new Variable[n];
        double allTokens = 0;
        for (int i = 0; i < n; i++) {
            if (p.canMeet[i]) {
                z[i] = model.addVariable("z" + i).binary().weight(p.meetWeight(i));
                allTokens += p.tokens[i];
            }
        }
        Expression tokens = model.addExpression("tokens").upper(p.tokenBudget);
        Expression blocks = model.addExpression("blocks").upper(p.blockBudget);
        Expression seqs = model.addExpression("seqs").upper(p.seqBudget);
        for (int i = 0; i < n; i++) {
            if (z[i] != null) {
                tokens.set(z[i], p.tokens[i]);
                blocks.set(z[i], p.blocks[i]);
                seqs.set(z[i], 1);
            }
        }
        // The iteration takes at most maxTime more for the chosen tokens: a deadline with at least
        // that much slack always holds; for the others M_i = maxTime - slack_i is the tightest big-M.
        double maxTime = p.perTokenMs * Math.min(allTokens, p.tokenBudget);
        for (int i = 0; i < n; i++) {
            double bigM = z[i] == null ? 0 : maxTime - p.slackMs[i];
            if (bigM <= 0) {
                continue;
            }
            Expression deadline = model.addExpression("deadline" + i).upper(p.slackMs[i] + bigM);
            for (int j = 0; j < n; j++) {
                if (z[j] != null) {
                    deadline.set(z[j], p.perTokenMs * p.tokens[j]);
                }
            }
            deadline.set(z[i], p.perTokenMs * p.tokens[i] + bigM);
        }
        Optimisation.Result result = model.maximise();
        Optimisation.State state = result.getState();
        if (!state.isFeasible()) {
            return Outcome.NONE;
        }
        for (int i = 0; i < n; i++) {
            chosen[i] = z[i] != null && result.doubleValue(z[i].getIndex().index) > 0.5;
        }
        if (!p.withinBudgets(chosen) || p.deadlinesMet(chosen) != count(chosen, n)) {
            return Outcome.NONE;
        }
        return state.isOptimal() ? Outcome.OPTIMAL : Outcome.INCUMBENT;
    }

    private static int count(boolean[] x, int n) {
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (x[i]) {
                c++;
            }
        }
        return c;
    }
}
