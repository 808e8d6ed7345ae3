package io.simfaasinfer.scheduler.local;

import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;
import org.ojalgo.optimisation.integer.IntegerStrategy;

/**
 * Step 1 of a {@link MilpProblem} solved exactly by ojAlgo's branch and bound, single-threaded
 * (so the optimum chosen does not depend on thread timing), under a wall-clock limit. Anything
 * short of a proven optimum (time-out, failure) is reported as no answer.
 */
public final class OjAlgoMilpSolver implements MilpSolver {

    private final long timeLimitMs;

    /** @param timeLimitMs wall-clock limit per solve, ms (at least 1) */
    public OjAlgoMilpSolver(long timeLimitMs) {
        this.timeLimitMs = Math.max(1, timeLimitMs);
    }

    @Override
    public boolean solve(MilpProblem p, boolean[] chosen) {
        int n = p.n;
        Optimisation.Options options = new Optimisation.Options();
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
        if (!result.getState().isOptimal()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            chosen[i] = z[i] != null && result.doubleValue(z[i].getIndex().index) > 0.5;
        }
        return p.withinBudgets(chosen) && p.deadlinesMet(chosen) == count(chosen, n);
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
