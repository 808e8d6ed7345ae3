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
     * Bytes of one KV block on one TP shard. KV heads are split across the TP group; when TP exceeds
     * the KV heads (GQA/MQA), each shard keeps a replica of one KV head, as vLLM does.
     */
    public static double blockBytesPerShard(ModelSpec model, int tp, int blockSize) {
        double kvHeadsPerShard = Math.max(1.0, (double) model.numKvHeads() / tp);
        return 2.0 * model.numLayers() * kvHeadsPerShard * model.headDim() * model.kvBytesPerElement() * blockSize;
    }

    /** Peak activation memory for one forward pass of {@code tokens} tokens on one shard. */
    public static double derivedActivationBytes(ModelSpec model, int tp, int tokens) {
        long h = model.hiddenSize();
        long m = model.intermediateSize();
        int b = model.activationBytes(); // activations stay 16-bit with fp8 weights
        // residual + normed input + qkv + attention out + (gate, up, act) MLP intermediates, sharded where TP splits them
        double perToken = (3.0 * h + (h + 2.0 * model.numKvHeads() * model.headDim()) / tp
                + (model.gatedMlp() ? 3.0 : 2.0) * m / tp) * b;
        double logits = (double) model.vocabSize() * 4 /* fp32 */ * Math.min(tokens, 256) / tp;
        return tokens * perToken + logits;
    }

    /** Tokens the cache can hold. */
    public long tokenCapacity(int blockSize) {
        return (long) totalBlocks * blockSize;
    }
}
