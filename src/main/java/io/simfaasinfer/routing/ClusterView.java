package io.simfaasinfer.routing;

/**
 * Read-only load of every replica a router may choose, as it sees it. Every question is abstract,
 * so a view cannot silently answer one with another's figure (a router asking for cached prefixes
 * or remaining work gets them, whatever the pool's lifecycle); the deployment's one implementation
 * is {@code deployment.ReplicaView}.
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
}
