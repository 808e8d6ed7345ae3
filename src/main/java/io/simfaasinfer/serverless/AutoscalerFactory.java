package io.simfaasinfer.serverless;

import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.spi.NamedFactory;

/** Creates one simulation's autoscaling policy; register implementations through {@link java.util.ServiceLoader}. */
public interface AutoscalerFactory extends NamedFactory {

    /** A new policy for the fleet configured by {@code config} (its {@code autoscaler} section is the typed settings). */
    Autoscaler create(ServerlessConfig config);
}
