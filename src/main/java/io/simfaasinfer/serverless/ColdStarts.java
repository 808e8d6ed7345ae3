package io.simfaasinfer.serverless;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.config.ServerlessConfig.ColdStartConfig;
import io.simfaasinfer.metrics.LatencyStats;

import java.util.Map;
import java.util.TreeMap;

/**
 * A fleet's cold starts: the model of one start (container, framework, engine warm-up, weights from
 * a checkpoint tier), the tier an instance loads from (the host cache tier when its host released
 * the model within {@code host_cache_ttl_s}), and what the starts so far took, for the report.
 */
final class ColdStarts {

    private final ColdStartModel model;
    private final CheckpointTier tier;
    private final CheckpointTier hostTier;
    private final String source;
    /** How long a released model stays in its host's cache, ns; -1: no locality. */
    private final long hostTtlNs;
    private final LatencyStats durations = new LatencyStats();
    private final Map<String, Long> byTier = new TreeMap<>();
    private long count;

    ColdStarts(ColdStartConfig cs, long weightBytes, int tp, GpuSpec gpu) {
        this.model = ColdStartModel.of(cs, weightBytes, tp);
        this.tier = CheckpointTier.parse(cs.checkpointTier()).orElseThrow();
        this.hostTier = CheckpointTier.parse(cs.hostCacheTier()).orElseThrow();
        this.hostTtlNs = cs.locality() ? Math.round(cs.hostCacheTtlS() * 1e9) : -1;
        this.source = ColdStartProfiles.builtin().forGpu(gpu.name()).source();
    }

    /** How long a released model stays in its host's cache, ns; -1: no locality. */
    long hostTtlNs() {
        return hostTtlNs;
    }

    /** The tier a start loads from: the faster of the host cache and the checkpoint tier when cached. */
    CheckpointTier tierFor(boolean hostCached) {
        return hostCached ? model.faster(tier, hostTier) : tier;
    }

    /** A start from {@code t} begins: its duration, ns, counted for the report. */
    long begin(CheckpointTier t) {
        long duration = model.totalNs(t);
        count++;
        byTier.merge(t.label(), 1L, Long::sum);
        durations.record(duration);
        return duration;
    }

    ColdStartModel model() {
        return model;
    }

    /** The configured checkpoint tier. */
    CheckpointTier tier() {
        return tier;
    }

    /** Where the cold-start figures of this GPU come from. */
    String source() {
        return source;
    }

    LatencyStats durations() {
        return durations;
    }

    Map<String, Long> byTier() {
        return byTier;
    }

    long count() {
        return count;
    }
}
