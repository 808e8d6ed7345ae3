package io.simfaasinfer.transfer;

import io.simfaasinfer.catalog.ModelSpec;

/**
 * How long sending a request's KV cache takes on an idle link.
 *
 * <p>Bytes = prompt tokens x {@code 2 x layers x KV heads x head dim x bytes per element} (keys and
 * values of every layer: the whole cache, which the prefill replica's TP shards send together; KV
 * heads replicated across shards when TP exceeds them are sent once). Time = latency + bytes /
 * bandwidth. A link is the prefill replica's: {@code bandwidth_gb_s} when set, else
 * 38.5 GB/s per GPU of the replica (one 400 Gb/s NIC per GPU, as on
 * HGX/DGX H100 nodes, at the 77% of line rate that vLLM's Mooncake connector reached across nodes:
 * a fit of its published transfer times gives 154 GB/s over 8 x 200 Gb/s NICs and 0.57 ms of fixed
 * cost, the default latency; docs/deployments.md). In {@link TransferMode#LAYERWISE} mode the
 * bytes of the layers already sent while the prefill ran are not on the link any more: the exposed
 * bytes are {@code bytes x max(1 / L, 1 - prefill x (L - 1) / (L x t))} with {@code t = bytes /
 * bandwidth}, so the exposed time of a lone transfer is latency + {@code max(t / L, t - prefill x
 * (L - 1) / L)} (the last layer always goes after the prefill ends).
 *
 * @param bytesPerToken KV bytes of one token, all layers
 * @param bandwidthGbS  bandwidth of every link, GB/s, or null for 38.5 per GPU
 * @param latencyNs     fixed cost of one transfer (connection set-up, completion notice), ns
 * @param layers        the model's layers, for layer-wise overlap
 */
public record KvTransferModel(double bytesPerToken, Double bandwidthGbS, long latencyNs, int layers, TransferMode mode) {

    /** Share of a NIC's line rate a KV transfer reaches (fit of the Mooncake x vLLM measurements: 154 of 200 GB/s). */
    public static final double NIC_EFFICIENCY = 0.77;
    /** Line rate of one 400 Gb/s NIC (ConnectX-7, one per GPU on HGX/DGX H100 nodes), GB/s. */
    public static final double NIC_LINE_RATE_GB_S = 50;
    /** Effective bandwidth per prefill GPU: one 400 Gb/s NIC at {@link #NIC_EFFICIENCY}, GB/s. */
    public static final double DEFAULT_GB_S_PER_GPU = NIC_LINE_RATE_GB_S * NIC_EFFICIENCY;
    /** Fixed cost of one transfer, ms (fit of the Mooncake x vLLM measurements). */
    public static final double DEFAULT_LATENCY_MS = io.simfaasinfer.config.DeploymentConfig.DEFAULT_TRANSFER_LATENCY_MS;

    /** The model for {@code model}; {@code bandwidthGbS} null = the per-GPU default. */
    public static KvTransferModel of(ModelSpec model, Double bandwidthGbS, double latencyMs, TransferMode mode) {
        return new KvTransferModel(model.kvBytesPerToken(), bandwidthGbS, Math.round(latencyMs * 1e6), model.numLayers(),
                mode);
    }

    /** Bandwidth of the link of a prefill replica of {@code tp} GPUs, bytes per ns (= GB/s). */
    public double linkBytesPerNs(int tp) {
        return bandwidthGbS != null ? bandwidthGbS : DEFAULT_GB_S_PER_GPU * tp;
    }

    /** KV bytes of {@code tokens} cached tokens. */
    public double bytes(long tokens) {
        return tokens * bytesPerToken;
    }

    /** Bytes that still go over a link of {@code bytesPerNs} once a prefill of {@code prefillNs} ended. */
    public double exposedBytes(double bytes, long prefillNs, double bytesPerNs) {
        if (mode == TransferMode.AFTER_PREFILL || bytes <= 0) {
            return bytes;
        }
        double t = bytes / bytesPerNs;
        double exposedNs = Math.max(t / layers, t - prefillNs * (layers - 1.0) / layers);
        return bytes * exposedNs / t;
    }

    /** Time of a transfer of {@code bytes} alone on a link of {@code bytesPerNs}: latency + bytes / bandwidth, ns. */
    public long aloneNs(double bytes, double bytesPerNs) {
        return latencyNs + Math.round(bytes / bytesPerNs);
    }
}
