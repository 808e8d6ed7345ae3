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
                        VllmScheduler::new),
                new Builtin("orca", "Orca: iteration-level batching of whole prompts with decodes, max KV reserved,"
                        + " no preemption", OrcaScheduler::new),
                new Builtin("sarathi", "Sarathi-Serve: stall-free batching with chunked prefills (chunk_size)",
                        SarathiScheduler::new),
                new Builtin("faster-transformer", "FasterTransformer: static batching, a batch runs until all of"
                        + " it finishes", FasterTransformerScheduler::new),
                new Builtin("ft", "alias of faster-transformer", FasterTransformerScheduler::new),
                new Builtin("vllm-v1", "vLLM v1: one token budget per step, running first, chunked prefill,"
                        + " recompute preemption", VllmV1Scheduler::new),
                new Builtin("lightllm", "LightLLM: admission by projected peak KV of the running requests,"
                        + " no preemption", LightLlmScheduler::new)));
    }
}
