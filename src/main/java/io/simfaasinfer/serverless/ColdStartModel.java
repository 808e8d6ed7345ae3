package io.simfaasinfer.serverless;

import io.simfaasinfer.config.ServerlessConfig.ColdStartConfig;

/**
 * The duration of one cold start, in named parts: container and runtime start, framework and CUDA
 * initialisation, weight loading (weight bytes / the bandwidth of the tier read from) and engine
 * warm-up. Pinned host memory is copied over each GPU's own host link, so a TP group loads its
 * shards in parallel; the other tiers are shared by the group.
 *
 * @param containerStartS container and runtime start, s
 * @param frameworkInitS  framework import and CUDA context, s
 * @param engineWarmupS   memory profiling and CUDA-graph capture, s
 * @param weightBytes     bytes of the model's weights (all shards)
 * @param tp              GPUs of one instance
 * @param remoteGbS       remote object store bandwidth, GB/s
 * @param localNvmeGbS    local NVMe (cold page cache) bandwidth, GB/s
 * @param pageCacheGbS    host page cache bandwidth, GB/s
 * @param pinnedGbS       pinned host memory bandwidth per GPU, GB/s
 */
public record ColdStartModel(double containerStartS, double frameworkInitS, double engineWarmupS, long weightBytes,
                             int tp, double remoteGbS, double localNvmeGbS, double pageCacheGbS, double pinnedGbS) {

    /** The model of a resolved cold-start config (every figure set) for {@code weightBytes} at {@code tp}. */
    public static ColdStartModel of(ColdStartConfig c, long weightBytes, int tp) {
        return new ColdStartModel(c.containerStartS(), c.frameworkInitS(), c.engineWarmupS(), weightBytes, tp,
                c.remoteGbS(), c.localNvmeGbS(), c.pageCacheGbS(), c.pinnedGbS());
    }

    /** Bandwidth of {@code tier}, GB/s. */
    public double bandwidthGbS(CheckpointTier tier) {
        return switch (tier) {
            case REMOTE -> remoteGbS;
            case LOCAL_NVME -> localNvmeGbS;
            case PAGE_CACHE -> pageCacheGbS;
            case PINNED -> pinnedGbS;
        };
    }

    /** Seconds to load the weights from {@code tier}. */
    public double loadS(CheckpointTier tier) {
        double parallel = tier == CheckpointTier.PINNED ? tp : 1;
        return weightBytes / (bandwidthGbS(tier) * 1e9 * parallel);
    }

    /** Seconds of a whole cold start loading from {@code tier}. */
    public double totalS(CheckpointTier tier) {
        return containerStartS + frameworkInitS + loadS(tier) + engineWarmupS;
    }

    /** {@link #totalS} in integer nanoseconds, as the engine schedules it. */
    public long totalNs(CheckpointTier tier) {
        return Math.max(1, Math.round(totalS(tier) * 1e9));
    }

    /** The faster of two tiers (higher effective load bandwidth). */
    public CheckpointTier faster(CheckpointTier a, CheckpointTier b) {
        return loadS(b) < loadS(a) ? b : a;
    }
}
