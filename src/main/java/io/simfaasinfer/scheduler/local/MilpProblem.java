package io.simfaasinfer.scheduler.local;

/**
 * One batch-selection instance: n candidate requests (in EDF order), each with the tokens and KV
 * blocks it would add to the iteration and, if it has a TTFT deadline, its slack: the time from
 * the end of an iteration holding only what is already batched to its deadline (minus its later
 * chunks). Admitting a set S makes the iteration perTokenMs x sum_{j in S} tok_j longer; i in S
 * meets its deadline iff that extra time is at most slack_i. The selection is made in two steps:
 *
 * <ol>
 *   <li>the MILP, over the candidates that could meet their deadline if admitted alone, with z_i in
 *   {0, 1} = "admitted and meets its deadline":
 *   <pre>
 *   maximise   sum (1 + r_i) z_i                       (r_i &lt; 1/n: earlier deadlines win ties)
 *   subject to sum tok_i z_i &lt;= tokenBudget,  sum blk_i z_i &lt;= blockBudget,  sum z_i &lt;= seqBudget
 *              perTokenMs * sum_j tok_j z_j &lt;= slack_i + M_i (1 - z_i)   for every i
 *   </pre>
 *   (M_i = perTokenMs x the most tokens the iteration can take - slack_i; constraints with M_i &lt;= 0 never bind);</li>
 *   <li>{@link #fill}: the other candidates, in EDF order, join while the budgets allow and no
 *   chosen request loses its deadline, so capacity the deadlines do not need is not wasted.</li>
 * </ol>
 *
 * Arrays are sized for the largest instance and reused; only the first {@link #size()} entries count.
 */
public final class MilpProblem {

    int n;
    final int[] tokens;
    final int[] blocks;
    final double[] slackMs;
    /** True if the candidate fits the budgets and meets its deadline when admitted alone. */
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

    /**
     * Resets to an empty instance with these budgets. A negative budget (free KV blocks already
     * below the watermark) admits nothing, the same as zero.
     */
    public void reset(int tokenBudget, int blockBudget, int seqBudget, double perTokenMs) {
        this.n = 0;
        this.tokenBudget = Math.max(0, tokenBudget);
        this.blockBudget = Math.max(0, blockBudget);
        this.seqBudget = Math.max(0, seqBudget);
        this.perTokenMs = perTokenMs;
    }

    /**
     * Adds the next candidate (in EDF order).
     *
     * @param slackMs its slack, ms, or NaN if it has no pending deadline
     */
    public void add(int tokens, int blocks, double slackMs) {
        int i = n++;
        this.tokens[i] = tokens;
        this.blocks[i] = blocks;
        this.feasible[i] = tokens > 0 && tokens <= tokenBudget && blocks <= blockBudget && seqBudget > 0;
        this.canMeet[i] = feasible[i] && !Double.isNaN(slackMs) && slackMs >= perTokenMs * tokens;
        this.slackMs[i] = Double.isNaN(slackMs) ? 0 : slackMs;
    }

    /** Whether any candidate could meet its deadline, i.e. the MILP has a variable at all. */
    public boolean anyCanMeet() {
        for (int i = 0; i < n; i++) {
            if (canMeet[i]) {
                return true;
            }
        }
        return false;
    }

    /** Objective weight of candidate i meeting its deadline: 1 plus a tie-break below 1/n favouring earlier ones. */
    double meetWeight(int i) {
        return 1.0 + 0.5 * (n - i) / ((double) n * (n + 1));
    }

    /** Candidates of {@code x} that are chosen, could meet their deadline and do, given the whole choice. */
    public int deadlinesMet(boolean[] x) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            if (x[i]) {
                sum += tokens[i];
            }
        }
        int met = 0;
        for (int i = 0; i < n; i++) {
            if (x[i] && canMeet[i] && perTokenMs * sum <= slackMs[i] + 1e-9) {
                met++;
            }
        }
        return met;
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

    /**
     * Step 2: adds the unchosen candidates in order while the budgets hold and every chosen
     * candidate that meets its deadline still does.
     */
    public void fill(boolean[] x) {
        long t = 0;
        long b = 0;
        int s = 0;
        double minSlack = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (x[i]) {
                t += tokens[i];
                b += blocks[i];
                s++;
            }
        }
        for (int i = 0; i < n; i++) {
            if (x[i] && canMeet[i] && perTokenMs * t <= slackMs[i] + 1e-9) {
                minSlack = Math.min(minSlack, slackMs[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            if (x[i] || !feasible[i]) {
                continue;
            }
            if (t + tokens[i] <= tokenBudget && b + blocks[i] <= blockBudget && s + 1 <= seqBudget
                    && perTokenMs * (t + tokens[i]) <= minSlack + 1e-9) {
                x[i] = true;
                t += tokens[i];
                b += blocks[i];
                s++;
                if (canMeet[i] && perTokenMs * t <= slackMs[i] + 1e-9) {
                    minSlack = Math.min(minSlack, slackMs[i]);
                }
            }
        }
    }
}
