package io.simfaasinfer.spi;

import io.simfaasinfer.routing.Router;
import io.simfaasinfer.routing.RouterFactory;
import org.apache.commons.rng.UniformRandomProvider;

/** A test-scope plug-in, registered in src/test/resources/META-INF/services: everything to the last replica. */
public final class TestLastReplicaRouterFactory implements RouterFactory {

    @Override
    public String name() {
        return "test-last-replica";
    }

    @Override
    public String description() {
        return "always the last replica (test plug-in)";
    }

    @Override
    public Router create(UniformRandomProvider rng) {
        return (r, view, now) -> view.size() - 1;
    }
}
