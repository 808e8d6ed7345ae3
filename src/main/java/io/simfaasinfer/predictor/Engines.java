package io.simfaasinfer.predictor;

import java.util.Optional;

/**
 * Engine presets ({@code predictor.engine}, {@code --engine}). Each number's source and fit are in
 * docs/fidelity.md; the fitted ones were fitted on the FIT cases of
 * bench/fidelity/published.json only (never on its held-out cases).
 *
 * <ul>
 *   <li>{@code vllm}: vLLM V0 (0.5/0.6, late 2024): GEMMs cuBLAS; prefill FlashAttention-2
 *       (vllm-flash-attn), decode its paged-attention kernel; decode batches up to 256 replay
 *       CUDA graphs ({@code _BATCH_SIZES_TO_CAPTURE} up to {@code max_seq_len_to_capture}), prefills
 *       run eagerly; the Python scheduler, input preparation and sampler run between GPU steps
 *       (not overlapped in V0: the vLLM v0.6.0 blog measured them at a large share of each step);
 *       custom all-reduce ({@code custom_all_reduce.cuh}).</li>
 *   <li>{@code vllm-0.5}: vLLM V0 before 0.6.0, the same kernels with 0.5's far larger host time per
 *       running sequence ({@link #VLLM_05}).</li>
 *   <li>{@code sglang}: SGLang (0.3, Sept 2024): FlashInfer prefill/decode kernels, CUDA graphs for
 *       decode batches up to {@code cuda_graph_max_bs} (160 by default then), an overlapped but
 *       Python scheduler; same custom all-reduce kernel.</li>
 *   <li>{@code trtllm}: TensorRT-LLM (0.5/0.6, gptSessionBenchmark / C++ runtime): TensorRT engine
 *       with fused fmha (context) and masked multi-head attention (generation) kernels, C++ runtime
 *       (small host cost, no Python), all-reduces through NCCL (the custom all-reduce plugin was opt-in
 *       then: {@code examples/llama/build.py --use_custom_all_reduce}, "instead of NCCL", which the
 *       performance page's Llama-2-70B build line does not pass); no CUDA graphs needed (TensorRT's
 *       enqueue is cheap: modelled as a graph of any size). Its generation kernel serves grouped-query
 *       attention one query head per thread block, each reading its KV head's cache: 0.34 of the other
 *       query heads' reads go to HBM again (fitted; 3.4 reads per K/V element for Llama-2-70B's groups
 *       of 8). "MMHA optimization for MQA and GQA" reached the main branch on 2023-12-01 (NVIDIA/TensorRT-LLM
 *       pull request 524); the v0.6.1 documentation calls the XQA kernels experimental
 *       ({@code TRTLLM_ENABLE_XQA=1}); the XQA blog says they ship with 0.8. fp8 models take
 *       TensorRT-LLM's fp8 path ({@link #TRTLLM_FP8}, fitted on 0.9). Every block of its decode kernels
 *       costs at least {@link #TRTLLM_DECODE_BLOCK_NS} per layer (fitted on 0.9's rows; all three presets).</li>
 *   <li>{@code trtllm-0.9}: the same with 0.8/0.9's generation kernels: the XQA kernel (its blog,
 *       docs/source/blogs/XQA-kernel.md: 2.4x Llama-70B throughput on an H200 within the same latency
 *       budget) for groups of 8 query heads per KV head, the only ones its precompiled kernels serve,
 *       and the masked kernel with its passes over a KV head served by the L2 for other groups
 *       ({@link #TRTLLM_09}); custom all-reduce; the same fp8 path.</li>
 *   <li>{@code trtllm-xqa}: the same with XQA for every group (each KV head read once for its group, as
 *       FlashAttention and FlashInfer do); for groups of 8 identical to {@code trtllm-0.9}.</li>
 * </ul>
 *
 * <p>Per-request API overhead ({@link ApiOverhead}; docs/fidelity.md "API overhead"): {@code vllm}
 * 4 ms of ingress, the one published measurement found of a vLLM OpenAI server against the same
 * engine offline (tenstorrent/tt-inference-server issue 190, 2025-05-08: Llama-3.3-70B, batch 32 of
 * 128-token prompts, mean TTFT 231 ms offline, 235 ms through the HTTP server, "+4 ms ... HTTP server
 * + ZMQ latency"); it is a TTFT difference, so it is put before scheduling and none after. {@code sglang}
 * 6.9 ms of ingress, from the one published measurement found of SGLang's front end around a forward
 * of known length (tenstorrent/tt-inference-server issue 3560, 2026-05-18: SGLang over a mock device
 * whose every forward busy-waits 2.632 ms, 128-token chat prompts one at a time: median TTFT 9.54 ms,
 * so 6.9 ms outside the one prefill forward: HTTP, chat template, tokenizer manager, ZMQ, scheduling,
 * detokenizer; a 2026 SGLang, through {@code /v1/chat/completions}), all of it put before scheduling as
 * for vllm. TensorRT-LLM behind Triton / trtllm-serve: no reliable published figure was found, so 0
 * (set {@code predictor.api_ingress_ms} / {@code api_egress_ms} to model it).
 */
