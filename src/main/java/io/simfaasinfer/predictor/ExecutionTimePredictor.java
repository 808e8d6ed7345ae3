package io.simfaasinfer.predictor;

/**
 * Predicts how long one iteration of a replica takes for a given batch.
 *
 * <p>Implementations are pure functions of the batch shape and their own (immutable) parameters,
 * so one instance may serve many replicas and many simulations at once. They are called once
 * per simulated iteration: precompute what you can in the constructor.
 */
public interface ExecutionTimePredictor {

    /** Predicted iteration time with its breakdown; never negative; {@link Breakdown#ZERO} for an empty batch. */
    Breakdown predict(BatchView batch);

    /**
     * Of {@link Breakdown#overheadMs}, the part that grows with the decoder layers a GPU runs
     * (per-layer kernel launches), in ms for the whole model; the rest is paid once per iteration.
     * A pipeline stage pays the per-layer part for its own layers (the pipeline package's StageTimes).
     * Default: none (the whole overhead is per iteration).
     */
    default double perLayerOverheadMs() {
        return 0;
    }

    /** A short human-readable description (kind and key parameters) for reports. */
    String describe();
}
