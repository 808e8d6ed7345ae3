package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;

/**
 * Analytical roofline model of one iteration of a tensor-parallel replica.
 *
 * <p>Each component takes max(compute time, memory time) on one GPU of the TP group:
 * <ul>
 *   <li>linear layers: 2 x tokens x params FLOPs; weights plus activations read once per layer;</li>
 *   <li>prefill attention: causal, 4 x hidden x (q*c + q(q+1)/2) FLOPs per layer for q new tokens on
 *       c cached ones (quadratic in the prompt);</li>
 *   <li>decode attention: reads every cached K/V of every decoding sequence (with grouped-query
 *       attention under a kernel that reads a KV head once per query head, its further passes from HBM
 *       or through the L2, priced per element at 16 bits: {@link GqaDecodeKernel},
 *       {@link KernelModel#decodeKvRereadBytes}), and at least the kernel's fixed time per thread block
 *       where it has one ({@link GqaDecodeKernel#floorSecPerDecode});</li>
 *   <li>LM head: logits for the last token of each sequence;</li>
 *   <li>TP communication: two all-reduces of tokens x hidden per layer and one after the embedding,
 *       each as the engines run it ({@link Collectives});</li>
 *   <li>a fixed per-iteration and per-layer overhead;</li>
 *   <li>optionally ({@link ElementwiseTraffic}) the non-GEMM kernels' bytes per token (norms, rotary,
 *       KV write, activation), added to the linear time at the memory efficiency: separate kernels,
 *       they do not overlap the GEMMs.</li>
 * </ul>
 * Bytes follow the model's served dtypes: fp8 weights halve the linear layers' weight bytes and run
 * their GEMMs at the GPU's fp8 peak (W8A8, as vLLM's fp8 quantization); embedding, LM head,
 * activations and all-reduces stay 16-bit; an fp8 KV cache halves the attention's KV bytes (its
 * FLOPs stay at the bf16 peak: the kernels dequantize). Immutable and thread-safe; all per-model
 * constants are precomputed.
 */
public final class RooflinePredictor implements ExecutionTimePredictor {

    private final ModelSpec model;
    private final GpuSpec gpu;
    private final int tp;
    private final RooflineParams params;
    private final KernelModel kernels;
    private final ElementwiseTraffic elementwise;
    private final Collectives collectives;

    private final int layers;
    private final double flopsPerSec;      // effective, one GPU, bf16 (LM head)
    private final double attnFlopsPerSec;  // effective, one GPU, bf16 (prefill attention)
    private final double decodeBytesPerSec; // effective, one GPU (paged decode attention)
    private final double linearFlopsPerSec; // effective, one GPU, in the linear layers' dtype
    private final double fp8PrefillSec;     // the engine's fixed fp8 context-phase time, all layers
    private final double gemmHalfTokens;    // m0 of the linear layers, tokens (KernelModel#gemmHalfTokens)
    private final double bytesPerSec;      // effective, one GPU
    private final double linearFlopsPerTokenPerLayer;   // one GPU
    private final double linearWeightBytesPerLayer;     // one GPU
    private final double activationBytesPerTokenPerLayer; // one GPU
    private final double elementwiseBytesPerTokenPerLayer; // one GPU, non-GEMM kernels
    private final double attnFlopsPerPairPerLayer;      // one GPU, per (query, key) pair
    private final double kvBytesPerTokenPerLayer;       // one GPU
    private final double decodeKvBytesPerTokenPerLayer; // one GPU, read from HBM by the decode attention (GQA re-reads)
    private final double decodeKvTimeBytesPerTokenPerLayer; // one GPU, the decode attention's memory time in HBM bytes
    private final double lmHeadFlopsPerSeq;             // one GPU
    private final double lmHeadWeightBytes;             // one GPU
    private final double allReduceBytesPerToken;        // message bytes per token per all-reduce
    private final double fixedMs;
    private final double decodeFloorSecPerSeq;          // least decode attention time per decoding sequence

