package org.example.simfaasinfer.plugin;

import io.simfaasinfer.scheduler.Scheduler;
import io.simfaasinfer.scheduler.SchedulerContext;
import io.simfaasinfer.scheduler.SchedulerFactory;

/** Registers {@link SerialScheduler} as {@code scheduler.name: serial} (see META-INF/services). */
public final class SerialSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "serial";
    }

    @Override
    public String description() {
        return "example plug-in: no batching, one request at a time";
    }

    @Override
    public Scheduler create(SchedulerContext ctx) {
        return new SerialScheduler(ctx);
    }
}
