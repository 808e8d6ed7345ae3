package io.simfaasinfer.routing;

import io.simfaasinfer.request.Request;

/**
 * Global policy: which replica serves a request. A decision depends only on the request, the
 * read-only cluster view and the router's own state (e.g. a round-robin cursor or its random
 * stream), so a router can be tested without an engine.
 */
public interface Router {

    /** Index of the chosen replica, in [0, view.size()). */
    int route(Request r, ClusterView view, long now);
}
