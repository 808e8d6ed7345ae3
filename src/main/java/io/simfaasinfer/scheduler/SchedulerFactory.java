package io.simfaasinfer.scheduler;

import io.simfaasinfer.spi.NamedFactory;

/**
 * Creates one replica's scheduler; register implementations through {@link java.util.ServiceLoader}.
 * Its {@link #settings()} are keys of the {@code scheduler} section (a plug-in's own under
 * {@code options.}); its {@link #capabilities()} name what it models from this family's list below.
 */
public interface SchedulerFactory extends NamedFactory {

    /** Capability: models {@code cluster.prefix_caching} (allocates KV as the prefill proceeds). */
    String PREFIX_CACHING = "prefix_caching";

    /** Capability: prefills whole prompts in one iteration, so its token budget must hold the context. */
    String WHOLE_PROMPTS = "whole_prompts";

    /** Capability: may preempt running requests when KV runs out (recompute); without it, never preempts. */
    String PREEMPTION = "preemption";

    /** Capability: splits long prompts into chunks that share iterations with decodes. */
    String CHUNKED_PREFILL = "chunked_prefill";

    Scheduler create(SchedulerContext ctx);
}
