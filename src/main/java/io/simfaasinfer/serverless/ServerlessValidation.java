package io.simfaasinfer.serverless;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.config.ServerlessConfig.AutoscalerConfig;
import io.simfaasinfer.config.ServerlessConfig.BillingConfig;
import io.simfaasinfer.config.ServerlessConfig.ColdStartConfig;

import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Semantic checks of the {@code serverless} section (one-line {@link ConfigException}s naming the
 * key path), and resolution of unset cold-start figures from the GPU's built-in profile. Checked
 * whether or not the section is enabled, so a mistake never hides until it is switched on.
 */
public final class ServerlessValidation {

    /** Most instance slots a fleet may have. */
    public static final int MAX_INSTANCES_LIMIT = 10_000;

    private static final Set<String> THRESHOLD_METRICS = Set.of("gpu_busy", "kv_cache", "concurrency");
    private static final String P = "serverless";

    private final UnaryOperator<String> sourceOf;

    private ServerlessValidation(UnaryOperator<String> sourceOf) {
        this.sourceOf = sourceOf;
    }

    /**
     * Validates {@code s} (read from {@code source}); returns it with the cold-start figures of
     * {@code gpu} filled in where unset. A null section stays null (no serverless fleet).
     */
    public static ServerlessConfig validate(ServerlessConfig s, GpuSpec gpu, String source) {
        return validate(s, gpu, path -> source);
    }

    /**
     * As {@link #validate(ServerlessConfig, GpuSpec, String)}, naming in errors the file or
     * command-line override each key path came from.
     */
    public static ServerlessConfig validate(ServerlessConfig s, GpuSpec gpu, UnaryOperator<String> sourceOf) {
        return s == null ? null : new ServerlessValidation(sourceOf).run(s, gpu);
    }

    private ConfigException err(String path, String problem) {
        return new ConfigException(sourceOf.apply(path), path, problem);
    }

    private ServerlessConfig run(ServerlessConfig s, GpuSpec gpu) {
        if (s.maxInstances() < 1 || s.maxInstances() > MAX_INSTANCES_LIMIT) {
            throw err(P + ".max_instances", "expected an integer in [1, " + MAX_INSTANCES_LIMIT + "], got "
                    + s.maxInstances());
        }
        if (s.minInstances() < 0 || s.minInstances() > s.maxInstances()) {
            throw err(P + ".min_instances", "expected an integer in [0, max_instances = " + s.maxInstances()
                    + "], got " + s.minInstances());
        }
        nonNegative(P + ".keep_alive_s", s.keepAliveS());
        if (s.instanceConcurrency() < 0) {
            throw err(P + ".instance_concurrency", "expected an integer >= 0 (0 = no limit), got "
                    + s.instanceConcurrency());
        }
        if (s.queueCapacity() != null && s.queueCapacity() < 0) {
            throw err(P + ".queue_capacity", "expected an integer >= 0 (or null for no bound), got "
                    + s.queueCapacity());
        }
        ColdStartConfig cs = coldStart(present(P + ".cold_start", s.coldStart()), gpu);
        autoscaler(present(P + ".autoscaler", s.autoscaler()));
        billing(present(P + ".billing", s.billing()));
        return s.withColdStart(cs);
    }

    private ColdStartConfig coldStart(ColdStartConfig c, GpuSpec gpu) {
        String p = P + ".cold_start";
        tier(p + ".checkpoint_tier", c.checkpointTier());
        tier(p + ".host_cache_tier", c.hostCacheTier());
        nonNegative(p + ".host_cache_ttl_s", c.hostCacheTtlS());
        ColdStartProfiles.Profile d = ColdStartProfiles.builtin().forGpu(gpu.name());
        double container = orDefault(p + ".container_start_s", c.containerStartS(), d.containerStartS(), false);
        double framework = orDefault(p + ".framework_init_s", c.frameworkInitS(), d.frameworkInitS(), false);
        double warmup = orDefault(p + ".engine_warmup_s", c.engineWarmupS(), d.engineWarmupS(), false);
        double remote = orDefault(p + ".remote_gb_s", c.remoteGbS(), d.remoteGbS(), true);
        double nvme = orDefault(p + ".local_nvme_gb_s", c.localNvmeGbS(), d.localNvmeGbS(), true);
        double cache = orDefault(p + ".page_cache_gb_s", c.pageCacheGbS(), d.pageCacheGbS(), true);
        double pinned = orDefault(p + ".pinned_gb_s", c.pinnedGbS(), d.pinnedGbS(), true);
        return new ColdStartConfig(c.checkpointTier(), container, framework, warmup, remote, nvme, cache, pinned,
                c.locality(), c.hostCacheTier(), c.hostCacheTtlS());
    }

