package io.simfaasinfer.serverless;

import io.simfaasinfer.config.ServerlessConfig.ConcurrencyConfig;

/**
 * Target concurrency with stable and panic windows, after Knative's pod autoscaler (KPA).
 *
 * <p>Each evaluation averages the demand (requests queued or in flight) over the stable window and
 * over the shorter panic window and divides by the target concurrency per instance. The stable
 * figure (rounded up) is the answer, unless the panic figure reaches {@code panic_threshold} times
 * the ready instances: then the fleet panics, scales to the panic figure and does not scale down
 * until a whole stable window has passed without a new panic signal. A stable average of zero asks
 * for no instance (scale to zero, after the keep-alive). Knative's max scale-up/down rates are not modelled.
 */
public final class ConcurrencyAutoscaler implements Autoscaler {

    private final ConcurrencyConfig cfg;
    private long panicSinceNs = -1;
    private int panicHigh;

    public ConcurrencyAutoscaler(ConcurrencyConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public int desired(FleetView v, long nowNs) {
        double stable = v.averageDemand(cfg.stableWindowS()) / cfg.target();
        double panic = v.averageDemand(cfg.panicWindowS()) / cfg.target();
        int wantStable = (int) Math.ceil(stable - 1e-9);
        int wantPanic = (int) Math.ceil(panic - 1e-9);
        int readyForPanic = Math.max(1, v.ready());
        if (panic / readyForPanic >= cfg.panicThreshold()) {
            panicSinceNs = nowNs;
        } else if (panicSinceNs >= 0 && nowNs - panicSinceNs >= Math.round(cfg.stableWindowS() * 1e9)) {
            panicSinceNs = -1;
            panicHigh = 0;
        }
        if (panicSinceNs >= 0) {
            panicHigh = Math.max(panicHigh, Math.max(wantPanic, wantStable));
            return panicHigh;
        }
        return wantStable;
    }

    /** Whether the last evaluation left the policy in panic mode. */
    public boolean panicking() {
        return panicSinceNs >= 0;
    }
}
