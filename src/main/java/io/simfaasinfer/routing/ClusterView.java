package io.simfaasinfer.routing;

/** Read-only load of every replica, as a router sees it. */
public interface ClusterView {

    int size();

    /** Requests routed to replica {@code i} and not yet finished (waiting + running). */
    int outstanding(int i);

    /** Fraction of replica {@code i}'s KV blocks in use. */
    double kvUtilization(int i);

    /** Leading prompt tokens of {@code r} cached on replica {@code i} now (0 without prefix caching). */
    default int cachedPrefixTokens(int i, io.simfaasinfer.request.Request r) {
        return 0;
    }

    /**
     * Work outstanding at replica {@code i}: remaining prefill plus remaining output tokens of its
     * unfinished requests (the default, for views that do not know it, is {@link #outstanding}).
     */
    default long remainingWork(int i) {
        return outstanding(i);
    }
}
