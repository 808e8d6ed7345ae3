package io.simfaasinfer.predictor;

/**
 * An engine's host-side cost on top of a predictor of the GPU work: every iteration pays
 * {@code hostIterationMs + hostPerSequenceUs x sequences}; an iteration outside a CUDA graph (any
 * prefill, or more decodes than {@code cudaGraphMaxBatch}) cannot finish before the host has
 * launched its kernels, {@code layers x eagerLaunchUsPerLayer}, so it costs
 * {@code max(GPU time, launch time)} (the host runs ahead of the GPU asynchronously). Goes to
 * {@link Breakdown#overheadMs}. Monotone: the host terms grow with the sequences, and the max of
 * two non-decreasing times is non-decreasing. A step of a multi-step run after its first
 * ({@link BatchView#paysHost} false: vLLM 0.6 {@code --num-scheduler-steps}) pays no
 * {@code hostIterationMs} (the scheduler and input preparation run once per run) but its
 * {@code hostPerSequenceUs x sequences} (each step's sampled tokens are turned into per-sequence
 * outputs, detokenised and stop-checked: work per token, which a run does not share) and its eager
 * launch (docs/fidelity.md, "Set 7"). Immutable.
 */
public final class EnginePredictor implements ExecutionTimePredictor {

    private final ExecutionTimePredictor base;
    private final EngineModel engine;
    private final double eagerLaunchMs;

    public EnginePredictor(ExecutionTimePredictor base, EngineModel engine, int layers) {
        this.base = base;
        this.engine = engine;
        this.eagerLaunchMs = layers * engine.eagerLaunchUsPerLayer() / 1000.0;
    }

    @Override
    public Breakdown predict(BatchView batch) {
        Breakdown b = base.predict(batch);
        int seqs = batch.numPrefills() + batch.numDecodes();
        if (seqs == 0) {
            return b;
        }
        // A later step of a multi-step run (BatchView#paysHost false) pays no scheduling: the run's
        // per-iteration host time is paid once, by its first step, so per token it falls by 1/N; its
        // per-sequence time (output processing of each step's token) is paid by every step.
        double host = (batch.paysHost() ? engine.hostIterationMs() : 0) + engine.hostPerSequenceUs() * seqs / 1000.0;
        boolean graph = batch.numPrefills() == 0 && batch.numDecodes() <= engine.cudaGraphMaxBatch();
        if (!graph) {
            host += Math.max(0, eagerLaunchMs - b.totalMs());
        }
        return new Breakdown(b.linearMs(), b.prefillAttentionMs(), b.decodeAttentionMs(), b.lmHeadMs(),
                b.communicationMs(), b.overheadMs() + host, b.flops(), b.bytes());
    }

    /**
     * The base's per-layer overhead: the host terms are paid once per iteration, before the first
     * pipeline stage, and the eager-launch floor is per iteration too.
     */
    @Override
    public double perLayerOverheadMs() {
        return base.perLayerOverheadMs();
    }

    public ExecutionTimePredictor base() {
        return base;
    }

    public EngineModel engine() {
        return engine;
    }

    @Override
    public String describe() {
        return "engine " + engine.name() + " (" + engine.description() + ") over " + base.describe();
    }
}
