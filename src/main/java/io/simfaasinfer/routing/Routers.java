package io.simfaasinfer.routing;

import io.simfaasinfer.spi.Registry;
import org.apache.commons.rng.UniformRandomProvider;

import java.util.List;
import java.util.function.Function;

/** The built-in routers and the registry that also holds plug-in ones. */
public final class Routers {

    private Routers() {
    }

    /** Cycles through replicas in index order. */
    public static final class RoundRobin implements Router {
        private int next;

        @Override
        public int route(io.simfaasinfer.request.Request r, ClusterView view, long now) {
            int i = next % view.size();
            next = i + 1;
            return i;
        }
    }

    /** Uniformly random replica from the simulation's routing stream. */
    public static final class RandomChoice implements Router {
        private final UniformRandomProvider rng;

        public RandomChoice(UniformRandomProvider rng) {
            this.rng = rng;
        }

        @Override
        public int route(io.simfaasinfer.request.Request r, ClusterView view, long now) {
            return rng.nextInt(view.size());
        }
    }

    /** Replica with the fewest outstanding requests; ties go to the lowest index. */
    public static final class LeastOutstanding implements Router {
        @Override
        public int route(io.simfaasinfer.request.Request r, ClusterView view, long now) {
            return view.leastOutstanding();
        }
    }

    private record Builtin(String name, String description, Function<UniformRandomProvider, Router> make)
            implements RouterFactory {
        @Override
        public Router create(UniformRandomProvider rng) {
            return make.apply(rng);
        }
    }

    /**
     * The built-ins plus those found on the class path. The registry: built once per JVM (it is immutable, and the class path it reads does not change),
     * so validating a configuration does not scan the class path for plug-ins again.
     */
    public static Registry<RouterFactory> registry() {
        return RegistryHolder.REGISTRY;
    }

    /** Initialised on first use (the holder idiom: thread-safe, no lock after). */
    private static final class RegistryHolder {
        static final Registry<RouterFactory> REGISTRY = build();
    }

    private static Registry<RouterFactory> build() {
        return new Registry<>("router", RouterFactory.class, List.of(
                new Builtin("round_robin", "replicas in turn", rng -> new RoundRobin()),
                new Builtin("random", "a uniformly random replica", RandomChoice::new),
                new Builtin("least_outstanding", "the replica with the fewest unfinished requests",
                        rng -> new LeastOutstanding()),
                new Builtin("lowest_load", "alias of least_outstanding (LLM-Serving-Simulator's name)",
                        rng -> new LeastOutstanding()),
                new Builtin("least_kv", "the replica with the lowest KV-cache utilisation", rng -> new LeastKvRouter()),
                new Builtin("power_of_two", "the less loaded of two random replicas", PowerOfTwoRouter::new),
                new Builtin("shortest_work", "the replica with the fewest remaining prefill + output tokens",
                        rng -> new ShortestWorkRouter()),
                new Builtin("shortest", "alias of shortest_work", rng -> new ShortestWorkRouter()),
                new Builtin("prefix_aware", "the replica with the longest cached prompt prefix, balanced against load",
                        rng -> new PrefixAwareRouter())));
    }
}
