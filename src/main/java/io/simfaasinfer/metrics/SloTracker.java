package io.simfaasinfer.metrics;

import io.simfaasinfer.request.Request;

import java.util.ArrayList;
import java.util.List;

/**
 * Service-level objectives of every request: TTFT (each request's own deadline, from
 * {@code workload.ttft_slo_ms} or its class), TPOT and E2E ({@code slo.tpot_ms}, {@code slo.e2e_ms}).
 * Counts, over measured requests (a rejected one misses every objective), how many met each and
 * how many met all (DistServe's goodput counts the latter). O(1) per finished request.
 */
public final class SloTracker {

    private static final class Counts {
        long measured;
        long ttftMet;
        long tpotMet;
        long e2eMet;
        long allMet;
    }

    private final long tpotNs;
    private final long e2eNs;
    private final boolean anyTtft;
    private final List<Counts> byClass = new ArrayList<>();
    private final Counts all = new Counts();

    /**
     * @param tpotMs  TPOT objective, ms, or null
     * @param e2eMs   E2E objective, ms, or null
     * @param anyTtft whether some request has a TTFT deadline
     */
    public SloTracker(Double tpotMs, Double e2eMs, boolean anyTtft) {
        this.tpotNs = tpotMs == null ? -1 : Math.round(tpotMs * 1e6);
        this.e2eNs = e2eMs == null ? -1 : Math.round(e2eMs * 1e6);
        this.anyTtft = anyTtft;
    }

    /** Whether any objective is set (else the results carry no slo section). */
    public boolean active() {
        return anyTtft || tpotNs >= 0 || e2eNs >= 0;
    }

    private Counts of(Request r) {
        while (byClass.size() <= r.classId()) {
            byClass.add(new Counts());
        }
        return byClass.get(r.classId());
    }

    void onRejected(Request r) {
        if (r.measured()) {
            of(r).measured++;
            all.measured++;
        }
    }

    /** @param egressNs the API front end's delay from the engine's token to the client's ({@code ApiOverhead}) */
    void onFinished(Request r, long now, long egressNs) {
        if (!r.measured()) {
            return;
        }
        boolean ttft = r.firstTokenNs() + egressNs <= r.ttftDeadlineNs();
        // TPOT of a one-token request is undefined: it meets any TPOT objective
        boolean tpot = tpotNs < 0 || r.outputTokens() < 2
                || (double) (r.finishNs() - r.firstTokenNs()) / (r.outputTokens() - 1) <= tpotNs;
        boolean e2e = e2eNs < 0 || r.finishNs() + egressNs - r.arrivalNs() <= e2eNs;
        add(of(r), ttft, tpot, e2e);
        add(all, ttft, tpot, e2e);
    }

    private static void add(Counts c, boolean ttft, boolean tpot, boolean e2e) {
        c.measured++;
        c.ttftMet += ttft ? 1 : 0;
        c.tpotMet += tpot ? 1 : 0;
        c.e2eMet += e2e ? 1 : 0;
        c.allMet += ttft && tpot && e2e ? 1 : 0;
    }

    /** The whole run's attainment; goodput over {@code windowS} (the measurement window). */
    public SimulationResult.Slo summary(double windowS) {
        return summary(all, windowS);
    }

    /** Class {@code id}'s attainment. */
    public SimulationResult.Slo summary(int id, double windowS) {
        return summary(id < byClass.size() ? byClass.get(id) : new Counts(), windowS);
    }

    private SimulationResult.Slo summary(Counts c, double windowS) {
        if (!active()) {
            return null;
        }
        double n = c.measured;
        return new SimulationResult.Slo(tpotNs < 0 ? null : tpotNs / 1e6, e2eNs < 0 ? null : e2eNs / 1e6,
                anyTtft && n > 0 ? c.ttftMet / n : null, tpotNs >= 0 && n > 0 ? c.tpotMet / n : null,
                e2eNs >= 0 && n > 0 ? c.e2eMet / n : null, n > 0 ? c.allMet / n : null,
                windowS > 0 ? c.allMet / windowS : 0, c.measured, c.allMet);
    }
}
