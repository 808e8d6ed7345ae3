package io.simfaasinfer.scheduler;

import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.request.RequestObserver;

/**
 * What a scheduler is built from: its replica's index and KV cache, its typed configuration, the
 * model served, where to report request events, and the predictor that times its iterations (for
 * policies that plan ahead, e.g. MILP batch selection; may be null).
 */
public record SchedulerContext(int replica, BlockManager kv, SchedulerConfig config, ModelSpec model,
                               RequestObserver observer, ExecutionTimePredictor predictor) {

    /** A context without a predictor. */
    public SchedulerContext(int replica, BlockManager kv, SchedulerConfig config, ModelSpec model,
                            RequestObserver observer) {
        this(replica, kv, config, model, observer, null);
    }
}
