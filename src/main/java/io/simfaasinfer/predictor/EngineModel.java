package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.GpuSpec;

import java.util.List;

/**
 * What differs between real serving engines (vLLM, SGLang, TensorRT-LLM) around the same GPU work:
 * the kernels ({@link KernelModel}: GEMM efficiency in M, prefill and paged-decode attention, custom
 * all-reduce), the fixed GPU-side cost of an iteration (launch gaps between the kernels of a
 * CUDA-graph replay, per layer), the host's cost of each iteration (scheduling, preparing inputs,
 * sampling, detokenising: grows with the batch), CUDA graphs (decode batches up to a captured size
 * replay a graph; larger ones and prefills are launched kernel by kernel, so the iteration costs at
 * least the host's launch time). Presets are in {@link Engines}; see docs/fidelity.md for the sources and the
 * calibration. Immutable.
 *
 * @param name                    preset name
 * @param description             what it models, one line
 * @param gemmWeightExposure      GEMMs: the fraction of their weight-streaming time not hidden under
 *                                their math ({@link KernelModel}; 0: none)
 * @param gemmTileTokens          GEMM M-tile, tokens
 * @param attentionRelative       prefill attention efficiency as a fraction of the GPU's GEMM efficiency
 * @param decodeMemoryEfficiency  paged decode attention: fraction of the memory bandwidth
 * @param gqaDecode               how the decode kernel serves grouped-query attention ({@link GqaDecodeKernel}:
 *                                each KV head once per group, or once per query head from HBM or the L2)
 * @param gpuOverheadMs           fixed GPU-side time of an iteration, ms
 * @param gpuPerLayerUs           fixed GPU-side time per decoder layer (launch gaps of a graph replay), us
 * @param hostIterationMs         host time of an iteration not hidden behind the GPU, ms
 * @param hostPerSequenceUs       host time per sequence in the batch (sampling, output processing), us
 * @param cudaGraphMaxBatch       largest decode batch replayed from a CUDA graph (0: no graphs)
 * @param eagerLaunchUsPerLayer   host time to launch one layer's kernels outside a graph, us
 * @param customAllReduce         small TP all-reduces through a custom NVLink kernel
 * @param apiIngressMs            per request, before the scheduler sees it: the API server's HTTP
 *                                handling, tokenisation and hand-off to the engine, ms ({@link ApiOverhead})
 * @param apiEgressMs             per request, after the engine emits a token until the client has it:
 *                                detokenisation and streaming out, ms; added to TTFT and E2E
 * @param fp8                     the engine's fp8 (W8A8) path beyond its kernels ({@link Fp8Kernels};
 *                                {@link Fp8Kernels#NONE} where none was fitted)
 * @param asyncOutputProcessing   the engine processes a step's outputs during the next step, so the client
 *                                gets them one engine step late (vLLM V0 0.6+; {@code predictor.async_output_proc},
 *                                {@code deployment.OutputLag})
 */
