package io.simfaasinfer.scheduler.local;

/**
 * One batch-selection instance: n candidate requests, each with the tokens and KV blocks it would
 * add to the iteration and, if it has a TTFT deadline it can still meet, its slack. Choose
 * x<sub>i</sub> (admit) and y<sub>i</sub> (meets its deadline) in {0, 1} to
 *
 * <pre>
 *   maximise   sum y_i  +  sum eps_i x_i                    (eps_i small: admit more when it costs no deadline)
 *   subject to sum tok_i x_i &lt;= tokenBudget,  sum blk_i x_i &lt;= blockBudget,  sum x_i &lt;= seqBudget
 *              y_i &lt;= x_i
 *              perTokenMs * sum tok_j x_j &lt;= slackMs_i + M (1 - y_i)   (the iteration ends before i's deadline)
 * </pre>
 *
 * Arrays are sized for the largest instance and reused; only the first {@link #n} entries count.
 */
public final class MilpProblem {

    int n;
    final int[] tokens;
    final int[] blocks;
    /** Deadline minus the earliest this candidate's first token can come if the batch held only it, ms. */
    final double[] slackMs;
    /** True if the candidate has a pending TTFT deadline that it can meet when admitted alone. */
    final boolean[] canMeet;
    /** True if the candidate fits the budgets alone. */
    final boolean[] feasible;
    int tokenBudget;
    int blockBudget;
    int seqBudget;
    /** Marginal iteration time per admitted token, ms. */
    double perTokenMs;

    public MilpProblem(int capacity) {
        tokens = new int[capacity];
        blocks = new int[capacity];
        slackMs = new double[capacity];
        canMeet = new boolean[capacity];
        feasible = new boolean[capacity];
    }

    public int size() {
        return n;
    }

    /** Resets to an empty instance with these budgets. */
    public void reset(int tokenBudget, int blockBudget, int seqBudget, double perTokenMs) {
        this.n = 0;
        this.tokenBudget = tokenBudget;
        this.blockBudget = blockBudget;
        this.seqBudget = seqBudget;
        this.perTokenMs = perTokenMs;
    }

    /**
     * Adds candidate {@code n} (candidates are added in EDF order; earlier ones win ties).
     *
     * @param slackMs time from the end of an iteration holding only the already-batched tokens to the
     *                deadline, ms; NaN if the candidate has no pending deadline
     */
    public void add(int tokens, int blocks, double slackMs) {
        int i = n++;
        this.tokens[i] = tokens;
        this.blocks[i] = blocks;
        this.feasible[i] = tokens > 0 && tokens <= tokenBudget && blocks <= blockBudget && seqBudget > 0;
        this.canMeet[i] = feasible[i] && !Double.isNaN(slackMs) && slackMs >= perTokenMs * tokens;
        this.slackMs[i] = Double.isNaN(slackMs) ? 0 : slackMs;
    }

    /** Weight of admitting candidate i regardless of deadlines: below 1/n in total, larger for earlier deadlines. */
    double admitWeight(int i) {
        return (1.0 + 0.25 * (n - i) / n) / (2.0 * n + 2);
    }

    /** Objective value of a selection (for checks and tests). */
    public double objective(boolean[] x) {
        long sumTokens = 0;
        for (int i = 0; i < n; i++) {
            if (x[i]) {
                sumTokens += tokens[i];
            }
        }
        double v = 0;
        for (int i = 0; i < n; i++) {
            if (x[i]) {
                v += admitWeight(i);
                if (canMeet[i] && perTokenMs * sumTokens <= slackMs[i] + 1e-9) {
                    v += 1;
                }
            }
        }
        return v;
    }

    /** Whether a selection respects the budgets. */
    public boolean withinBudgets(boolean[] x) {
        long t = 0;
        long b = 0;
        int s = 0;
        for (int i = 0; i < n; i++) {
            if (x[i]) {
                if (!feasible[i]) {
                    return false;
                }
                t += tokens[i];
                b += blocks[i];
                s++;
            }
        }
        return t <= tokenBudget && b <= blockBudget && s <= seqBudget;
    }
}
