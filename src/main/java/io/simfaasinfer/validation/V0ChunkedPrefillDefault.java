package io.simfaasinfer.validation;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.ConfigWarning;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.config.SimulatorConfig;

import java.util.List;
import java.util.Optional;

/**
 * vLLM V0's chunked-prefill default for long-context models, applied with the {@code vllm} engine preset.
 *
 * <p>vLLM V0 (0.5.x to 0.6.x, {@code EngineArgs.create_engine_config} in vllm/engine/arg_utils.py)
 * leaves {@code --enable-chunked-prefill} unset by default and then turns it on when
 * {@code max_model_len > 32768} ({@code use_long_context}) on a CUDA GPU, unless the model has a
 * sliding window or state-space (sequence-length-agnostic) layers, or speculative decoding, LoRA, a
 * prompt adapter or (0.6.2 and later) prefix caching is enabled, logging "Chunked prefill is enabled by
 * default for models with max_model_len &gt; 32K". With chunked prefill on and
 * {@code --max-num-batched-tokens} unset, {@code SchedulerConfig} (vllm/config.py) sets the per-step token
 * budget to 512 ("Chunked prefill is enabled with max_num_batched_tokens=512"); its V0 scheduler
 * ({@code _schedule_chunked_prefill}, vllm/core/scheduler.py) then batches the running decodes first and
 * fills the rest of the budget with prefill chunks: the {@code sarathi} policy here, its
 * {@code chunk_size} being that budget.
 *
 * <p>Applied when {@code predictor.engine} is {@code vllm} (the preset describes late-2024 V0), the
 * user did not choose the scheduler ({@code scheduler.name} unset: the default {@code vllm}, whole-prompt
 * prefills, stands for vLLM's own default, so choosing {@code vllm} explicitly is choosing
 * {@code --enable-chunked-prefill=False}), the catalog's {@code max_model_len} of the model is above
 * 32768, prefix caching is off, multi-step scheduling is not asked for ({@code num_scheduler_steps} 1) and
 * there is no {@code deployment} section (pools choose their own schedulers). The scheduler becomes
 * {@code sarathi} with {@code chunk_size} and {@code max_num_batched_tokens} 512 (or the budget the user
 * set), and a warning says so. Everything else is left exactly as it was.
 */
final class V0ChunkedPrefillDefault {

    /** vLLM's {@code use_long_context}: {@code max_model_len > 32768}. */
    static final int LONG_CONTEXT = 32768;
    /** vLLM V0's default {@code max_num_batched_tokens} with chunked prefill. */
    static final int CHUNKED_BUDGET = 512;

    private V0ChunkedPrefillDefault() {
    }

    /** {@code loaded} with the default applied where it applies, and its warning added to {@code notes}. */
    static ConfigLoader.Loaded apply(ConfigLoader.Loaded loaded, Catalog catalog, List<ConfigWarning> notes) {
        SimulatorConfig c = loaded.config();
        SchedulerConfig s = c.scheduler();
        if (c.predictor() == null || !"vllm".equals(c.predictor().engine()) || s == null || !"vllm".equals(s.name())
                || userSet(loaded, "scheduler.name") || c.deployment() != null || s.numSchedulerSteps() > 1
                || c.cluster() == null || c.cluster().prefixCaching() || c.model() == null) {
            return loaded;
        }
        Optional<ModelSpec> model = catalog.findModel(c.model().name());
        if (model.isEmpty() || model.get().maxModelLen() <= LONG_CONTEXT) {
            return loaded;
        }
        boolean budgetSet = userSet(loaded, "scheduler.max_num_batched_tokens") && s.maxNumBatchedTokens() > 0;
        int budget = budgetSet ? s.maxNumBatchedTokens() : CHUNKED_BUDGET;
        SchedulerConfig chunked = new SchedulerConfig("sarathi", s.maxNumSeqs(), budget, s.watermark(), s.options(),
                budget, s.localPolicy(), s.milpNodeLimit(), s.milpTimeLimitMs(), s.milpMaxCandidates(),
                s.longPrefillTokenThreshold(), s.ftPadding(), s.numSchedulerSteps());
        notes.add(new ConfigWarning("scheduler.name", "predictor.engine vllm", String.format(
                "is sarathi (chunked prefill, %d-token budget per step): vLLM V0 enables chunked prefill by default"
                        + " for models with max_model_len > 32K (%s: %d); set --scheduler vllm for whole-prompt"
                        + " prefills (--enable-chunked-prefill=False)", budget, model.get().name(),
                model.get().maxModelLen())));
        return loaded.withConfig(new SimulatorConfig(c.simulation(), c.workload(), c.model(), c.cluster(), chunked,
                c.predictor(), c.catalog(), c.serverless(), c.deployment(), c.slo()));
    }

    /** Whether the user set {@code key} or a section above it. */
    private static boolean userSet(ConfigLoader.Loaded loaded, String key) {
        for (String k = key; ; k = k.substring(0, k.lastIndexOf('.'))) {
            if (loaded.userKeys().contains(k)) {
                return true;
            }
            if (k.indexOf('.') < 0) {
                return false;
            }
        }
    }
}
