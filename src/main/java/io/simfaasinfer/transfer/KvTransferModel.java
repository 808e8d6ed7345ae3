package io.simfaasinfer.transfer;

import io.simfaasinfer.catalog.ModelSpec;

/**
 * How long sending a request's KV cache takes on an idle link.
 *
 * <p>Bytes = prompt tokens x {@code 2 x layers x KV heads x head dim x bytes per element} (keys and
 * values of every layer: the whole cache, which the prefill replica's TP shards send together; KV
 * heads replicated across shards when TP exceeds them are sent once). Time = latency + bytes /
 * bandwidth. In {@link TransferMode#LAYERWISE} mode the bytes of the layers already sent while
 * the prefill ran are not on the link any more: the exposed bytes are
 * {@code bytes x max(1 / L, 1 - prefill x (L - 1) / (L x t))} with {@code t = bytes / bandwidth},
 * so the exposed time of a lone transfer is latency + {@code max(t / L, t - prefill x (L - 1) / L)}
 * (the last layer always goes after the prefill ends).
 *
 * @param bytesPerToken KV bytes of one token, all layers
 * @param bytesPerNs    link bandwidth, bytes per ns
 * @param latencyNs     fixed cost of one transfer (connection set-up, completion notice), ns
 * @param layers        the model's layers, for layer-wise overlap
 */
public record KvTransferModel(double bytesPerToken, double bytesPerNs, long latencyNs, int layers, TransferMode mode) {

    /** The model for {@code model} over a link of {@code bandwidthGbS} GB/s (10^9 bytes/s) and {@code latencyMs}. */
    public static KvTransferModel of(ModelSpec model, double bandwidthGbS, double latencyMs, TransferMode mode) {
        double perToken = model.kvBytesPerToken();
        return new KvTransferModel(perToken, bandwidthGbS, Math.round(latencyMs * 1e6), model.numLayers(), mode);
    }

    /** KV bytes of {@code tokens} cached tokens. */
    public double bytes(long tokens) {
        return tokens * bytesPerToken;
    }

    /** Bytes that still go over the link once a prefill of {@code prefillNs} ended, for {@code bytes} of cache. */
    public double exposedBytes(double bytes, long prefillNs) {
        if (mode == TransferMode.AFTER_PREFILL || bytes <= 0) {
            return bytes;
        }
        double t = bytes / bytesPerNs;
        double exposedNs = Math.max(t / layers, t - prefillNs * (layers - 1.0) / layers);
        return bytes * exposedNs / t;
    }

    /** Time of a transfer of {@code bytes} alone on its link: latency + bytes / bandwidth, rounded to ns. */
    public long aloneNs(double bytes) {
        return latencyNs + Math.round(bytes / bytesPerNs);
    }
}
