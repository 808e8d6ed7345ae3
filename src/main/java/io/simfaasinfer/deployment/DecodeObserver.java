package io.simfaasinfer.deployment;

import io.simfaasinfer.request.ForwardingObserver;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import io.simfaasinfer.transfer.TransferStats;

/**
 * The request observer of a decode pool: forwards every event to the run's metrics and gives the
 * transfer statistics the first inter-token gap of each transferred request (its second token).
 */
public final class DecodeObserver extends ForwardingObserver {

    private final TransferStats stats;

    public DecodeObserver(RequestObserver metrics, TransferStats stats) {
        super(metrics, true);
        this.stats = stats;
    }

    @Override
    public void onToken(Request r, long gapNs, long now) {
        super.onToken(r, gapNs, now);
        if (r.generated() == 2 && gapNs >= 0) {
            stats.onFirstGap(r, gapNs);
        }
    }

    /** The iteration goes on to the metrics whole; then each second token's gap to the transfer statistics. */
    @Override
    public void onDecodeTokens(Request[] requests, long[] gapsNs, int n, long now) {
        next().onDecodeTokens(requests, gapsNs, n, now);
        for (int i = 0; i < n; i++) {
            Request r = requests[i];
            if (r != null && r.generated() == 2) {
                stats.onFirstGap(r, gapsNs[i]);
            }
        }
    }
}
