package io.simfaasinfer.config;

import java.util.Map;

/**
 * Serverless serving: a fleet of function instances (each a replica of {@code cluster.gpu} at
 * {@code cluster.tp}) that start on demand with a cold start, are scaled by an autoscaling policy
 * and released after a keep-alive. Disabled by default; when disabled the always-on cluster of
 * {@code cluster.replicas} runs exactly as without this section. See docs/serverless.md.
 *
 * @param enabled             serve through the serverless fleet instead of the fixed cluster
 * @param minInstances        the warm pool: instances ready at t = 0 and never released
 * @param maxInstances        most instances alive (starting or ready) at once
 * @param keepAliveS          idle time after which an instance above the desired count is released
 * @param instanceConcurrency most requests in flight on one instance; 0 = no limit (the scheduler batches all)
 * @param queueCapacity       most requests waiting in the global queue; null = unbounded; a full queue rejects
 * @param coldStart           the cold-start model
 * @param autoscaler          the scaling policy
 * @param billing             how instance time is billed
 */
public record ServerlessConfig(boolean enabled, int minInstances, int maxInstances, double keepAliveS,
                               int instanceConcurrency, Integer queueCapacity, ColdStartConfig coldStart,
                               AutoscalerConfig autoscaler, BillingConfig billing) {

    /** Whether {@code c} serves through a serverless fleet (a missing section means no). */
    public static boolean enabled(SimulatorConfig c) {
        return c.serverless() != null && c.serverless().enabled();
    }

    /** This fleet with its autoscaler's plug-in options replaced (defaults filled by validation). */
    public ServerlessConfig withAutoscalerOptions(Map<String, Object> options) {
        AutoscalerConfig a = autoscaler;
        return new ServerlessConfig(enabled, minInstances, maxInstances, keepAliveS, instanceConcurrency, queueCapacity,
                coldStart, new AutoscalerConfig(a.name(), a.evaluationIntervalS(), a.threshold(), a.concurrency(),
                a.queueLength(), a.predictive(), Map.copyOf(options)), billing);
    }

    public ServerlessConfig withColdStart(ColdStartConfig cs) {
        return new ServerlessConfig(enabled, minInstances, maxInstances, keepAliveS, instanceConcurrency,
                queueCapacity, cs, autoscaler, billing);
    }

    /**
     * Cold start = container start + framework init + weight loading + engine warm-up. Null figures
     * are taken from the GPU's cold-start profile (resources/serverless/cold_start_profiles.yaml).
     *
     * @param checkpointTier  where weights are loaded from: remote, local-nvme, page-cache, pinned
     * @param containerStartS container and runtime start, s
     * @param frameworkInitS  Python, PyTorch import and CUDA context creation, s
     * @param engineWarmupS   engine warm-up (memory profiling, CUDA graph capture), s
     * @param remoteGbS       remote object store to GPU, GB/s
     * @param localNvmeGbS    local NVMe (page cache cold) to GPU, GB/s
     * @param pageCacheGbS    host DRAM page cache to GPU, GB/s
     * @param pinnedGbS       pinned host memory to GPU, GB/s per GPU
     * @param locality        a host that ran the model within hostCacheTtlS loads from hostCacheTier if faster
     * @param hostCacheTier   the tier a recently used host still holds the checkpoint in
     * @param hostCacheTtlS   how long a host keeps the checkpoint after its instance is released, s
     */
    public record ColdStartConfig(String checkpointTier, Double containerStartS, Double frameworkInitS,
                                  Double engineWarmupS, Double remoteGbS, Double localNvmeGbS, Double pageCacheGbS,
                                  Double pinnedGbS, boolean locality, String hostCacheTier, double hostCacheTtlS) {
    }

    /**
     * @param name                registry name of the policy
     * @param evaluationIntervalS time between periodic evaluations, s
     * @param threshold           settings of {@code threshold}
     * @param concurrency         settings of {@code concurrency}
     * @param queueLength         settings of {@code queue_length}
     * @param predictive          settings of {@code predictive}
     * @param options             free-form parameters for plug-in policies
     */
    public record AutoscalerConfig(String name, double evaluationIntervalS, ThresholdConfig threshold,
                                   ConcurrencyConfig concurrency, QueueLengthConfig queueLength,
                                   PredictiveConfig predictive, Map<String, Object> options) {
    }

    /**
     * Utilisation thresholds.
     *
     * @param metric         gpu_busy (fraction of time iterating), kv_cache (KV blocks in use) or
     *                       concurrency (requests per instance over its capacity)
     * @param scaleUpAbove   add {@code step} instances when utilisation exceeds this
     * @param scaleDownBelow remove {@code step} instances when utilisation is below this
     * @param cooldownS      no new decision for this long after a change, s
     * @param step           instances added or removed per decision
     */
    public record ThresholdConfig(String metric, double scaleUpAbove, double scaleDownBelow, double cooldownS,
                                  int step) {
    }

    /**
     * Target concurrency with stable and panic windows (Knative KPA).
     *
     * @param target         requests in flight per instance to aim for
     * @param stableWindowS  averaging window of normal operation, s
     * @param panicWindowS   short window that detects bursts, s
     * @param panicThreshold enter panic when the panic-window need reaches this multiple of ready instances
     * @param maxScaleUpRate   Knative {@code max-scale-up-rate}: at most ceil(rate x ready) instances per evaluation
     * @param maxScaleDownRate Knative {@code max-scale-down-rate}: at least floor(ready / rate) instances per evaluation
     * @param scaleDownDelayS  Knative {@code scale-down-delay}: the answer is the largest decision of this many
     *                         seconds back (0 = none)
     */
    public record ConcurrencyConfig(double target, double stableWindowS, double panicWindowS, double panicThreshold,
                                    double maxScaleUpRate, double maxScaleDownRate, double scaleDownDelayS) {

        /** Knative's defaults for the rates (1000, 2) and no scale-down delay. */
        public ConcurrencyConfig(double target, double stableWindowS, double panicWindowS, double panicThreshold) {
            this(target, stableWindowS, panicWindowS, panicThreshold, 1000, 2, 0);
        }
    }

    /**
     * Queue length (KEDA-style): instances with work plus enough for the backlog.
     *
     * @param targetPerInstance waiting requests one instance should absorb
     */
    public record QueueLengthConfig(double targetPerInstance) {
    }

    /**
     * Forecast of the arrival rate from recent history.
     *
     * @param windowS history fitted, s
     * @param leadS   how far ahead to forecast, s; null = the cold-start time of the checkpoint tier
     * @param target  requests in flight per instance to aim for
     */
    public record PredictiveConfig(double windowS, Double leadS, double target) {
    }

    /**
     * @param pricePerGpuHour USD per GPU-hour; null = the catalog price of cluster.gpu
     * @param granularityS    billed time of an instance is rounded up to a multiple of this, s (0 = exact)
     * @param minimumS        least billed time of an instance, s
     * @param billColdStart   whether the starting time is billed
     * @param idlePriceFactor fraction of the price charged while an instance is ready but idle
     */
    public record BillingConfig(Double pricePerGpuHour, double granularityS, double minimumS, boolean billColdStart,
                                double idlePriceFactor) {
    }
}
