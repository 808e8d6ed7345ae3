package io.simfaasinfer.deployment;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import io.simfaasinfer.transfer.TransferStats;

/**
 * The request observer of a decode pool: forwards every event to the run's metrics and gives the
 * transfer statistics the first inter-token gap of each transferred request (its second token).
 */
public final class DecodeObserver implements RequestObserver {

    private final RequestObserver metrics;
    private final TransferStats stats;

    public DecodeObserver(RequestObserver metrics, TransferStats stats) {
        this.metrics = metrics;
        this.stats = stats;
    }

    @Override
    public void onArrival(Request r, long now) {
        metrics.onArrival(r, now);
    }

    @Override
    public void onRejected(Request r, String reason, long now) {
        metrics.onRejected(r, reason, now);
    }

    @Override
    public void onFirstScheduled(Request r, long now) {
        metrics.onFirstScheduled(r, now);
    }

    @Override
    public void onToken(Request r, long gapNs, long now) {
        metrics.onToken(r, gapNs, now);
        if (r.generated() == 2 && gapNs >= 0) {
            stats.onFirstGap(r, gapNs);
        }
    }

    @Override
    public void onPreempted(Request r, long now) {
        metrics.onPreempted(r, now);
    }

    @Override
    public void onFinished(Request r, long now) {
        metrics.onFinished(r, now);
    }
}
