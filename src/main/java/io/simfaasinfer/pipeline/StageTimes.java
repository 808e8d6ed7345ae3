package io.simfaasinfer.pipeline;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.StageLayout;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;

/**
 * The time of each pipeline stage of one iteration, and of the activation send between two
 * stages, from the whole-model {@link Breakdown} of that iteration at the replica's TP (the
 * per-layer cost of a layer does not depend on which GPU runs it). As Vidur's per-stage execution
 * time ({@code vidur/execution_time_predictor/base_execution_time_predictor.py}: the layers of one
 * stage, plus a pipeline send on every stage but the last):
 * <pre>
 *   stage s = (linear + prefill attention + decode attention + TP all-reduces + per-layer overhead) x layers_s / layers
 *             + [s = 0]    per-iteration overhead (scheduling and input preparation precede the first stage)
 *             + [s = last] LM head (logits and sampling)
 *   send    = latency + tokens x 2 x hidden x activation bytes / bandwidth
 * </pre>
 * The send carries vLLM's {@code IntermediateTensors} for Llama-style models ({@code hidden_states}
 * and {@code residual}, one vector of {@code hidden} each per token) over the GPU's peer link
 * (the catalog's interconnect bandwidth and latency); with TP each rank sends its copy over its own
 * link, in parallel. The embedding lookup (a gather, on the first stage) costs nothing here, as in
 * the single-GPU predictors. The stages sum to the whole iteration exactly, so a lone request at
 * pp stages takes its pp=1 time plus pp - 1 sends per iteration. Immutable.
 */
public final class StageTimes {

    private final StageLayout layout;
    private final double perLayerOverheadMs;
    private final double sendBytesPerToken;
    private final double linkBytesPerMs;
    private final double sendLatencyMs;

    public StageTimes(StageLayout layout, ModelSpec model, GpuSpec gpu, ExecutionTimePredictor predictor) {
        this.layout = layout;
        this.perLayerOverheadMs = predictor.perLayerOverheadMs();
        this.sendBytesPerToken = 2.0 * model.hiddenSize() * model.activationBytes();
        this.linkBytesPerMs = gpu.interconnectBytes() / 1e3;
        this.sendLatencyMs = gpu.interconnectLatencyUs() / 1e3;
    }

    public StageLayout layout() {
        return layout;
    }

    public int stages() {
        return layout.stages();
    }

    /** Milliseconds of stage {@code s} for an iteration whose whole-model breakdown is {@code b}. */
    public double stageMs(Breakdown b, int s) {
        double perLayer = Math.min(perLayerOverheadMs, b.overheadMs());
        double layered = b.linearMs() + b.prefillAttentionMs() + b.decodeAttentionMs() + b.communicationMs() + perLayer;
        double ms = layered * layout.share(s);
        if (s == 0) {
            ms += b.overheadMs() - perLayer;
        }
        if (s == layout.stages() - 1) {
            ms += b.lmHeadMs();
        }
        return ms;
    }

    /** Stage {@code s} in integer nanoseconds, at least 1 (as the replica schedules it). */
    public long stageNs(Breakdown b, int s) {
        return Math.max(1, Math.round(stageMs(b, s) * 1e6));
    }

    /** Bytes one stage sends the next for an iteration of {@code tokens} new tokens. */
    public double sendBytes(long tokens) {
        return tokens * sendBytesPerToken;
    }

    /** Milliseconds of the send between two consecutive stages for {@code tokens} new tokens. */
    public double sendMs(long tokens) {
        return sendLatencyMs + sendBytes(tokens) / linkBytesPerMs;
    }

    /** {@link #sendMs} in integer nanoseconds (0 only for a zero-latency infinite link). */
    public long sendNs(long tokens) {
        return Math.round(sendMs(tokens) * 1e6);
    }
}
