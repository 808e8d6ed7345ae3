package io.simfaasinfer.serverless;

import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.spi.Registry;

import java.util.List;
import java.util.function.Function;

/** The built-in autoscaling policies and the registry that also holds plug-in ones. */
public final class Autoscalers {

    private Autoscalers() {
    }

    private record Builtin(String name, String description, Function<ServerlessConfig, Autoscaler> make)
            implements AutoscalerFactory {
        @Override
        public Autoscaler create(ServerlessConfig config) {
            return make.apply(config);
        }
    }

    /**
     * The registry: built once per JVM (it is immutable, and the class path it reads does not change),
     * so validating a configuration does not scan the class path for plug-ins again.
     */
    public static Registry<AutoscalerFactory> registry() {
        return RegistryHolder.REGISTRY;
    }

    /** Initialised on first use (the holder idiom: thread-safe, no lock after). */
    private static final class RegistryHolder {
        static final Registry<AutoscalerFactory> REGISTRY = build();
    }

    private static Registry<AutoscalerFactory> build() {
        return new Registry<>("autoscaler", AutoscalerFactory.class, List.of(
                new Builtin("threshold", "utilisation thresholds with a cooldown (HPA / step scaling)",
                        c -> new ThresholdAutoscaler(c.autoscaler().threshold())),
                new Builtin("concurrency", "target concurrency per instance with stable and panic windows (Knative KPA)",
                        c -> new ConcurrencyAutoscaler(c.autoscaler().concurrency())),
                new Builtin("queue_length", "instances with work plus one per target backlog of waiting requests (KEDA)",
                        c -> new QueueLengthAutoscaler(c.autoscaler().queueLength())),
                new Builtin("scale_to_zero", "an instance per instance_concurrency requests, at once on demand (Lambda)",
                        c -> new ScaleToZeroAutoscaler()),
                new Builtin("predictive", "scales ahead of a linear forecast of the arrival rate",
                        c -> new PredictiveAutoscaler(c.autoscaler().predictive()))));
    }
}
