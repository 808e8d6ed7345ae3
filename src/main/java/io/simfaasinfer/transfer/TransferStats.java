package io.simfaasinfer.transfer;

import io.simfaasinfer.metrics.LatencyStats;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.request.Request;

/**
 * What the KV transfers of a disaggregated run did: how many, how many bytes, how long each took
 * on its link (from the reservation on the decode replica to the cache's arrival), how many
 * prefilled requests had to wait for decode memory and for how long, and the transfer's share of
 * the first inter-token gap (first token on the prefill replica, second on the decode replica).
 */
public final class TransferStats {

    private final KvTransferModel model;
    private final String link;
    private final LatencyStats time = new LatencyStats();
    private final LatencyStats memoryWait = new LatencyStats();
    private long transfers;
    private double bytes;
    private double exposedBytes;
    private long waitsForDecodeMemory;
    private int waitingPeak;
    private double firstGapNs;
    private double handoffToDecodeNs;
    private int peakPerLink;

    /** @param link what a link is, for the report (e.g. "per prefill replica") */
    public TransferStats(KvTransferModel model, String link) {
        this.model = model;
        this.link = link;
    }

    /** A transfer of {@code bytes} (of which {@code exposed} went over the link after the prefill) finished after {@code ns}. */
    public void onTransferred(double bytes, double exposed, long ns) {
        transfers++;
        this.bytes += bytes;
        this.exposedBytes += exposed;
        time.record(ns);
    }

    /** A prefilled request found no decode replica with room and waits (holding its prefill KV). */
    public void onWaitForMemory(int waitingNow) {
        waitsForDecodeMemory++;
        waitingPeak = Math.max(waitingPeak, waitingNow);
    }

    /** A request that waited for decode memory got its reservation after {@code ns}. */
    public void onMemoryWaitOver(long ns) {
        memoryWait.record(ns);
    }

    /** A link carried {@code n} transfers at once. */
    public void onLinkLoad(int n) {
        peakPerLink = Math.max(peakPerLink, n);
    }

    /** The second token of {@code r} came {@code gapNs} after its first (called once per transferred request). */
    public void onFirstGap(Request r, long gapNs) {
        if (r.measured() && r.handoffNs() >= 0 && r.decodeJoinNs() >= 0) {
            firstGapNs += gapNs;
            handoffToDecodeNs += r.decodeJoinNs() - r.handoffNs();
        }
    }

    public long transfers() {
        return transfers;
    }

    public long waitsForDecodeMemory() {
        return waitsForDecodeMemory;
    }

    public SimulationResult.KvTransfer result() {
        return new SimulationResult.KvTransfer(transfers, bytes, exposedBytes, time.summary(), waitsForDecodeMemory,
                waitingPeak, memoryWait.summary(), firstGapNs > 0 ? handoffToDecodeNs / firstGapNs : 0,
                peakPerLink, model.mode().label(), model.bandwidthGbS(), model.latencyNs() / 1e6, link,
                model.bytesPerToken());
    }
}
