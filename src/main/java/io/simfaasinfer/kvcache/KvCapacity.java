package io.simfaasinfer.kvcache;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;

/**
 * KV-cache capacity of one replica, from memory per TP shard: GPU memory x utilisation fraction
 * - weights / TP - activation reserve, divided by the bytes of one block on that shard. Weights and
 * block bytes follow the model's served dtypes ({@link ModelSpec#weightBytes}, {@link ModelSpec#kvBytesPerElement}):
 * an fp8 KV cache holds twice the tokens of a bf16 one in the same bytes.
 *
 * @param gpuMemoryBytes    memory of one GPU
 * @param usableBytes       memory x utilisation fraction
 * @param weightBytes       this shard's weights
 * @param activationBytes   reserved for activations (peak of a full token budget)
 * @param kvBytes           left for the KV cache on this shard
 * @param blockBytes        bytes of one KV block on this shard
 * @param totalBlocks       blocks in the cache (0 if the model does not fit)
 */
public record KvCapacity(double gpuMemoryBytes, double usableBytes, double weightBytes, double activationBytes,
                         double kvBytes, double blockBytes, int totalBlocks) {

    /**
     * Capacity for {@code model} on {@code tp} GPUs of type {@code gpu}.
     *
     * @param activationReserveGb reserve per GPU in GB, or a negative value to derive it from
     *                            {@code maxBatchedTokens}: the transient tensors of one layer for a full
     *                            token budget plus the logits, as vLLM's profiling run measures it
     */
    public static KvCapacity of(ModelSpec model, GpuSpec gpu, int tp, double memoryUtilization, int blockSize,
                                double activationReserveGb, int maxBatchedTokens) {
        double mem = gpu.memoryBytes();
        double usable = mem * memoryUtilization;
        double weights = (double) model.weightBytes() / tp;
        double activation = activationReserveGb >= 0 ? activationReserveGb * 1e9
                : derivedActivationBytes(model, tp, maxBatchedTokens);
        double kv = usable - weights - activation;
        double blockBytes = blockBytesPerShard(model, tp, blockSize);
        int blocks = kv <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.floor(kv / blockBytes));
        return new KvCapacity(mem, usable, weights, activation, Math.max(0, kv), blockBytes, blocks);
    }

    /**
     * Capacity of a replica of {@code pp} pipeline stages, each on {@code tp} GPUs of type
     * {@code gpu}, its layers split as {@link io.simfaasinfer.catalog.StageLayout} (vLLM's rule). A
     * GPU of stage {@code s} holds the weights of its {@code l_s} layers (the first stage also the
     * embedding, the last the final norm and the LM head, a copy of the embedding when they are tied,
     * as vLLM's Llama loads it) and the KV of its layers only, so a block of {@code blockSize} tokens
     * takes {@code l_s / layers} of the single-GPU block bytes there, and
     * <pre>  blocks = min over s of floor((usable - weights_s - activation_s) / blockBytes_s)</pre>
     * (the logits' activation memory only on the last stage). The figures returned are those of the
     * stage that bounds the cache (the first such). At {@code pp = 1} exactly {@link #of(ModelSpec,
     * GpuSpec, int, double, int, double, int)}.
     */
    public static KvCapacity of(ModelSpec model, GpuSpec gpu, int tp, int pp, double memoryUtilization, int blockSize,
                                double activationReserveGb, int maxBatchedTokens) {
        if (pp == 1) {
            return of(model, gpu, tp, memoryUtilization, blockSize, activationReserveGb, maxBatchedTokens);
        }
        var layout = io.simfaasinfer.catalog.StageLayout.of(model.numLayers(), pp);
        double mem = gpu.memoryBytes();
        double usable = mem * memoryUtilization;
        double ab = model.activationBytes();
        double perLayer = (double) model.linearParamsPerLayer() * model.linearBytesPerParam()
                + 2.0 * model.hiddenSize() * ab; // linear weights + two norms
        KvCapacity best = null;
        for (int s = 0; s < pp; s++) {
            boolean last = s == pp - 1;
            double weights = layout.layers(s) * perLayer
                    + (s == 0 ? (double) model.vocabSize() * model.hiddenSize() * ab : 0)
                    + (last ? (model.hiddenSize() + (double) model.lmHeadParams()) * ab : 0);
            weights /= tp;
            double activation = activationReserveGb >= 0 ? activationReserveGb * 1e9
                    : derivedActivationBytes(model, tp, maxBatchedTokens, last);
            double kv = usable - weights - activation;
            double blockBytes = blockBytesPerShard(model, tp, blockSize) * layout.layers(s) / model.numLayers();
            int blocks = kv <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.floor(kv / blockBytes));
            if (best == null || blocks < best.totalBlocks()) {
                best = new KvCapacity(mem, usable, weights, activation, Math.max(0, kv), blockBytes, blocks);
            }
        }
        return best;
    }

    /**
     * Bytes of one KV block on one TP shard. KV heads are split across the TP group; when TP exceeds
     * the KV heads (GQA/MQA), each shard keeps a replica of one KV head, as vLLM does.
     */
    public static double blockBytesPerShard(ModelSpec model, int tp, int blockSize) {
        double kvHeadsPerShard = Math.max(1.0, (double) model.numKvHeads() / tp);
        return 2.0 * model.numLayers() * kvHeadsPerShard * model.headDim() * model.kvBytesPerElement() * blockSize;
    }

    /** Peak activation memory for one forward pass of {@code tokens} tokens on one shard. */
    public static double derivedActivationBytes(ModelSpec model, int tp, int tokens) {
        return derivedActivationBytes(model, tp, tokens, true);
    }

    /** As {@link #derivedActivationBytes(ModelSpec, int, int)}; the logits only where {@code withLogits} (the last stage). */
    public static double derivedActivationBytes(ModelSpec model, int tp, int tokens, boolean withLogits) {
        long h = model.hiddenSize();
        long m = model.intermediateSize();
        int b = model.activationBytes(); // activations stay 16-bit with fp8 weights
        // residual + normed input + qkv + attention out + (gate, up, act) MLP intermediates, sharded where TP splits them
        double perToken = (3.0 * h + (h + 2.0 * model.numKvHeads() * model.headDim()) / tp
                + (model.gatedMlp() ? 3.0 : 2.0) * m / tp) * b;
        double logits = !withLogits ? 0 : (double) model.vocabSize() * 4 /* fp32 */ * Math.min(tokens, 256) / tp;
        return tokens * perToken + logits;
    }

    /** Tokens the cache can hold. */
    public long tokenCapacity(int blockSize) {
        return (long) totalBlocks * blockSize;
    }
}
