package io.simfaasinfer.scheduler;

import io.simfaasinfer.spi.NamedFactory;

/** Creates one replica's scheduler; register implementations through {@link java.util.ServiceLoader}. */
public interface SchedulerFactory extends NamedFactory {

    Scheduler create(SchedulerContext ctx);
}
