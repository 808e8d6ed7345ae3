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
 * @param bytesPerParam        weight and KV element size of the catalogued checkpoint (2 for bf16/fp16)
 * @param source               where the figures come from
 * @param weightDtype          the format the linear layers are served in, or null for the checkpoint's
 *                             ({@code bytesPerParam}); fp8 (W8A8) quantizes the decoder layers' linear
 *                             weights only: embedding, LM head and norms stay 16-bit, as in vLLM's fp8
 *                             checkpoints, and activations stay 16-bit
 * @param kvDtype              the KV-cache format, or null for the activations' ({@code --kv-cache-dtype auto})
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
        String source,
        Dtype weightDtype,
        Dtype kvDtype) {

    /** A model served as catalogued: weights and KV cache in the checkpoint's format. */
    public ModelSpec(String name, int numLayers, int hiddenSize, int numHeads, int numKvHeads, int intermediateSize,
                     int vocabSize, int maxModelLen, boolean gatedMlp, boolean tiedEmbeddings, int bytesPerParam,
                     String source) {
        this(name, numLayers, hiddenSize, numHeads, numKvHeads, intermediateSize, vocabSize, maxModelLen, gatedMlp,
                tiedEmbeddings, bytesPerParam, source, null, null);
    }

    /**
     * This model served with linear weights in {@code weights} and the KV cache in {@code kv}; null
     * for either: as catalogued (weights) or as the activations (KV, vLLM's {@code auto}).
     */
    public ModelSpec withDtypes(Dtype weights, Dtype kv) {
        return new ModelSpec(name, numLayers, hiddenSize, numHeads, numKvHeads, intermediateSize, vocabSize,
                maxModelLen, gatedMlp, tiedEmbeddings, bytesPerParam, source, weights, kv);
    }

    /** This model as catalogued (the format its measured profiles were taken in). */
    public ModelSpec asCatalogued() {
        return weightDtype == null && kvDtype == null ? this : withDtypes(null, null);
    }

    /** Whether weights or KV cache are fp8: iteration times measured in 16 bits do not apply as they are. */
    public boolean usesFp8() {
        return weightDtype == Dtype.FP8 || kvDtype == Dtype.FP8;
    }

    /** Bytes of one weight of the decoder layers' linear layers (QKV, O, MLP). */
    public int linearBytesPerParam() {
        return weightDtype == null ? bytesPerParam : weightDtype.bytes();
    }

    /**
     * Bytes of one activation element, and of the weights fp8 does not quantize (embedding, LM head,
     * norms): the checkpoint's format, or bf16/fp16 when served so.
     */
    public int activationBytes() {
        return weightDtype == null || weightDtype == Dtype.FP8 ? bytesPerParam : weightDtype.bytes();
    }

    /** Bytes of one KV-cache element. */
    public int kvBytesPerElement() {
        return kvDtype == null ? activationBytes() : kvDtype.bytes();
    }

    /** The number format of the linear layers' GEMM inputs (fp8 runs them on fp8 tensor cores). */
    public Dtype gemmDtype() {
        return weightDtype == Dtype.FP8 ? Dtype.FP8 : Dtype.BF16;
    }

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

    /** Bytes of all weights: linear layers at {@link #linearBytesPerParam}, the rest at {@link #activationBytes}. */
    public long weightBytes() {
        long linear = numLayers * linearParamsPerLayer();
        return linear * linearBytesPerParam() + (totalParams() - linear) * activationBytes();
    }

    /** KV-cache bytes per token for all layers (K and V), unsharded. */
    public long kvBytesPerToken() {
        return 2L * numLayers * numKvHeads * headDim() * kvBytesPerElement();
    }
}
