package io.simfaasinfer.planner;

import io.simfaasinfer.config.ConfigException;

import java.util.ArrayList;
import java.util.List;

/**
 * The max sustainable QPS of each candidate of one family (one shape: its batch limits and replica
 * counts), by screening runs. A candidate's search starts from a guess: the same size under the
 * previous batch limit (usually the same capacity: a tight guess, widened by 2%, 10%, 25%, then
 * doubling), else the smaller size's capacity scaled by the replica ratio (more replicas of one shape
 * never lower it; widened by 25%, then doubling), else the lowest rate of the range (doubling). It
 * widens until a rate fails, then bisects until the passing and failing rates are within 2% of each
 * other.
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

    /** Searches {@code family} (in the order enumerated: by batch limit, then ascending replicas). */
    List<Found> search(List<CandidateSpace.Entry> family) {
        List<Found> out = new ArrayList<>();
        java.util.Map<Integer, Double> lastBatch = new java.util.HashMap<>(); // replicas -> max QPS, previous limit
        java.util.Map<Integer, Double> thisBatch = new java.util.HashMap<>();
        int batch = -1;
        double prevQps = -1;
        int prevReplicas = 0;
        for (CandidateSpace.Entry e : family) {
            if (e.candidate().maxBatch() != batch) {
                batch = e.candidate().maxBatch();
                lastBatch = thisBatch;
                thisBatch = new java.util.HashMap<>();
                prevQps = -1;
            }
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
            Double sibling = lastBatch.get(c.replicas());
            Found f = sibling != null && sibling > 0 ? one(c, sibling, TIGHT)
                    : one(c, prevQps > 0 ? prevQps * c.replicas() / prevReplicas : -1, SCALED);
            out.add(f);
            thisBatch.put(c.replicas(), f.maxQps());
            if (f.maxQps() > 0) {
                prevQps = f.maxQps();
                prevReplicas = c.replicas();
            }
        }
        return out;
    }

    /** Widening factors after a guess of the same size (then doubling). */
    private static final double[] TIGHT = {1.02, 1.1, 1.25};
    /** Widening factors after a guess scaled from a smaller size (then doubling). */
    private static final double[] SCALED = {1.25};

    /**
     * @param guess a rate expected to pass or be close, or -1 (then the lowest rate, doubling)
     * @param steps widening factors to try first
     */
    private Found one(Candidate c, double guess, double[] steps) {
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
                return missesAtLowest(c, t, sims);
            }
        } else {
            return missesAtLowest(c, t, sims);
        }
        // widen until a rate fails (or the top of the range passes)
        int step = 0;
        while (fail == null) {
            if (pass.rate() >= highRate) {
                return new Found(c, "meets_slos", null, pass.rate(), pass, null, sims);
            }
            double factor = guess > 0 && step < steps.length ? steps[step] : 2;
            step++;
            double next = Math.min(highRate, pass.rate() * factor);
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

    /** Fails even at the lowest rate: measured once more without stopping early, for the figures of what to relax. */
    private Found missesAtLowest(Candidate c, Trial t, int sims) {
        if (t.metrics() == null) {
            Trial whole = evaluator.trial(c, lowRate, false, false);
            sims++;
            if (whole.metrics() != null) {
                t = whole;
            }
        }
        return new Found(c, "misses_slos", "fails even at the lowest rate, " + fmt(lowRate) + " req/s: " + t.reason(), 0,
                null, t, sims);
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
