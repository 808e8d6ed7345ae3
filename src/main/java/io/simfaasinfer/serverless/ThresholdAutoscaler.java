package io.simfaasinfer.serverless;

import io.simfaasinfer.config.ServerlessConfig.ThresholdConfig;

/**
 * Utilisation thresholds with a cooldown, like a Kubernetes HPA or a cloud step-scaling policy:
 * above {@code scale_up_above} add {@code step} instances, below {@code scale_down_below} remove
 * {@code step}, and make no new decision for {@code cooldown_s} after a change. Utilisation is one
 * of {@code gpu_busy} (fraction of ready-instance time spent iterating over the last interval, what
 * DCGM's GPU utilisation reports), {@code kv_cache} (KV blocks in use now) or {@code concurrency}
 * (requests per ready instance over its capacity: instance_concurrency, else max_num_seqs).
 * With no instance alive it asks for one as soon as there is demand.
 */
public final class ThresholdAutoscaler implements Autoscaler {

    private final ThresholdConfig cfg;
    private long lastChangeNs = Long.MIN_VALUE;
    private int decided = -1;

    public ThresholdAutoscaler(ThresholdConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public int desired(FleetView v, long nowNs) {
        int live = v.live();
        if (decided < 0) {
            decided = live;
        }
        if (lastChangeNs != Long.MIN_VALUE && nowNs - lastChangeNs < Math.round(cfg.cooldownS() * 1e9)) {
            return decided;
        }
        int want = live;
        if (live == 0) {
            want = v.demand() > 0 ? cfg.step() : 0;
        } else if (v.ready() > 0) {
            double u = utilization(v);
            if (u > cfg.scaleUpAbove()) {
                want = live + cfg.step();
            } else if (u < cfg.scaleDownBelow()) {
                want = Math.max(0, live - cfg.step());
            }
        }
        if (want != live) {
            lastChangeNs = nowNs;
        }
        decided = want;
        return want;
    }

    /** The utilisation the policy acts on, per its {@code metric}. */
    double utilization(FleetView v) {
        return switch (cfg.metric()) {
            case "kv_cache" -> v.kvUtilization();
            case "concurrency" -> {
                int cap = v.instanceConcurrency() > 0 ? v.instanceConcurrency() : v.maxBatchSize();
                yield (double) v.demand() / ((double) v.ready() * cap);
            }
            default -> v.busyFraction(v.evaluationIntervalS());
        };
    }
}
