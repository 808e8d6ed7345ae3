package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.ModelSpec;

/**
 * Device-memory traffic of the non-GEMM kernels of a decoder layer (norms, residual adds, rotary
 * embedding, KV-cache write, attention-output layout, SwiGLU activation), in bytes per new token
 * per layer, for 16-bit activations. These run as kernels of their own between the GEMMs, so their
 * time adds to the GEMMs' instead of hiding under the GEMMs' compute time: in the roofline,
 * {@code linear = max(GEMM compute, weight + GEMM I/O bytes) + tokens x bytesPerToken / bandwidth}.
 *
 * <p>Bytes are {@code replicatedHidden x h + shardedHidden x h / tp + kvDim x (kvHeads x headDim) / tp
 * + intermediate x m / tp}: the norms and residual adds act on the whole hidden vector on every GPU
 * of a tensor-parallel group (Megatron row/column-parallel layers shard only q/k/v, attention and the
 * MLP's intermediate), the rest is sharded. The element counts depend on the model's shape, so one
 * calibrated memory efficiency covers models with other KV-head counts and MLP widths: with
 * {@link #UNFUSED_PYTORCH} llama-2-7b (32 KV heads, MLP 11,008) moves 667 KB per token per layer,
 * llama-3-8b (8 KV heads, MLP 14,336) 614 KB, though it has 8% more GEMM FLOPs.
 *
 * @param replicatedHidden bytes per hidden element, not sharded by TP
 * @param shardedHidden    bytes per hidden (query-width) element, sharded by TP
 * @param kvDim            bytes per KV-width element ({@code kvHeads x headDim}), sharded
 * @param intermediate     bytes per MLP-intermediate element, sharded
 */
public record ElementwiseTraffic(double replicatedHidden, double shardedHidden, double kvDim, double intermediate) {

    /** No separate elementwise traffic (fused into the GEMMs' epilogues, or not modelled): the classic roofline. */
    public static final ElementwiseTraffic NONE = new ElementwiseTraffic(0, 0, 0, 0);

    /**
     * An unfused PyTorch LLaMA layer in bf16, as the shipped FaaSInfer profiles measure (HF
     * transformers' {@code LlamaRMSNorm}, {@code apply_rotary_pos_emb}, {@code LlamaMLP}; torch SDPA;
     * captured in a CUDA graph, which removes launches but fuses nothing). Counted from the kernels,
     * each reading its inputs and writing its output once (bf16 = 2 B, fp32 = 4 B per element):
     * <ul>
     *   <li>RMSNorm, twice: {@code to(fp32)} 2+4, {@code pow(2)} 4+4, {@code mean} 4, {@code x * rsqrt}
     *       4+4, {@code to(bf16)} 4+2, {@code weight *} 2+2 = 36 B; residual add, twice: 2+2+2 = 6 B;
     *       84 B per hidden element, replicated under TP;</li>
     *   <li>rotary on q (h elements) and k (kvDim): {@code x*cos} 2+2, {@code rotate_half}'s negation
     *       1+1 and {@code cat} 2+2, {@code *sin} 2+2, add 4+2 = 20 B each; the attention output's
     *       transpose-and-reshape copy 2+2 = 4 B per hidden element: 24 B, sharded;</li>
     *   <li>KV-cache write of k and v: 2 x (2+2) = 8 B per KV element, plus k's rotary 20 B: 28 B;</li>
     *   <li>SwiGLU {@code act(gate) * up}: SiLU 2+2, multiply 4+2 = 10 B per intermediate element.</li>
     * </ul>
     * Embedding, final norm and argmax are once per iteration, not per layer, and are left out.
     */
    public static final ElementwiseTraffic UNFUSED_PYTORCH = new ElementwiseTraffic(84, 24, 28, 10);

    /**
     * A serving engine's fused LLaMA layer in bf16, counted from vLLM's custom kernels (each reads its
     * inputs and writes its outputs once; SGLang calls the same kernels, TensorRT-LLM's plugins fuse at
     * least as much, so one count serves all three presets):
     * <ul>
     *   <li>{@code fused_add_rms_norm}, twice: in place, reads the input and the residual, writes the new
     *       residual and the normed input: 4 x 2 = 8 B, twice = 16 B per hidden element, replicated;</li>
     *   <li>{@code rotary_embedding}: in place on q and k, 2+2 = 4 B per query element (sharded) and per
     *       key element; the attention kernel writes its output in the layout the output projection reads
     *       (no copy);</li>
     *   <li>{@code reshape_and_cache}: reads k and v, writes them into the paged cache: 8 B per KV
     *       element, plus k's rotary 4 B: 12 B;</li>
     *   <li>{@code silu_and_mul}: reads gate and up, writes their product: 6 B per intermediate element.</li>
     * </ul>
     * The rotary cos/sin cache (head_dim values per token) and per-layer weights are left out. llama-2-7b:
     * 197 KB per token per layer, against 667 KB unfused.
     */
    public static final ElementwiseTraffic FUSED_ENGINE = new ElementwiseTraffic(16, 4, 12, 6);

    public ElementwiseTraffic {
        if (!(replicatedHidden >= 0) || !(shardedHidden >= 0) || !(kvDim >= 0) || !(intermediate >= 0)
                || Double.isInfinite(replicatedHidden + shardedHidden + kvDim + intermediate)) {
            throw new IllegalArgumentException("elementwise bytes must be finite and >= 0");
        }
    }

    /** Bytes per new token per layer on one GPU of a TP group of {@code tp}, at the model's activation width. */
    public double bytesPerTokenPerLayer(ModelSpec model, int tp) {
        double scale = model.activationBytes() / 2.0;
        double kv = (double) model.numKvHeads() * model.headDim();
        return scale * (replicatedHidden * model.hiddenSize()
                + (shardedHidden * model.hiddenSize() + kvDim * kv + intermediate * model.intermediateSize()) / tp);
    }

    public boolean isNone() {
        return replicatedHidden == 0 && shardedHidden == 0 && kvDim == 0 && intermediate == 0;
    }
}
