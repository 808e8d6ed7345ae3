package io.simfaasinfer.serverless;

import io.simfaasinfer.config.ServerlessConfig.ConcurrencyConfig;

/**
 * Target concurrency with stable and panic windows, after Knative's pod autoscaler (KPA,
 * {@code pkg/autoscaler/scaling/autoscaler.go}).
 *
 * <p>Each evaluation averages the demand (requests queued or in flight) over the stable window and
 * over the shorter panic window and divides by the target concurrency per instance. Both figures
 * (rounded up) are kept within Knative's rate limits over the ready instances {@code r = max(1, ready)}:
 * at most {@code ceil(max_scale_up_rate x r)} and at least {@code floor(r / max_scale_down_rate)}.
 * The stable figure is the answer, unless the panic figure reaches {@code panic_threshold} times
 * the ready instances: then the fleet panics, scales to the panic figure and does not scale down
 * until a whole stable window has passed without a new panic signal. Last, with a
 * {@code scale_down_delay_s} the answer is the largest decision of that many seconds back (a decision
 * made at {@code t} counts while {@code now - t < delay}), so a scale-down applies only after the
 * delay at reduced demand. A stable average of zero asks for no instance (scale to zero, after the
 * keep-alive), reached at the rate limit's pace (from one ready instance floor(1 / 2) = 0).
 */
public final class ConcurrencyAutoscaler implements Autoscaler {

    private final ConcurrencyConfig cfg;
    private final long delayNs;
    private long panicSinceNs = -1;
    private int panicHigh;
    /** Decisions of the delay window whose value is not dominated by a later one (a monotone max queue). */
    private long[] delayTimes = new long[8];
    private int[] delayValues = new int[8];
    private int head;
    private int size;

    public ConcurrencyAutoscaler(ConcurrencyConfig cfg) {
        this.cfg = cfg;
        this.delayNs = Math.round(cfg.scaleDownDelayS() * 1e9);
    }

    @Override
    public int desired(FleetView v, long nowNs) {
        double stable = v.averageDemand(cfg.stableWindowS()) / cfg.target();
        double panic = v.averageDemand(cfg.panicWindowS()) / cfg.target();
        int readyForPanic = Math.max(1, v.ready());
        double maxUp = Math.ceil(cfg.maxScaleUpRate() * readyForPanic);
        double maxDown = Math.floor(readyForPanic / cfg.maxScaleDownRate());
        int wantStable = clamp(Math.ceil(stable - 1e-9), maxDown, maxUp);
        int wantPanic = clamp(Math.ceil(panic - 1e-9), maxDown, maxUp);
        if (panic / readyForPanic >= cfg.panicThreshold()) {
            panicSinceNs = nowNs;
        } else if (panicSinceNs >= 0 && nowNs - panicSinceNs >= Math.round(cfg.stableWindowS() * 1e9)) {
            panicSinceNs = -1;
            panicHigh = 0;
        }
        int want = wantStable;
        if (panicSinceNs >= 0) {
            panicHigh = Math.max(panicHigh, Math.max(wantPanic, wantStable));
            want = panicHigh;
        }
        return delayNs > 0 ? delayed(want, nowNs) : want;
    }

    private static int clamp(double want, double lo, double hi) {
        return (int) Math.min(Math.max(want, lo), hi);
    }

    /** Records {@code want} at {@code nowNs} and returns the largest decision of the delay window. */
    private int delayed(int want, long nowNs) {
        while (size > 0 && nowNs - delayTimes[head] >= delayNs) { // expired from the front
            head = (head + 1) % delayTimes.length;
            size--;
        }
        while (size > 0 && delayValues[(head + size - 1) % delayValues.length] <= want) { // dominated
            size--;
        }
        if (size == delayTimes.length) {
            grow();
        }
        int tail = (head + size) % delayTimes.length;
        delayTimes[tail] = nowNs;
        delayValues[tail] = want;
        size++;
        return delayValues[head];
    }

    private void grow() {
        long[] t = new long[delayTimes.length * 2];
        int[] w = new int[t.length];
        for (int i = 0; i < size; i++) {
            t[i] = delayTimes[(head + i) % delayTimes.length];
            w[i] = delayValues[(head + i) % delayValues.length];
        }
        delayTimes = t;
        delayValues = w;
        head = 0;
    }

    /** Whether the last evaluation left the policy in panic mode. */
    public boolean panicking() {
        return panicSinceNs >= 0;
    }
}
