package io.simfaasinfer.routing;

import io.simfaasinfer.request.Request;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Power of two choices ({@code power_of_two}, Mitzenmacher 2001): sample two distinct replicas
 * uniformly from the simulation's routing stream and send the request to the one with fewer
 * outstanding requests (the first sampled on a tie). Near least-outstanding balance with O(1)
 * probes; with one replica it always picks it.
 */
public final class PowerOfTwoRouter implements Router {

    private final UniformRandomProvider rng;

    public PowerOfTwoRouter(UniformRandomProvider rng) {
        this.rng = rng;
    }

    @Override
    public int route(Request r, ClusterView view, long now) {
        int n = view.size();
        if (n == 1) {
            return 0;
        }
        int a = rng.nextInt(n);
        int b = rng.nextInt(n - 1);
        if (b >= a) {
            b++; // uniform over the other n - 1 replicas
        }
        return view.outstanding(b) < view.outstanding(a) ? b : a;
    }
}
