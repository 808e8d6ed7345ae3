package io.simfaasinfer.planner;

import io.simfaasinfer.config.ConfigException;

import java.util.ArrayList;
import java.util.List;

/**
 * The max sustainable QPS of each candidate of one family (same shape, growing replica count), by
 * screening runs: a rate is bracketed (from the lowest rate of the range, or, by monotonicity, from
 * the smaller candidate's capacity scaled by the replica ratio: more replicas of one shape never
 * lower it), widened by doubling until a rate fails, then bisected until the passing and failing
 * rates are within 2% of each other.
 */
final class FamilySearch {

    /** What the search found for one candidate. */
    record Found(Candidate candidate, String verdict, String reason, double maxQps, Trial atMax, Trial above,
                 int simulations) {
    }

    private static final double TOLERANCE = 0.02;

    private final Evaluator evaluator;
    private final double lowRate;
    private final double highRate;

    FamilySearch(Evaluator evaluator, double lowRate, double highRate) {
        this.evaluator = evaluator;
        this.lowRate = lowRate;
        this.highRate = highRate;
    }

    /** Searches {@code family} (in ascending replica order). */
    List<Found> search(List<CandidateSpace.Entry> family) {
        List<Found> out = new ArrayList<>();
        double prevQps = -1;
        int prevReplicas = 0;
        for (CandidateSpace.Entry e : family) {
            Candidate c = e.candidate();
            if (e.skipped() != null) {
                out.add(new Found(c, "skipped", e.skipped(), 0, null, null, 0));
                continue;
            }
            try {
                evaluator.config(c, lowRate, evaluator.screenDurationS());
            } catch (ConfigException ex) {
                out.add(new Found(c, "infeasible", ex.getMessage().replaceFirst("^candidate [^:]*: ", ""), 0, null, null,
                        0));
                continue;
            }
            Found f = one(c, prevQps > 0 ? prevQps * c.replicas() / prevReplicas : -1);
            out.add(f);
            if (f.maxQps() > 0) {
                prevQps = f.maxQps();
                prevReplicas = c.replicas();
            }
        }
        return out;
    }

    /** @param guess a rate expected to pass or be close (the smaller candidate's capacity scaled), or -1 */
    private Found one(Candidate c, double guess) {
        int sims = 0;
        Trial pass = null;
        Trial fail = null;
        double start = guess > lowRate ? Math.min(guess, highRate) : lowRate;
        Trial t = evaluator.trial(c, start, false);
        sims++;
        if (t.passed()) {
            pass = t;
        } else if (start > lowRate) {
            fail = t;
            t = evaluator.trial(c, lowRate, false);
            sims++;
            if (t.passed()) {
                pass = t;
            } else {
                return new Found(c, "misses_slos", "fails even at the lowest rate, " + fmt(lowRate) + " req/s: "
                        + t.reason(), 0, null, t, sims);
            }
        } else {
            return new Found(c, "misses_slos", "fails even at the lowest rate, " + fmt(lowRate) + " req/s: "
                    + t.reason(), 0, null, t, sims);
        }
        // widen until a rate fails (or the top of the range passes)
        while (fail == null) {
            if (pass.rate() >= highRate) {
                return new Found(c, "meets_slos", null, pass.rate(), pass, null, sims);
            }
            double next = Math.min(highRate, pass.rate() * (guess > 0 ? 1.25 : 2));
            t = evaluator.trial(c, next, false);
            sims++;
            if (t.passed()) {
                pass = t;
            } else {
                fail = t;
            }
        }
        while ((fail.rate() - pass.rate()) / pass.rate() > TOLERANCE) {
            double mid = (pass.rate() + fail.rate()) / 2;
            t = evaluator.trial(c, mid, false);
            sims++;
            if (t.passed()) {
                pass = t;
            } else {
                fail = t;
            }
        }
        return new Found(c, "meets_slos", null, pass.rate(), pass, fail, sims);
    }

    /** Confirms {@code f} with full-length runs: at its max QPS, else bisecting down from there. */
    Found confirm(Found f) {
        if (!f.verdict().equals("meets_slos")) {
            return f;
        }
        int sims = f.simulations();
        Trial t = evaluator.trial(f.candidate(), f.maxQps(), true);
        sims++;
        if (t.passed()) {
            return new Found(f.candidate(), f.verdict(), null, f.maxQps(), t, f.above(), sims);
        }
        Trial fail = t;
        Trial pass = null;
        double lo = f.maxQps();
        while (pass == null && lo > lowRate) {
            lo = Math.max(lowRate, lo * 0.8);
            t = evaluator.trial(f.candidate(), lo, true);
            sims++;
            if (t.passed()) {
                pass = t;
            } else {
                fail = t;
            }
        }
        if (pass == null) {
            return new Found(f.candidate(), "misses_slos", "full-length runs fail even at " + fmt(lowRate) + " req/s: "
                    + fail.reason(), 0, null, fail, sims);
        }
        while ((fail.rate() - pass.rate()) / pass.rate() > TOLERANCE) {
            double mid = (pass.rate() + fail.rate()) / 2;
            t = evaluator.trial(f.candidate(), mid, true);
            sims++;
            if (t.passed()) {
                pass = t;
            } else {
                fail = t;
            }
        }
        return new Found(f.candidate(), f.verdict(), null, pass.rate(), pass, fail, sims);
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3g", v);
    }
}
