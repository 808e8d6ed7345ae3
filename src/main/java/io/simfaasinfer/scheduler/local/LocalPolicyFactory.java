package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.spi.NamedFactory;

/** Creates one replica's local policy; register implementations through {@link java.util.ServiceLoader}. */
public interface LocalPolicyFactory extends NamedFactory {

    LocalPolicy create(PolicyContext ctx);
}
