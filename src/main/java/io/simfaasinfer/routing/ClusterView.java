package io.simfaasinfer.routing;

/**
 * Read-only load of every replica a router may choose, as it sees it. Every question is abstract,
 * so a view cannot silently answer one with another's figure (a router asking for cached prefixes
 * or remaining work gets them, whatever the pool's lifecycle); the deployment's one implementation
 * is {@code deployment.ReplicaView}. The choices the built-in routers make from those answers
 * ({@link #leastOutstanding} and the others) are default scans, which a view may answer from an
 * index instead, with the same result.
 */
public interface ClusterView {

    int size();

    /** Requests routed to replica {@code i} and not yet finished (waiting + running). */
    int outstanding(int i);

    /** Fraction of replica {@code i}'s KV blocks in use. */
    double kvUtilization(int i);

    /** Leading prompt tokens of {@code r} cached on replica {@code i} now (0 without prefix caching). */
    int cachedPrefixTokens(int i, io.simfaasinfer.request.Request r);

    /**
     * Work outstanding at replica {@code i}: remaining prefill plus remaining output tokens of its
     * unfinished requests.
     */
    long remainingWork(int i);

    // The choices the built-in routers make, each answered by a scan here; a view that indexes its
    // replicas' load (the entry stage's view of always-on pools) answers them in O(log n), with the
    // same result, ties included.

    /** The replica with the fewest {@link #outstanding} requests; the lowest index among equals. */
    default int leastOutstanding() {
        int best = 0;
        for (int i = 1; i < size(); i++) {
            if (outstanding(i) < outstanding(best)) {
                best = i;
            }
        }
        return best;
    }

    /** The most {@link #outstanding} requests of any replica. */
    default int mostOutstanding() {
        int max = outstanding(0);
        for (int i = 1; i < size(); i++) {
            max = Math.max(max, outstanding(i));
        }
        return max;
    }

    /**
     * The replica with the lowest {@link #kvUtilization}, among equals the one with the fewest
     * {@link #outstanding} requests, then the lowest index.
     */
    default int leastKvUtilization() {
        int best = 0;
        for (int i = 1; i < size(); i++) {
            double u = kvUtilization(i);
            double b = kvUtilization(best);
            if (u < b || (u == b && outstanding(i) < outstanding(best))) {
                best = i;
            }
        }
        return best;
    }

    /** The replica with the least {@link #remainingWork}; the lowest index among equals. */
    default int leastRemainingWork() {
        int best = 0;
        long bestWork = remainingWork(0);
        for (int i = 1; i < size(); i++) {
            long w = remainingWork(i);
            if (w < bestWork) {
                best = i;
                bestWork = w;
            }
        }
        return best;
    }
}
