package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.predictor.ExecutionTimePredictor;

/**
 * What a local policy is built from: the replica it orders, the scheduler settings (its own keys
 * among them), the model and the replica's predictor (null where a scheduler runs without one). The
 * scheduler hands it over ({@code SchedulerContext.policyContext()}); a policy sees no scheduler state.
 */
public record PolicyContext(int replica, SchedulerConfig config, ModelSpec model, ExecutionTimePredictor predictor) {
}
