package io.simfaasinfer.scheduler;

import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.request.RequestObserver;
import io.simfaasinfer.scheduler.local.PolicyContext;

/**
 * What a scheduler is built from: its replica's index and KV cache, its typed configuration, the
 * model served, where to report request events, the predictor that times its iterations (for
 * policies that plan ahead, e.g. MILP batch selection; may be null), and, on a prefill replica of
 * a disaggregated deployment, where to hand requests after their first token (null elsewhere).
 */
public record SchedulerContext(int replica, BlockManager kv, SchedulerConfig config, ModelSpec model,
                               RequestObserver observer, ExecutionTimePredictor predictor, Handoff handoff) {

    /** A context of a mixed or decode replica (no hand-off after the first token). */
    /** What the replica's local policy is built from. */
    public PolicyContext policyContext() {
        return new PolicyContext(replica, config, model, predictor);
    }

    public SchedulerContext(int replica, BlockManager kv, SchedulerConfig config, ModelSpec model,
                            RequestObserver observer, ExecutionTimePredictor predictor) {
        this(replica, kv, config, model, observer, predictor, null);
    }

    /** A context without a predictor. */
    public SchedulerContext(int replica, BlockManager kv, SchedulerConfig config, ModelSpec model,
                            RequestObserver observer) {
        this(replica, kv, config, model, observer, null);
    }
}
