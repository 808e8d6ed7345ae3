package io.simfaasinfer.scheduler;

import io.simfaasinfer.spi.Registry;
import io.simfaasinfer.spi.Setting;
import io.simfaasinfer.spi.SettingException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The built-in batching policies and the registry that also holds plug-in ones. Each declares the
 * {@code scheduler.*} settings it reads beyond the common ones ({@code max_num_seqs},
 * {@code max_num_batched_tokens}, {@code local_policy}), what it supports, and its own checks.
 */
public final class Schedulers {

    private Schedulers() {
    }

    private static final Setting WATERMARK = Setting.number("watermark", 0.01, 0, 0.999999,
            "fraction of KV blocks kept free when admitting prefills");
    private static final Setting CHUNK_SIZE = Setting.integer("chunk_size", 512, 1, Integer.MAX_VALUE,
            "token budget per iteration (decodes + prefill chunks)");
    private static final Setting LONG_PREFILL = Setting.integer("long_prefill_token_threshold", 0, 0,
            Integer.MAX_VALUE, "most prefill tokens of one request per step; 0 = no cap");
    /** vLLM 0.6's {@code --num-scheduler-steps}; vLLM sets no upper bound, 256 (the default max_num_seqs) is a sane one. */
    public static final int MAX_SCHEDULER_STEPS = 256;
    private static final Setting NUM_SCHEDULER_STEPS = Setting.integer("num_scheduler_steps", 1, 1, MAX_SCHEDULER_STEPS,
            "decode steps per scheduling decision (multi-step scheduling); tokens reach the client in bursts of this many");
    private static final Setting FT_PADDING = Setting.flag("ft_padding", true,
            "pad prompts to the batch's longest and step finished sequences to the batch's end; false = lower bound");

    private record Builtin(String name, String description, Function<SchedulerContext, Scheduler> make,
                           List<Setting> settings, Set<String> capabilities, Consumer<Map<String, Object>> checks)
            implements SchedulerFactory {
        @Override
        public Scheduler create(SchedulerContext ctx) {
            return make.apply(ctx);
        }

        @Override
        public void check(Map<String, Object> settings) {
            checks.accept(settings);
        }
    }

    private static final Consumer<Map<String, Object>> NONE = s -> { };

    /** Sarathi's chunk must fit the token budget the activation memory is sized for. */
    private static void chunkWithinBudget(Map<String, Object> s) {
        int chunk = ((Number) s.get("chunk_size")).intValue();
        int budget = ((Number) s.get("max_num_batched_tokens")).intValue();
        if (chunk > budget) {
            throw new SettingException("chunk_size", chunk + " exceeds max_num_batched_tokens " + budget
                    + ", the token count the activation memory is sized for; lower it or raise max_num_batched_tokens");
        }
    }

    /**
     * The registry: built once per JVM (it is immutable, and the class path it reads does not change),
     * so validating a configuration does not scan the class path for plug-ins again.
     */
    public static Registry<SchedulerFactory> registry() {
        return RegistryHolder.REGISTRY;
    }

    /** Initialised on first use (the holder idiom: thread-safe, no lock after). */
    private static final class RegistryHolder {
        static final Registry<SchedulerFactory> REGISTRY = build();
    }

    private static Registry<SchedulerFactory> build() {
        Set<String> chunked = Set.of(SchedulerFactory.PREFIX_CACHING, SchedulerFactory.PREEMPTION,
                SchedulerFactory.CHUNKED_PREFILL);
        return new Registry<>("scheduler", SchedulerFactory.class, List.of(
                new Builtin("vllm", "vLLM v0: prefill-first continuous batching, recompute preemption",
                        VllmScheduler::new, List.of(WATERMARK, NUM_SCHEDULER_STEPS),
                        Set.of(SchedulerFactory.PREFIX_CACHING, SchedulerFactory.WHOLE_PROMPTS, SchedulerFactory.PREEMPTION),
                        NONE),
                new Builtin("orca", "Orca: iteration-level batching of whole prompts with decodes, max KV reserved,"
                        + " no preemption", OrcaScheduler::new, List.of(), Set.of(), NONE),
                new Builtin("sarathi", "Sarathi-Serve: stall-free batching with chunked prefills (chunk_size)",
                        SarathiScheduler::new, List.of(WATERMARK, CHUNK_SIZE), chunked,
                        Schedulers::chunkWithinBudget),
                new Builtin("faster-transformer", "FasterTransformer: static batching, a batch runs until all of"
                        + " it finishes", FasterTransformerScheduler::new, List.of(FT_PADDING), Set.of(), NONE),
                new Builtin("ft", "alias of faster-transformer", FasterTransformerScheduler::new, List.of(FT_PADDING),
                        Set.of(), NONE),
                new Builtin("vllm-v1", "vLLM v1: one token budget per step, running first, chunked prefill,"
                        + " recompute preemption", VllmV1Scheduler::new, List.of(LONG_PREFILL), chunked, NONE),
                new Builtin("lightllm", "LightLLM: admission by projected peak KV of the running requests,"
                        + " no preemption", LightLlmScheduler::new, List.of(), Set.of(), NONE)));
    }
}
