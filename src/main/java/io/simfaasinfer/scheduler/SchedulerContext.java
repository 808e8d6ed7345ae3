package io.simfaasinfer.scheduler;

import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.request.RequestObserver;

/**
 * What a scheduler is built from: its replica's index and KV cache, its typed configuration, the
 * model served, and where to report request events.
 */
public record SchedulerContext(int replica, BlockManager kv, SchedulerConfig config, ModelSpec model,
                               RequestObserver observer) {
}
