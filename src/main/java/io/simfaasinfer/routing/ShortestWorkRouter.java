package io.simfaasinfer.routing;

import io.simfaasinfer.request.Request;

/**
 * Shortest expected work ({@code shortest_work}): the replica whose outstanding requests have the
 * fewest tokens left to process, counting remaining prefill tokens plus remaining output tokens
 * ({@link ClusterView#remainingWork}); ties go to the lowest index. Unlike least-outstanding it
 * tells a replica holding a few long requests from one holding many short ones.
 */
public final class ShortestWorkRouter implements Router {

    @Override
    public int route(Request r, ClusterView view, long now) {
        return view.leastRemainingWork();
    }
}