    public RooflinePredictor(ModelSpec model, GpuSpec gpu, int tp, RooflineParams params) {
        this(model, gpu, tp, params, KernelModel.flat(params));
    }

    /**
     * A roofline whose kernels follow {@code kernels} (an engine's GEMM, attention and all-reduce
     * model); {@code params} gives the fixed overheads and the all-reduce efficiency.
     */
    public RooflinePredictor(ModelSpec model, GpuSpec gpu, int tp, RooflineParams params, KernelModel kernels) {
        this(model, gpu, tp, params, kernels, ElementwiseTraffic.NONE);
    }

    /** The flat roofline of {@code params} plus the non-GEMM kernels' traffic {@code elementwise}. */
    public RooflinePredictor(ModelSpec model, GpuSpec gpu, int tp, RooflineParams params, ElementwiseTraffic elementwise) {
        this(model, gpu, tp, params, KernelModel.flat(params), elementwise);
    }

    public RooflinePredictor(ModelSpec model, GpuSpec gpu, int tp, RooflineParams params, KernelModel kernels,
                             ElementwiseTraffic elementwise) {
        if (tp < 1) {
            throw new IllegalArgumentException("tp must be >= 1");
        }
        this.model = model;
        this.gpu = gpu;
        this.tp = tp;
        this.params = params;
        this.kernels = kernels;
        this.elementwise = elementwise;
        this.collectives = new Collectives(gpu, tp, params.commEfficiency(), kernels.customAllReduce());
        this.layers = model.numLayers();
        int b = model.activationBytes();          // activations, embedding, LM head: 16-bit
        int wb = model.linearBytesPerParam();     // decoder linear weights: 1 byte in fp8
        int kvb = model.kvBytesPerElement();
        long h = model.hiddenSize();
        long kvDim = (long) model.numKvHeads() * model.headDim();
        long m = model.intermediateSize();
        this.flopsPerSec = gpu.peakFlops() * params.computeEfficiency();
        // fp8 (W8A8) GEMMs run on the fp8 tensor cores at the same fraction of their peak, times the
        // engine's fp8 GEMM scale (Fp8Kernels); an fp8 context phase pays the engine's fixed time per layer
        boolean fp8 = model.gemmDtype() == io.simfaasinfer.catalog.Dtype.FP8;
        this.linearFlopsPerSec = gpu.peakFlops(model.gemmDtype())
                * (fp8 ? kernels.fp8GemmEfficiency() : kernels.gemmEfficiency());
        // the weight stream a GEMM does not hide, as tokens of its math (KernelModel#gemmHalfTokens)
        this.gemmHalfTokens = kernels.gemmHalfTokens(linearFlopsPerSec, wb, gpu.memoryBandwidthBytes());
        this.fp8PrefillSec = fp8 ? layers * kernels.fp8().prefillUsPerLayer() * 1e-6 : 0;
        this.attnFlopsPerSec = gpu.peakFlops() * kernels.prefillAttentionEfficiency();
        this.decodeBytesPerSec = gpu.memoryBandwidthBytes() * kernels.decodeMemoryEfficiency();
        this.bytesPerSec = gpu.memoryBandwidthBytes() * params.memoryEfficiency();
        this.linearFlopsPerTokenPerLayer = 2.0 * model.linearParamsPerLayer() / tp;
        this.linearWeightBytesPerLayer = (double) model.linearParamsPerLayer() * wb / tp;
        // Inputs and outputs of each GEMM plus two norms, read/written once per token.
        double actElems = h /* qkv in */ + (h + 2 * kvDim) /* qkv out */ + h + h /* o in/out */
                + h + (model.gatedMlp() ? 2 * m : m) /* up(+gate) */ + m + h /* down */ + 4 * h /* norms */;
        this.activationBytesPerTokenPerLayer = actElems * b / tp;
        this.elementwiseBytesPerTokenPerLayer = elementwise.bytesPerTokenPerLayer(model, tp);
        this.attnFlopsPerPairPerLayer = 4.0 * model.numHeads() * model.headDim() / tp;
        this.kvBytesPerTokenPerLayer = 2.0 * kvDim * kvb / tp;
        // One read of the cache at its storage width; the further passes of a kernel that reads a KV head per
        // query head cost per element what a 16-bit cache costs (KernelModel#decodeKvRereadBytes), from HBM
        // or through the L2 (GqaDecodeKernel)
        GqaDecodeKernel gqa = kernels.gqaDecode();
        double passBytes = 2.0 * kvDim * KernelModel.decodeKvRereadBytes(kvb) / tp;
        this.decodeKvBytesPerTokenPerLayer = gqa.hbmBytes(model.numHeads(), model.numKvHeads(),
                kvBytesPerTokenPerLayer, passBytes);
        gqa.requireL2(model, gpu);
        this.decodeKvTimeBytesPerTokenPerLayer = gqa.timeBytes(model.numHeads(), model.numKvHeads(),
                kvBytesPerTokenPerLayer, passBytes, decodeBytesPerSec, gpu.l2BandwidthBytes());
        this.lmHeadFlopsPerSeq = 2.0 * model.lmHeadParams() / tp;
        this.lmHeadWeightBytes = (double) model.lmHeadParams() * b / tp;
        this.allReduceBytesPerToken = (double) h * b;
        this.fixedMs = params.overheadMs() + layers * params.perLayerOverheadUs() / 1000.0;
        // the decode kernel's thread blocks' fixed time, per decoding sequence
        this.decodeFloorSecPerSeq = gqa.floorSecPerDecode(model, tp);
    }

