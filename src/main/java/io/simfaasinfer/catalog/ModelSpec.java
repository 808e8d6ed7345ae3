package io.simfaasinfer.catalog;

/**
 * Architecture of a decoder-only transformer, as far as serving cost depends on it.
 *
 * @param name                 catalog name, e.g. {@code llama-2-7b}
 * @param numLayers            decoder layers
 * @param hiddenSize           model width
 * @param numHeads             attention (query) heads
 * @param numKvHeads           key/value heads (equal to numHeads without GQA/MQA)
 * @param intermediateSize     MLP inner width
 * @param vocabSize            vocabulary (LM head rows)
 * @param maxModelLen          context window in tokens (prompt + output)
 * @param gatedMlp             true for SwiGLU-style MLPs with three matrices, false for two
 * @param tiedEmbeddings       true if the LM head shares the embedding matrix (counted once)
 * @param bytesPerParam        weight and KV element size (2 for bf16/fp16)
 * @param source               where the figures come from
 */
public record ModelSpec(
        String name,
        int numLayers,
        int hiddenSize,
        int numHeads,
        int numKvHeads,
        int intermediateSize,
        int vocabSize,
        int maxModelLen,
        boolean gatedMlp,
        boolean tiedEmbeddings,
        int bytesPerParam,
        String source) {

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Parameters of the linear layers of one decoder layer (QKV, output projection, MLP). */
    public long linearParamsPerLayer() {
        long h = hiddenSize;
        long kvDim = (long) numKvHeads * headDim();
        long attention = h * h /* Q */ + 2 * h * kvDim /* K,V */ + h * h /* O */;
        long mlp = (gatedMlp ? 3L : 2L) * h * intermediateSize;
        return attention + mlp;
    }

    /** Parameters of the LM head (vocab x hidden). */
    public long lmHeadParams() {
        return (long) vocabSize * hiddenSize;
    }

    /** Total parameter count: layers, norms, embedding and (if untied) LM head. */
    public long totalParams() {
        long norms = (long) numLayers * 2 * hiddenSize + hiddenSize;
        long embedding = (long) vocabSize * hiddenSize;
        return numLayers * linearParamsPerLayer() + norms + embedding + (tiedEmbeddings ? 0 : lmHeadParams());
    }

    public long weightBytes() {
        return totalParams() * bytesPerParam;
    }

    /** KV-cache bytes per token for all layers (K and V), unsharded. */
    public long kvBytesPerToken() {
        return 2L * numLayers * numKvHeads * headDim() * bytesPerParam;
    }
}
