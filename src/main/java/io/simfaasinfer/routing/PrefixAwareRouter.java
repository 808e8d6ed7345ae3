package io.simfaasinfer.routing;

import io.simfaasinfer.request.Request;

/**
 * Cache-aware routing (after SGLang's cache-aware router and llm-d's prefix scorer): a request goes
 * to the replica holding the longest cached prefix of its prompt, balanced against load.
 *
 * <ol>
 *   <li>If the load is imbalanced (the busiest replica has more than {@value #BALANCE_ABS} outstanding
 *       requests above the idlest and more than {@value #BALANCE_REL} times as many), or the
 *       request carries no block hashes, it goes to the least-loaded replica.</li>
 *   <li>Otherwise, if some replica has at least {@value #MIN_MATCH} of the prompt cached, it goes to
 *       the replica with the longest cached prefix (ties: fewer outstanding requests, then lower
 *       index).</li>
 *   <li>Otherwise (a new prefix) to the least-loaded replica.</li>
 * </ol>
 * Without {@code cluster.prefix_caching} nothing is cached and it behaves as {@code least_outstanding}.
 */
public final class PrefixAwareRouter implements Router {

    /** Absolute imbalance (outstanding requests) above which load wins over cache affinity. */
    public static final int BALANCE_ABS = 16;
    /** Relative imbalance above which (with {@link #BALANCE_ABS}) load wins over cache affinity. */
    public static final double BALANCE_REL = 1.5;
    /** Fraction of the prompt that must be cached for affinity to count. */
    public static final double MIN_MATCH = 0.25;

    @Override
    public int route(Request r, ClusterView view, long now) {
        int n = view.size();
        int least = view.leastOutstanding();
        int max = view.mostOutstanding();
        int min = view.outstanding(least);
        if (r.blockHashes() == null || (max - min > BALANCE_ABS && max > BALANCE_REL * min)) {
            return least;
        }
        int best = -1;
        int bestTokens = 0;
        for (int i = 0; i < n; i++) {
            int t = view.cachedPrefixTokens(i, r);
            if (t > bestTokens || (t == bestTokens && best >= 0 && view.outstanding(i) < view.outstanding(best))) {
                if (t > 0) {
                    best = i;
                    bestTokens = t;
                }
            }
        }
        return best >= 0 && bestTokens >= MIN_MATCH * r.promptTokens() ? best : least;
    }
}