    @Override
    public Breakdown predict(BatchView batch) {
        if (batch.numPrefills() == 0 && batch.numDecodes() == 0) {
            return Breakdown.ZERO;
        }
        IterationShape shape = IterationShape.of(batch);
        double tokens = shape.tokens();
        double prefillPairs = shape.prefillPairs();
        double prefillKvTokens = shape.prefillKvTokens();
        double decodeKvTokens = shape.decodeKvTokens();
        int seqs = shape.sequences();
        boolean anyPrefill = batch.numPrefills() > 0;
        boolean anyDecode = batch.numDecodes() > 0;

        double linearFlops = layers * tokens * linearFlopsPerTokenPerLayer;
        double linearBytes = layers * (linearWeightBytesPerLayer + tokens * activationBytesPerTokenPerLayer);
        double linearSec = Math.max(layers * kernels.gemmTokens(tokens, gemmHalfTokens) * linearFlopsPerTokenPerLayer / linearFlopsPerSec,
                linearBytes / bytesPerSec);
        if (anyPrefill) {
            linearSec += fp8PrefillSec;
        }
        if (elementwiseBytesPerTokenPerLayer > 0) {
            double ew = layers * tokens * elementwiseBytesPerTokenPerLayer;
            linearSec += ew / bytesPerSec;
            linearBytes += ew;
        }

        double pAttnFlops = layers * prefillPairs * attnFlopsPerPairPerLayer;
        double pAttnBytes = layers * prefillKvTokens * kvBytesPerTokenPerLayer;
        double pAttnSec = !anyPrefill ? 0 : Math.max(pAttnFlops / attnFlopsPerSec, pAttnBytes / bytesPerSec);

        double dAttnFlops = layers * decodeKvTokens * attnFlopsPerPairPerLayer;
        double dAttnBytes = layers * decodeKvTokens * decodeKvBytesPerTokenPerLayer;
        double dAttnSec = !anyDecode ? 0 : Math.max(batch.numDecodes() * decodeFloorSecPerSeq,
                Math.max(dAttnFlops / attnFlopsPerSec, layers * decodeKvTokens * decodeKvTimeBytesPerTokenPerLayer / decodeBytesPerSec));

        double lmFlops = seqs * lmHeadFlopsPerSeq;
        double lmSec = Math.max(lmFlops / flopsPerSec, lmHeadWeightBytes / bytesPerSec);

        double commSec = communicationMs(tokens) / 1e3;
        double flops = (linearFlops + pAttnFlops + dAttnFlops + lmFlops) * tp;
        double bytes = (linearBytes + pAttnBytes + dAttnBytes + lmHeadWeightBytes) * tp;
        return new Breakdown(linearSec * 1e3, pAttnSec * 1e3, dAttnSec * 1e3, lmSec * 1e3, commSec * 1e3,
                fixedMs, flops, bytes);
    }

