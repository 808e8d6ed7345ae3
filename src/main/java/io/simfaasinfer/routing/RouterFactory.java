package io.simfaasinfer.routing;

import io.simfaasinfer.spi.NamedFactory;
import org.apache.commons.rng.UniformRandomProvider;

/** Creates a router for one simulation; register implementations through {@link java.util.ServiceLoader}. */
public interface RouterFactory extends NamedFactory {

    /** A new router; {@code rng} is the simulation's routing stream. */
    Router create(UniformRandomProvider rng);
}