    private void autoscaler(AutoscalerConfig a) {
        String p = P + ".autoscaler";
        var registry = Autoscalers.registry();
        if (a.name() == null || !registry.contains(a.name())) {
            throw err(p + ".name", "unknown autoscaler '" + a.name() + "'; known: "
                    + String.join(", ", registry.all().keySet()));
        }
        positive(p + ".evaluation_interval_s", a.evaluationIntervalS());
        if (a.evaluationIntervalS() < 1e-3) {
            throw err(p + ".evaluation_interval_s", "expected at least 0.001 s, got " + a.evaluationIntervalS());
        }
        var t = present(p + ".threshold", a.threshold());
        if (t.metric() == null || !THRESHOLD_METRICS.contains(t.metric())) {
            throw err(p + ".threshold.metric", "unknown metric '" + t.metric()
                    + "'; expected one of concurrency, gpu_busy, kv_cache");
        }
        positive(p + ".threshold.scale_up_above", t.scaleUpAbove());
        nonNegative(p + ".threshold.scale_down_below", t.scaleDownBelow());
        if (t.scaleDownBelow() >= t.scaleUpAbove()) {
            throw err(p + ".threshold.scale_down_below", "expected less than scale_up_above ("
                    + t.scaleUpAbove() + "), got " + t.scaleDownBelow());
        }
        nonNegative(p + ".threshold.cooldown_s", t.cooldownS());
        if (t.step() < 1) {
            throw err(p + ".threshold.step", "expected a positive integer, got " + t.step());
        }
        var c = present(p + ".concurrency", a.concurrency());
        positive(p + ".concurrency.target", c.target());
        positive(p + ".concurrency.stable_window_s", c.stableWindowS());
        positive(p + ".concurrency.panic_window_s", c.panicWindowS());
        if (c.panicWindowS() > c.stableWindowS()) {
            throw err(p + ".concurrency.panic_window_s", "expected at most stable_window_s (" + c.stableWindowS()
                    + "), got " + c.panicWindowS());
        }
        if (!(c.panicThreshold() >= 1) || Double.isInfinite(c.panicThreshold())) {
            throw err(p + ".concurrency.panic_threshold", "expected a number >= 1, got " + c.panicThreshold());
        }
        if (!(c.maxScaleUpRate() > 1) || Double.isInfinite(c.maxScaleUpRate())) {
            throw err(p + ".concurrency.max_scale_up_rate", "expected a number > 1, got " + c.maxScaleUpRate());
        }
        if (!(c.maxScaleDownRate() > 1) || Double.isInfinite(c.maxScaleDownRate())) {
            throw err(p + ".concurrency.max_scale_down_rate", "expected a number > 1, got " + c.maxScaleDownRate());
        }
        if (!(c.scaleDownDelayS() >= 0 && c.scaleDownDelayS() <= 3600)) {
            throw err(p + ".concurrency.scale_down_delay_s", "expected a number in [0, 3600] s, got "
                    + c.scaleDownDelayS());
        }
        var q = present(p + ".queue_length", a.queueLength());
        positive(p + ".queue_length.target_per_instance", q.targetPerInstance());
        var pr = present(p + ".predictive", a.predictive());
        positive(p + ".predictive.window_s", pr.windowS());
        if (pr.leadS() != null) {
            nonNegative(p + ".predictive.lead_s", pr.leadS());
        }
        positive(p + ".predictive.target", pr.target());
    }

    private void billing(BillingConfig b) {
        String p = P + ".billing";
        if (b.pricePerGpuHour() != null) {
            nonNegative(p + ".price_per_gpu_hour", b.pricePerGpuHour());
        }
        nonNegative(p + ".granularity_s", b.granularityS());
        nonNegative(p + ".minimum_s", b.minimumS());
        if (!(b.idlePriceFactor() >= 0 && b.idlePriceFactor() <= 1)) {
            throw err(p + ".idle_price_factor", "expected a number in [0, 1], got " + b.idlePriceFactor());
        }
    }

    private void tier(String path, String name) {
        if (name == null || CheckpointTier.parse(name).isEmpty()) {
            throw err(path, "unknown checkpoint tier '" + name + "'; expected one of " + CheckpointTier.names());
        }
    }

    private double orDefault(String path, Double v, double dflt, boolean strictlyPositive) {
        if (v == null) {
            return dflt;
        }
        if (strictlyPositive) {
            positive(path, v);
        } else {
            nonNegative(path, v);
        }
        return v;
    }

    private <T> T present(String path, T v) {
        if (v == null) {
            throw err(path, "missing; expected a mapping (see docs/serverless.md)");
        }
        return v;
    }

    private void positive(String path, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw err(path, "expected a positive number, got " + v);
        }
    }

    private void nonNegative(String path, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw err(path, "expected a number >= 0, got " + v);
        }
    }
}