    /**
     * FLOPs of an iteration summed over the TP group, as {@link #predict} counts them, from the
     * batch's aggregate sizes (lets other predictors report flops without a second batch pass).
     *
     * @param tokens         new tokens (prefill tokens plus one per decode)
     * @param prefillPairs   sum over prefills of q*c + q(q+1)/2
     * @param decodeKvTokens sum over decodes of context + 1
     * @param seqs           sequences in the batch
     */
    public double flops(double tokens, double prefillPairs, double decodeKvTokens, int seqs) {
        return (layers * (tokens * linearFlopsPerTokenPerLayer + prefillPairs * attnFlopsPerPairPerLayer
                + decodeKvTokens * attnFlopsPerPairPerLayer) + seqs * lmHeadFlopsPerSeq) * tp;
    }

    /**
     * Device-memory bytes of an iteration summed over the TP group, as {@link #predict} counts them.
     *
     * @param tokens          new tokens (prefill tokens plus one per decode)
     * @param prefillKvTokens sum over prefills of q + c
     * @param decodeKvTokens  sum over decodes of context + 1
     */
    public double bytes(double tokens, double prefillKvTokens, double decodeKvTokens) {
        return (layers * (linearWeightBytesPerLayer + tokens * (activationBytesPerTokenPerLayer
                + elementwiseBytesPerTokenPerLayer) + prefillKvTokens * kvBytesPerTokenPerLayer
                + decodeKvTokens * decodeKvBytesPerTokenPerLayer) + lmHeadWeightBytes) * tp;
    }

    /**
     * Tensor-parallel all-reduce time of an iteration with {@code tokens} new tokens, ms (0 at TP=1):
     * two all-reduces of {@code tokens x hidden} activations per layer (after attention's output
     * projection and the MLP's down projection, Megatron-style row-parallel layers) plus one after
     * the vocabulary-parallel embedding (vLLM {@code VocabParallelEmbedding}), each timed by
     * {@link Collectives}.
     */
    public double communicationMs(double tokens) {
        if (tp == 1) {
            return 0;
        }
        return (2.0 * layers + 1) * collectives.allReduceSec(tokens * allReduceBytesPerToken) * 1e3;
    }

    /** {@code layers x perLayerOverheadUs}: the roofline's per-layer share of its fixed overhead. */
    @Override
    public double perLayerOverheadMs() {
        return layers * params.perLayerOverheadUs() / 1000.0;
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "roofline(%s on %s x%d, compute_eff=%.2f, memory_eff=%.2f, overhead=%.2fms%s)",
                model.name(), gpu.name(), tp, params.computeEfficiency(), params.memoryEfficiency(), fixedMs,
                elementwise.isNone() ? "" : String.format(java.util.Locale.ROOT, ", elementwise=%.0fKB/token/layer",
                        elementwiseBytesPerTokenPerLayer / 1e3));
    }

    public ModelSpec model() {
        return model;
    }

    public GpuSpec gpu() {
        return gpu;
    }

    public int tp() {
        return tp;
    }

    public RooflineParams params() {
        return params;
    }

    public KernelModel kernels() {
        return kernels;
    }

    public ElementwiseTraffic elementwise() {
        return elementwise;
    }
}
