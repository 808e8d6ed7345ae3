package io.simfaasinfer.metrics;

import io.simfaasinfer.request.Request;

/**
 * Timestamps and outcome of one finished or rejected request (times in ms since the start of the
 * simulation; -1 where not applicable). First token and finish are when the client has them (the
 * engine's times plus the API front end's egress delay), so TTFT = firstToken - arrival and
 * E2E = finish - arrival; first scheduled is the scheduler's time (after the API ingress delay).
 */
public record RequestRecord(long id, int replica, int promptTokens, int outputTokens, double arrivalMs,
                            double firstScheduledMs, double firstTokenMs, double finishMs, double ttftMs,
                            double e2eMs, double queueDelayMs, double tpotMs, double maxTbtMs, int preemptions,
                            boolean measured, String outcome) {

    public static RequestRecord of(Request r, String outcome) {
        return of(r, outcome, 0);
    }

    /** @param egressNs the API front end's delay from the engine's token to the client's ({@code ApiOverhead}) */
    public static RequestRecord of(Request r, String outcome, long egressNs) {
        double arrival = r.arrivalNs() / 1e6;
        boolean done = r.finishNs() >= 0;
        long firstToken = r.firstTokenNs() >= 0 ? r.firstTokenNs() + egressNs : -1;
        long finish = done ? r.finishNs() + egressNs : -1;
        double ttft = firstToken >= 0 ? (firstToken - r.arrivalNs()) / 1e6 : -1;
        double e2e = done ? (finish - r.arrivalNs()) / 1e6 : -1;
        double queue = r.firstScheduledNs() >= 0 ? (r.firstScheduledNs() - r.arrivalNs()) / 1e6 : -1;
        double tpot = done && r.outputTokens() > 1 ? (r.finishNs() - r.firstTokenNs()) / 1e6 / (r.outputTokens() - 1) : -1;
        return new RequestRecord(r.id(), r.replica(), r.promptTokens(), r.outputTokens(), arrival,
                ms(r.firstScheduledNs()), ms(firstToken), ms(finish), ttft, e2e, queue, tpot,
                r.maxGapNs() / 1e6, r.preemptions(), r.measured(), outcome);
    }

    private static double ms(long ns) {
        return ns < 0 ? -1 : ns / 1e6;
    }
}