public record EngineModel(String name, String description, double gemmWeightExposure, int gemmTileTokens,
                          double attentionRelative, double decodeMemoryEfficiency, GqaDecodeKernel gqaDecode,
                          double gpuOverheadMs,
                          double gpuPerLayerUs, double hostIterationMs, double hostPerSequenceUs,
                          int cudaGraphMaxBatch, double eagerLaunchUsPerLayer, boolean customAllReduce,
                          double apiIngressMs, double apiEgressMs, Fp8Kernels fp8, boolean asyncOutputProcessing) {

    /** A preset that hands each step's outputs out when the step ends. */
    public EngineModel(String name, String description, double gemmWeightExposure, int gemmTileTokens,
                       double attentionRelative, double decodeMemoryEfficiency, GqaDecodeKernel gqaDecode,
                       double gpuOverheadMs, double gpuPerLayerUs, double hostIterationMs, double hostPerSequenceUs,
                       int cudaGraphMaxBatch, double eagerLaunchUsPerLayer, boolean customAllReduce,
                       double apiIngressMs, double apiEgressMs, Fp8Kernels fp8) {
        this(name, description, gemmWeightExposure, gemmTileTokens, attentionRelative, decodeMemoryEfficiency,
                gqaDecode, gpuOverheadMs, gpuPerLayerUs, hostIterationMs, hostPerSequenceUs, cudaGraphMaxBatch,
                eagerLaunchUsPerLayer, customAllReduce, apiIngressMs, apiEgressMs, fp8, false);
    }

    /** A preset without an fp8 departure ({@link Fp8Kernels#NONE}) that hands outputs out when a step ends. */
    public EngineModel(String name, String description, double gemmWeightExposure, int gemmTileTokens,
                       double attentionRelative, double decodeMemoryEfficiency, GqaDecodeKernel gqaDecode,
                       double gpuOverheadMs, double gpuPerLayerUs, double hostIterationMs, double hostPerSequenceUs,
                       int cudaGraphMaxBatch, double eagerLaunchUsPerLayer, boolean customAllReduce,
                       double apiIngressMs, double apiEgressMs) {
        this(name, description, gemmWeightExposure, gemmTileTokens, attentionRelative, decodeMemoryEfficiency,
                gqaDecode, gpuOverheadMs, gpuPerLayerUs, hostIterationMs, hostPerSequenceUs, cudaGraphMaxBatch,
                eagerLaunchUsPerLayer, customAllReduce, apiIngressMs, apiEgressMs, Fp8Kernels.NONE);
    }

    /** This preset under another name whose host time per running sequence is {@code hostPerSequenceUs}. */
    public EngineModel withHostPerSequence(String newName, String newDescription, double hostPerSequenceUs) {
        return new EngineModel(newName, newDescription, gemmWeightExposure, gemmTileTokens, attentionRelative,
                decodeMemoryEfficiency, gqaDecode, gpuOverheadMs, gpuPerLayerUs, hostIterationMs,
                hostPerSequenceUs, cudaGraphMaxBatch, eagerLaunchUsPerLayer, customAllReduce, apiIngressMs, apiEgressMs, fp8,
                asyncOutputProcessing);
    }

    /**
     * This preset under another name with another decode kernel's grouped-query re-reads
     * ({@code gqaDecode}) and all-reduce choice ({@code customAllReduce}).
     */
    public EngineModel withKernelChoices(String newName, String newDescription, GqaDecodeKernel gqaDecode,
                                         boolean customAllReduce) {
        return new EngineModel(newName, newDescription, gemmWeightExposure, gemmTileTokens, attentionRelative,
                decodeMemoryEfficiency, gqaDecode, gpuOverheadMs, gpuPerLayerUs, hostIterationMs,
                hostPerSequenceUs, cudaGraphMaxBatch, eagerLaunchUsPerLayer, customAllReduce, apiIngressMs, apiEgressMs, fp8,
                asyncOutputProcessing);
    }

    /** This preset with its outputs handed out one engine step late ({@code true}) or when each step ends. */
    public EngineModel withAsyncOutputProcessing(boolean on) {
        return new EngineModel(name, description, gemmWeightExposure, gemmTileTokens, attentionRelative,
                decodeMemoryEfficiency, gqaDecode, gpuOverheadMs, gpuPerLayerUs, hostIterationMs,
                hostPerSequenceUs, cudaGraphMaxBatch, eagerLaunchUsPerLayer, customAllReduce, apiIngressMs, apiEgressMs, fp8,
                on);
    }

    /** Engine names the configuration accepts ({@code none}: the plain roofline/profile, no engine). */
    public static final List<String> NAMES = List.of("none", "vllm", "vllm-0.5", "sglang", "trtllm", "trtllm-0.9", "trtllm-xqa");

    /**
     * The kernel model of this engine on {@code gpu}: GEMMs at the GPU's {@code gemm_efficiency}
     * (else {@code fallbackGemmEfficiency}), prefill attention at {@code attentionRelative} of it.
     */
    public KernelModel kernels(GpuSpec gpu, double fallbackGemmEfficiency) {
        double gemm = gpu.gemmEfficiency() > 0 ? gpu.gemmEfficiency() : fallbackGemmEfficiency;
        return new KernelModel(gemm, gemmWeightExposure, gemmTileTokens, Math.min(1, gemm * attentionRelative),
                decodeMemoryEfficiency, gqaDecode, customAllReduce, fp8);
    }

    /**
     * A roofline calibrated on a profiling harness's measurements, with what belongs to the harness
     * rather than to the GPU replaced by this engine's: its fixed GPU-side time (launch gaps between
     * unfused kernels, {@link #params}), its non-GEMM kernels' traffic ({@link ElementwiseTraffic#FUSED_ENGINE}
     * instead of the harness's unfused kernels; a roofline calibrated without separate elementwise traffic,
     * {@link ElementwiseTraffic#NONE}, has that traffic folded into its efficiencies and keeps {@code NONE})
     * and its memory-bound kernels' efficiency: the engine streams weights and activations at the
     * bandwidth the calibration measured for the decode attention (the device's sustained copy
     * bandwidth), as it does over a measured profile, whose weight floor is at the profile's own KV-read
     * bandwidth; the harness's fitted memory efficiency, lower, is its small unfused GEMMs and kernels
     * (docs/fidelity.md, "A GPU never profiled"); never below that fitted efficiency. The calibrated compute efficiency is kept. The structure
     * of the engine's kernels is the engine's: its GEMM tiles and exposed weight stream
     * ({@link KernelModel#gemmHalfTokens}), its all-reduce kernel, its decode attention's GQA re-reads and
     * its fp8 path ({@link Fp8Kernels}); its GPU's {@code gemm_efficiency} is not applied (fitted on
     * particular GPUs' measurements).
     */
    public RooflinePredictor overCalibrated(RooflinePredictor calibrated) {
        KernelModel kernels = calibrated.kernels().withEngineKernels(gqaDecode, customAllReduce, fp8)
                .withGemmShape(gemmWeightExposure, gemmTileTokens);
        RooflineParams cal = calibrated.params();
        RooflineParams engine = new RooflineParams(cal.computeEfficiency(),
                Math.max(cal.memoryEfficiency(), kernels.decodeMemoryEfficiency()), cal.commEfficiency(),
                gpuOverheadMs, gpuPerLayerUs);
        return new RooflinePredictor(calibrated.model(), calibrated.gpu(), calibrated.tp(), engine,
                kernels, calibrated.elementwise().isNone() ? ElementwiseTraffic.NONE : ElementwiseTraffic.FUSED_ENGINE);
    }

    /** The roofline's fixed overheads replaced by this engine's GPU-side ones. */
    public RooflineParams params(RooflineParams base) {
        return new RooflineParams(base.computeEfficiency(), base.memoryEfficiency(), base.commEfficiency(),
                gpuOverheadMs, gpuPerLayerUs);
    }
}
