package io.simfaasinfer.scheduler;

import io.simfaasinfer.spi.Registry;

import java.util.List;
import java.util.function.Function;

/** The built-in batching policies and the registry that also holds plug-in ones. */
public final class Schedulers {

    private Schedulers() {
    }

    private record Builtin(String name, String description, Function<SchedulerContext, Scheduler> make)
            implements SchedulerFactory {
        @Override
        public Scheduler create(SchedulerContext ctx) {
            return make.apply(ctx);
        }
    }

    public static Registry<SchedulerFactory> registry() {
        return new Registry<>("scheduler", SchedulerFactory.class, List.of(
                new Builtin("vllm", "vLLM v0: prefill-first continuous batching, recompute preemption",
                        VllmScheduler::new)));
    }
}
