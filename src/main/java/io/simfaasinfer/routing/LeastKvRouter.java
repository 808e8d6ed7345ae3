package io.simfaasinfer.routing;

import io.simfaasinfer.request.Request;

/**
 * Lowest load by memory ({@code least_kv}): the replica with the lowest KV-cache utilisation;
 * ties (e.g. a burst arriving before any replica has allocated) go to the fewest outstanding
 * requests, then the lowest index.
 */
public final class LeastKvRouter implements Router {

    @Override
    public int route(Request r, ClusterView view, long now) {
        return view.leastKvUtilization();
    }
}
