package io.simfaasinfer.scheduler.local;


/**
 * A test-scope plug-in (src/test/resources/META-INF/services): the {@code milp} policy with an
 * exhaustive solver in place of ojAlgo, exact for the small windows tests use and fast enough for
 * runs of tens of thousands of requests. It tests the policy's candidate handling, not the solver.
 */
public final class TestExhaustiveMilpFactory implements LocalPolicyFactory {

    @Override
    public String name() {
        return "test-milp-exhaustive";
    }

    @Override
    public String description() {
        return "milp with an exhaustive solver (test plug-in)";
    }

    @Override
    public LocalPolicy create(PolicyContext ctx) {
        return new MilpPolicy(ctx.config().milpMaxCandidates(), TestExhaustiveMilpFactory::solve, ctx.predictor());
    }

    /** Most deadlines met (among equal counts, the largest mask). */
    static MilpSolver.Outcome solve(MilpProblem p, boolean[] z) {
        int n = p.size();
        if (n > 16) {
            return MilpSolver.Outcome.NONE;
        }
        boolean[] x = new boolean[n];
        int best = -1;
        int bestMask = 0;
        for (int mask = (1 << n) - 1; mask >= 0; mask--) {
            boolean ok = true;
            for (int i = 0; i < n; i++) {
                x[i] = (mask & (1 << i)) != 0;
                ok &= !x[i] || p.canMeet[i];
            }
            if (!ok || !p.withinBudgets(x)) {
                continue;
            }
            int met = p.deadlinesMet(x);
            if (met == Integer.bitCount(mask) && met > best) {
                best = met;
                bestMask = mask;
            }
        }
        for (int i = 0; i < n; i++) {
            z[i] = (bestMask & (1 << i)) != 0;
        }
        return MilpSolver.Outcome.OPTIMAL;
    }
}
