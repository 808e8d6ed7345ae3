package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.BatchView;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;

import java.util.Locale;

/**
 * Any predictor with its times mapped affinely: {@code t' = scale * t + offsetMs} for a
 * non-empty batch (every component scaled, the offset added to {@code overheadMs}; flops and
 * bytes unchanged). Both parameters are non-negative, so the result keeps the wrapped
 * predictor's guarantees (never negative, monotone). Empty batch: {@link Breakdown#ZERO}.
 */
public final class ScaledPredictor implements ExecutionTimePredictor {

    private final ExecutionTimePredictor base;
    private final double scale;
    private final double offsetMs;

    public ScaledPredictor(ExecutionTimePredictor base, double scale, double offsetMs) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
        if (!(offsetMs >= 0) || Double.isInfinite(offsetMs)) {
            throw new IllegalArgumentException("offset must be finite and >= 0 ms, got " + offsetMs);
        }
        this.base = base;
        this.scale = scale;
        this.offsetMs = offsetMs;
    }

    @Override
    public Breakdown predict(BatchView batch) {
        if (batch.numPrefills() == 0 && batch.numDecodes() == 0) {
            return Breakdown.ZERO;
        }
        Breakdown b = base.predict(batch);
        return new Breakdown(b.linearMs() * scale, b.prefillAttentionMs() * scale, b.decodeAttentionMs() * scale,
                b.lmHeadMs() * scale, b.communicationMs() * scale, b.overheadMs() * scale + offsetMs,
                b.flops(), b.bytes());
    }

    /** The wrapped predictor's per-layer overhead, scaled (the offset is per iteration). */
    @Override
    public double perLayerOverheadMs() {
        return base.perLayerOverheadMs() * scale;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "scaled(x%.4f %+.3fms, %s)", scale, offsetMs, base.describe());
    }

    public ExecutionTimePredictor base() {
        return base;
    }

    public double scale() {
        return scale;
    }

    public double offsetMs() {
        return offsetMs;
    }
}
