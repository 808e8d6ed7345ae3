package io.simfaasinfer.serverless;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.routing.ClusterView;
import io.simfaasinfer.routing.Router;

/**
 * Chooses the ready instance a request goes to. The router ({@code cluster.router}) chooses among
 * the first {@code max(1, desired)} ready instances (in slot order) that have room for one more
 * request; the surplus above the autoscaler's answer gets requests only when those are full, so it
 * drains, goes idle and is released after its keep-alive. Allocation-free per request.
 */
final class Dispatcher {

    private final Instance[] instances;
    private final Router router;
    private final int concurrencyLimit;
    private final int[] eligible;
    private int eligibleCount;
    private final ClusterView eligibleView = new ClusterView() {
        @Override
        public int size() {
            return eligibleCount;
        }

        @Override
        public int outstanding(int i) {
            return instances[eligible[i]].replica.scheduler().outstanding();
        }

        @Override
        public double kvUtilization(int i) {
            return instances[eligible[i]].replica.scheduler().kv().utilization();
        }
    };

    /**
     * @param concurrencyLimit most requests in flight on one instance; 0 = no limit
     */
    Dispatcher(Instance[] instances, Router router, int concurrencyLimit) {
        this.instances = instances;
        this.router = router;
        this.concurrencyLimit = concurrencyLimit;
        this.eligible = new int[instances.length];
    }

    /** A ready instance with room for {@code r}, or null if none; {@code desired} is the autoscaler's last answer. */
    Instance pick(Request r, int desired, long now) {
        int keep = Math.max(1, desired);
        int seen = 0;
        eligibleCount = 0;
        for (Instance in : instances) {
            if (in.ready() && seen++ < keep && hasRoom(in)) {
                eligible[eligibleCount++] = in.slot;
            }
        }
        if (eligibleCount == 0) {
            for (Instance in : instances) {
                if (in.ready() && hasRoom(in)) {
                    eligible[eligibleCount++] = in.slot;
                }
            }
        }
        if (eligibleCount == 0) {
            return null;
        }
        return instances[eligible[router.route(r, eligibleView, now)]];
    }

    private boolean hasRoom(Instance in) {
        return concurrencyLimit <= 0 || in.replica.scheduler().outstanding() < concurrencyLimit;
    }
}