public final class Engines {

    private Engines() {
    }

    /**
     * vLLM V0 of late 2024 (0.6.x), with its asynchronous output processing (vllm-project/vllm pull
     * request 7049, on by default from 0.6.0): each step's outputs reach the client at the end of the next
     * engine step (deployment.OutputLag; docs/fidelity.md, "vLLM V0's asynchronous output processing").
     * Host time 0.76 ms per step, FITTED on vllm-ci-h200-latency-8b of bench/fidelity/published.json (0.4 ms
     * before issue 15, 0.81 ms from 2026-12-02 until the outputs came one step late), plus 6 us per sequence.
     */
    public static final EngineModel VLLM = new EngineModel("vllm",
            "vLLM V0: cuBLAS GEMMs, FlashAttention-2 prefill, paged decode, CUDA graphs <= 256, Python host",
            0, 64, 0.85, 0.80, GqaDecodeKernel.GROUPED, 0.3, 50, 0.76, 6, 256, 60, true, 4, 0).withAsyncOutputProcessing(true);

    /**
     * vLLM V0 before 0.6.0 (mid-2024, 0.5.x): {@link #VLLM} with the host time between steps of an engine
     * without 0.6.0's asynchronous output processing and CPU work cut (vLLM v0.6.0 blog, 2024-09-05: in
     * v0.5.3, Llama 3 8B on one H100, scheduling and input preparation took 29% of the time against 38% of
     * GPU execution). Its per-sequence term is the one published figure found with a batch size: "the time
     * between two step ... sampling time, prepare input time, process_model_output time, and scheduler
     * time. When BS is 200, all this together can be 20ms" (vllm-project/vllm issue 6801, comment of
     * 2024-08-08, vLLM main of that week), i.e. (20 - 0.81) ms / 200 = 96 us per running sequence over the
     * same 0.81 ms per step; since the vllm preset's re-fit with its outputs one step late, (20 - 0.76) / 200
     * = 96.2 us over 0.76 ms. Everything else as {@link #VLLM}, but for 0.6.0's asynchronous output
     * processing: 0.5 processes a step's outputs when it ends. Not fitted: checked on one held-out case
     * (docs/fidelity.md, "vLLM before 0.6").
     */
    public static final EngineModel VLLM_05 = VLLM.withHostPerSequence("vllm-0.5",
            "vLLM V0 before 0.6 (0.5.x): as vllm, with the synchronous host time between steps of 0.5 (96.2 us/seq)", 96.2)
            .withAsyncOutputProcessing(false);

    public static final EngineModel SGLANG = new EngineModel("sglang",
            "SGLang: cuBLAS GEMMs, FlashInfer prefill and decode, CUDA graphs <= 160, overlapped Python host",
            0, 64, 0.9, 0.85, GqaDecodeKernel.GROUPED, 0.3, 50, 2.25, 4, 160, 60, true, 6.9, 0);

    /**
     * TensorRT-LLM's fp8 path, FITTED on the 12 H100 FP8 rows of bench/fidelity/published-trtllm090.json
     * (set 3's fit split, TensorRT-LLM 0.9; docs/fidelity.md "TensorRT-LLM fp8 path"): fp8 GEMMs at 1.25 x
     * the GPU's bf16 GEMM fraction of their peak (1.15 before the seventeenth session, when it was fitted
     * without the decode kernel's block time {@link #TRTLLM_DECODE_BLOCK_NS}, re-fitted with it on the same
     * rows), and 30 us per layer of fixed context-phase time (what the
     * batch-1 first tokens show beyond the GEMMs and their exposed weight stream on H100, H200 and L40S alike;
     * the kernels behind it are not identified; 50 us before the twelfth session, when the exposed weight
     * stream was not carried over a calibrated roofline and part of it stood in this constant). Carried
     * unchanged to the 0.5/0.6 preset ({@link #TRTLLM}): the v0.5 first tokens had shown the same
     * short-prefill deficit on every fp8 GPU before the fit (docs/fidelity.md, set 2).
     */
    public static final Fp8Kernels TRTLLM_FP8 = new Fp8Kernels(1.25, 30);

