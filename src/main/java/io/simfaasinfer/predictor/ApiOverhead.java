package io.simfaasinfer.predictor;

import io.simfaasinfer.config.PredictorConfig;

/**
 * Per-request time a serving engine's API front end adds outside the engine loop (vLLM's OpenAI API
 * server, SGLang's tokenizer/detokenizer managers, Triton or trtllm-serve before TensorRT-LLM):
 * <ul>
 *   <li>{@code ingressNs}: from the client's send to the scheduler's queue (HTTP parsing, chat template,
 *       tokenisation, hand-off over ZMQ/IPC). The request reaches the deployment only then, so it
 *       queues behind what arrived before it at the scheduler, not at the client.</li>
 *   <li>{@code egressNs}: from the engine emitting a token to the client receiving it (detokenisation,
 *       SSE framing, HTTP). It delays every streamed token by the same constant, so it adds to TTFT and
 *       E2E once and leaves TPOT and the inter-token gaps unchanged; it is added arithmetically to the
 *       metrics, never as an event per token.</li>
 * </ul>
 * Client-side TTFT = ingress + queueing + prefill + egress; E2E = ingress + ... + last token + egress.
 * Per-token detokenisation inside the engine loop (vLLM V0 detokenises in its output processor) is part
 * of the engine's host time per sequence ({@link EngineModel#hostPerSequenceUs}), not of this.
 *
 * @param ingressNs before scheduling, ns
 * @param egressNs  after each token until the client has it, ns
 */
public record ApiOverhead(long ingressNs, long egressNs) {

    /** No API front end: what an offline benchmark (vLLM's {@code LLM.generate}) measures. */
    public static final ApiOverhead NONE = new ApiOverhead(0, 0);

    public ApiOverhead {
        if (ingressNs < 0 || egressNs < 0) {
            throw new IllegalArgumentException("API overheads must be >= 0, got " + ingressNs + " / " + egressNs + " ns");
        }
    }

    /** {@code predictor.api_ingress_ms} / {@code api_egress_ms} where set, else the engine preset's (0 without one). */
    public static ApiOverhead of(PredictorConfig p) {
        EngineModel e = Engines.find(p.engine()).orElse(null);
        double in = p.apiIngressMs() != null ? p.apiIngressMs() : e == null ? 0 : e.apiIngressMs();
        double out = p.apiEgressMs() != null ? p.apiEgressMs() : e == null ? 0 : e.apiEgressMs();
        return new ApiOverhead(Math.round(in * 1e6), Math.round(out * 1e6));
    }
}
