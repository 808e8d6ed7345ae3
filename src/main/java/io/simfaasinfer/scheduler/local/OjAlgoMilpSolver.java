package io.simfaasinfer.scheduler.local;

import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;
import org.ojalgo.optimisation.integer.IntegerStrategy;

/**
 * {@link MilpProblem} solved exactly by ojAlgo's branch and bound, single-threaded (so the chosen
 * optimum does not depend on thread timing), under a wall-clock limit. Anything short of a proven
 * optimum (time-out, failure) is reported as no answer.
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

        Variable[] x = new Variable[n];
        Variable[] y = new Variable[n];
        double allTokens = 0;
        for (int i = 0; i < n; i++) {
            x[i] = model.addVariable("x" + i).binary().weight(p.admitWeight(i));
            if (!p.feasible[i]) {
                x[i].upper(0);
            } else {
                allTokens += p.tokens[i];
            }
        }
        Expression tokens = model.addExpression("tokens").upper(p.tokenBudget);
        Expression blocks = model.addExpression("blocks").upper(p.blockBudget);
        Expression seqs = model.addExpression("seqs").upper(p.seqBudget);
        for (int i = 0; i < n; i++) {
            tokens.set(x[i], p.tokens[i]);
            blocks.set(x[i], p.blocks[i]);
            seqs.set(x[i], 1);
        }
        double bigM = p.perTokenMs * allTokens;
        for (int i = 0; i < n; i++) {
            if (!p.canMeet[i]) {
                continue;
            }
            y[i] = model.addVariable("y" + i).binary().weight(1);
            model.addExpression("link" + i).upper(0).set(y[i], 1).set(x[i], -1);
            // perTokenMs * sum_j tok_j x_j + M y_i <= slack_i + M
            Expression deadline = model.addExpression("deadline" + i).upper(p.slackMs[i] + bigM);
            for (int j = 0; j < n; j++) {
                if (p.feasible[j]) {
                    deadline.set(x[j], p.perTokenMs * p.tokens[j]);
                }
            }
            deadline.set(y[i], bigM);
        }
        Optimisation.Result result = model.maximise();
        if (!result.getState().isOptimal()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            chosen[i] = result.doubleValue(x[i].getIndex().index) > 0.5;
        }
        return p.withinBudgets(chosen);
    }
}
