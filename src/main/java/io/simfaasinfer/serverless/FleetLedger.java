package io.simfaasinfer.serverless;

import io.simfaasinfer.metrics.ServerlessResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts of instances by state and their time integrals: how many are starting, idle and busy, the
 * ready-instance-time area, the time during which at least one instance was starting (what a queued
 * request's cold-start wait is measured against), the peak, and the instance-count time series.
 */
final class FleetLedger {

    private int starting;
    private int idle;
    private int busy;
    /** Time during which at least one instance was starting, up to coveredSinceNs. */
    private long coveredNs;
    private long coveredSinceNs;
    private double readyArea;
    /** Transitions that made an instance ready or not ready (IDLE/BUSY against the rest), so far. */
    private long readinessChanges;
    private long readySinceNs;
    private int peakLive;
    private long lastTransitionNs;
    private final List<ServerlessResult.Point> series = new ArrayList<>();

    /** Moves {@code in} to {@code next} at {@code now}, updating counts and integrals. */
    void transition(Instance in, InstanceState next, long now) {
        readyArea += (double) (idle + busy) * (now - readySinceNs);
        readySinceNs = now;
        if (starting > 0) {
            coveredNs += now - coveredSinceNs;
        }
        coveredSinceNs = now;
        count(in.state, -1);
        count(next, +1);
        boolean wasReady = in.ready();
        in.moveTo(next, now);
        if (in.ready() != wasReady) {
            readinessChanges++;
        }
        lastTransitionNs = Math.max(lastTransitionNs, now);
        peakLive = Math.max(peakLive, live());
    }

    private void count(InstanceState s, int delta) {
        switch (s) {
            case STARTING -> starting += delta;
            case IDLE -> idle += delta;
            case BUSY -> busy += delta;
            default -> {
                // COLD slots are not counted
            }
        }
    }

    /** Time up to {@code now} during which at least one instance was starting, ns. */
    long coveredAt(long now) {
        return coveredNs + (starting > 0 ? now - coveredSinceNs : 0);
    }

    /** Integral of ready instances over time up to {@code now}, instance-ns. */
    /** How many times an instance became ready or stopped being ready: a version of the set of ready instances. */
    long readinessChanges() {
        return readinessChanges;
    }

    double readyAreaAt(long now) {
        return readyArea + (double) (idle + busy) * (now - readySinceNs);
    }

    /** Appends the counts at {@code now} to the time series (replacing a point at the same instant). */
    void point(long now) {
        var p = new ServerlessResult.Point(now / 1e9, starting, idle + busy);
        if (!series.isEmpty() && series.get(series.size() - 1).tS() == p.tS()) {
            series.set(series.size() - 1, p);
        } else {
            series.add(p);
        }
    }

    int live() {
        return starting + idle + busy;
    }

    int starting() {
        return starting;
    }

    int idle() {
        return idle;
    }

    int busy() {
        return busy;
    }

    int peakLive() {
        return peakLive;
    }

    long lastTransitionNs() {
        return lastTransitionNs;
    }

    List<ServerlessResult.Point> series() {
        return series;
    }
}