    /**
     * TensorRT-LLM's decode attention kernels' fixed time per thread block, ns per layer and step
     * ({@link GqaDecodeKernel#floorSecPerDecode}): the masked multi-head attention kernel runs one block per (sequence,
     * query head), XQA one per (sequence, KV head) (NVIDIA/TensorRT-LLM {@code decoderMaskedMultiheadAttention*},
     * {@code xqa}), and with many short contexts the blocks, not the bytes, set the time. FITTED jointly with
     * {@link #TRTLLM_FP8}'s GEMM scale on set 3's 12 fit rows (a grid over both; least mean error with no fit
     * row over 15%; docs/fidelity.md "Decode kernel thread blocks"); read once on the held-out sets.
     */
    public static final double TRTLLM_DECODE_BLOCK_NS = 20;

    public static final EngineModel TRTLLM = new EngineModel("trtllm",
            "TensorRT-LLM 0.5/0.6: TensorRT GEMMs, fused fmha, masked MHA decode (GQA KV re-read), NCCL all-reduce, C++ runtime, fp8 path",
            1.027, 64, 1.0, 0.85, GqaDecodeKernel.perQueryHead(0.34).withBlockNs(TRTLLM_DECODE_BLOCK_NS), 0.3, 40, 0.2, 1, Integer.MAX_VALUE, 0, false, 0, 0, TRTLLM_FP8);

    /**
     * {@link #TRTLLM} with TensorRT-LLM 0.8/0.9's generation kernels: XQA for the groups its precompiled
     * kernels were built for, 8 query heads per KV head only ({@code xqa_kernel_cubin.h} of v0.9.0: every
     * single-query-token kernel is {@code nqpkv_8}; its generator's list "for llama v2 70b", head group sizes
     * [8]), the masked multi-head attention kernel for every other group, one thread block per query head
     * whose passes over a KV head are served by the L2 ({@link GqaDecodeKernel#l2Served}), timed at the GPU's
     * measured L2 read bandwidth; custom all-reduce and the fp8 path as {@link #TRTLLM_XQA}. Not fitted: the
     * L2 bandwidths are microbenchmark measurements (te42kyfo/gpu-benches), checked on set 5's Mistral 7B
     * rows (docs/fidelity.md, "GQA in the decode kernel"). The 0.5/0.6 rows of Llama-2-70B need more HBM
     * traffic than L2-served passes give, hence {@link #TRTLLM}'s fitted fraction; which change of the masked
     * kernel between 0.6 and 0.9 made the difference is not identified (candidate: "MMHA optimization for
     * MQA and GQA", NVIDIA/TensorRT-LLM pull request 524, main branch 2023-12-01).
     */
    public static final EngineModel TRTLLM_09 = TRTLLM.withKernelChoices("trtllm-0.9",
            "TensorRT-LLM 0.8/0.9: as trtllm, XQA decode for groups of 8 (else masked MHA, L2-served passes), custom all-reduce, fp8 path",
            GqaDecodeKernel.groupedOnlyAt(8).withBlockNs(TRTLLM_DECODE_BLOCK_NS), true);

    /**
     * {@link #TRTLLM} with the XQA generation kernel for every group size (each KV head read once: later
     * releases, whose XQA kernels are built for the group at hand), the custom all-reduce kernel for small
     * messages (timed by vLLM's measured figures, no measurement of TensorRT-LLM's own having been found)
     * and the same fp8 path ({@link #TRTLLM_FP8}). For groups of 8 (Llama-2/3 70B) the same as {@link #TRTLLM_09}.
     */
    public static final EngineModel TRTLLM_XQA = TRTLLM.withKernelChoices("trtllm-xqa",
            "TensorRT-LLM with XQA for every group: as trtllm, the XQA decode kernel for GQA/MQA (each KV head read once), custom all-reduce, fp8 path",
            GqaDecodeKernel.GROUPED.withBlockNs(TRTLLM_DECODE_BLOCK_NS), true);

    /** The preset of {@code name}; empty for {@code none} and unknown names. */
    public static Optional<EngineModel> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name) {
            case "vllm" -> Optional.of(VLLM);
            case "vllm-0.5" -> Optional.of(VLLM_05);
            case "sglang" -> Optional.of(SGLANG);
            case "trtllm", "tensorrt-llm" -> Optional.of(TRTLLM);
            case "trtllm-0.9" -> Optional.of(TRTLLM_09);
            case "trtllm-xqa" -> Optional.of(TRTLLM_XQA);
            default -> Optional.empty();
        };
    }
}
