package io.simfaasinfer.predictor;

/**
 * Predicted time of one iteration, split by where it goes. All times in milliseconds.
 *
 * @param linearMs          token-proportional work: QKV/output projections, MLP, norms
 * @param prefillAttentionMs attention of prefill tokens against their context and each other
 * @param decodeAttentionMs attention of decode tokens, reading the whole KV cache
 * @param lmHeadMs          LM head (logits of the last token of each sequence) and sampling
 * @param communicationMs   tensor/pipeline-parallel communication (all-reduces)
 * @param overheadMs        fixed per-iteration cost (launches, scheduling, synchronisation)
 * @param flops             floating-point operations executed, summed over all GPUs of the replica
 * @param bytes             device-memory bytes moved, summed over all GPUs of the replica
 */
public record Breakdown(
        double linearMs,
        double prefillAttentionMs,
        double decodeAttentionMs,
        double lmHeadMs,
        double communicationMs,
        double overheadMs,
        double flops,
        double bytes) {

    public static final Breakdown ZERO = new Breakdown(0, 0, 0, 0, 0, 0, 0, 0);

    public double totalMs() {
        return linearMs + prefillAttentionMs + decodeAttentionMs + lmHeadMs + communicationMs + overheadMs;
    }

    /** The same breakdown with every time multiplied by {@code f} (flops and bytes unchanged). */
    public Breakdown scaleTime(double f) {
        return new Breakdown(linearMs * f, prefillAttentionMs * f, decodeAttentionMs * f, lmHeadMs * f,
                communicationMs * f, overheadMs * f, flops, bytes);
    }
}
