package io.simfaasinfer.serverless;

import io.simfaasinfer.metrics.LatencyStats;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The request side of a serverless run: forwards every request event to the run's
 * {@link MetricsCollector}, and adds the fleet's demand (queued + in flight) and its time integral,
 * service times, cold-start waits, and the split of each measured TTFT into queueing, cold-start
 * wait and prefill (TTFT = queueing + cold-start wait + prefill, exactly, per request).
 */
public final class ServerlessMetrics extends io.simfaasinfer.request.ForwardingObserver {

    private final MetricsCollector metrics;
    private final LatencyStats coldWait = new LatencyStats();
    private final LatencyStats ttftQueueing = new LatencyStats();
    private final LatencyStats ttftColdStart = new LatencyStats();
    private final LatencyStats ttftPrefill = new LatencyStats();
    /** Cold-start waits of requests dispatched but not yet at their first token. */
    private final Map<Request, Long> pendingColdWait = new IdentityHashMap<>();

    private long arrivals;
    private int demand;
    private long demandSinceNs;
    private double demandArea;
    private double serviceNs;
    private long services;
    private long requestsCold;

    public ServerlessMetrics(MetricsCollector metrics) {
        super(metrics, true); // its onToken adds only to first tokens: decode runs go on whole
        this.metrics = metrics;
    }

    // ---- fleet bookkeeping, called by the controller ----

    /** A request reached the fleet (whether admitted or rejected by a full queue). */
    void onFleetArrival() {
        arrivals++;
    }

    /** A request entered the fleet (queued or dispatched). */
    void onAdmitted(long now) {
        changeDemand(+1, now);
    }

    /** A request left the global queue for an instance after waiting {@code coldWaitNs} on a cold start. */
    void onDispatched(Request r, long coldWaitNs) {
        if (coldWaitNs > 0) {
            requestsCold++;
            pendingColdWait.put(r, coldWaitNs);
            if (r.measured()) {
                coldWait.record(coldWaitNs);
            }
        }
    }

    /** A prefill fleet handed {@code r} to the decode stage: it leaves this fleet (its service ends here). */
    void onDeparted(Request r, long now) {
        pendingColdWait.remove(r);
        serviceNs += now - r.firstScheduledNs();
        services++;
        changeDemand(-1, now);
    }

    /** A request in the global queue was rejected. */
    void onDropped(long now) {
        changeDemand(-1, now);
    }

    private void changeDemand(int delta, long now) {
        demandArea += (double) demand * (now - demandSinceNs);
        demandSinceNs = now;
        demand += delta;
    }

    int demand() {
        return demand;
    }

    long arrivals() {
        return arrivals;
    }

    /** Integral of demand over time up to {@code now}, request-ns. */
    double demandArea(long now) {
        return demandArea + (double) demand * (now - demandSinceNs);
    }

    double serviceNs() {
        return serviceNs;
    }

    long services() {
        return services;
    }

    long requestsCold() {
        return requestsCold;
    }

    LatencyStats coldWait() {
        return coldWait;
    }

    LatencyStats ttftQueueing() {
        return ttftQueueing;
    }

    LatencyStats ttftColdStart() {
        return ttftColdStart;
    }

    LatencyStats ttftPrefill() {
        return ttftPrefill;
    }

    // ---- request events: forwarded, with the fleet's own bookkeeping ----

    /** Decode tokens are never a first token (gap &gt;= 0), which is all {@link #onToken} adds to: forwarded whole. */
    @Override
    public void onDecodeTokens(Request[] requests, long[] gapsNs, int n, long now) {
        next().onDecodeTokens(requests, gapsNs, n, now);
    }

    @Override
    public void onToken(Request r, long gapNs, long now) {
        super.onToken(r, gapNs, now);
        if (gapNs < 0) {
            Long cold = pendingColdWait.remove(r);
            if (r.measured()) {
                long c = cold == null ? 0 : cold;
                long scheduled = r.firstScheduledNs();
                ttftColdStart.record(c);
                ttftQueueing.record(scheduled - r.arrivalNs() - c);
                ttftPrefill.record(now - scheduled);
            }
        }
    }

    @Override
    public void onFinished(Request r, long now) {
        super.onFinished(r, now);
        pendingColdWait.remove(r); // a decode fleet's requests never emit their first token there
        serviceNs += now - r.firstScheduledNs();
        services++;
        changeDemand(-1, now);
    }
}
