package io.simfaasinfer.config;

import java.util.Map;

/**
 * Batching policy of each replica.
 *
 * @param name                registry name of the scheduler ({@code vllm}, ...)
 * @param maxNumSeqs          most sequences in one iteration (alias {@code max_batch_size})
 * @param maxNumBatchedTokens most new tokens in one iteration; 0 = max(model context, 2048) as vLLM does
 * @param watermark           fraction of KV blocks kept free when admitting prefills
 * @param options             extra parameters for schedulers added by plugins
 * @param chunkSize           per-iteration token budget of {@code sarathi} (chunked prefills)
 * @param localPolicy         which waiting request goes next on a replica ({@code fcfs}, {@code sjf}, {@code srpt},
 *                            {@code edf}, {@code milp} or a plug-in name)
 * @param milpNodeLimit       deterministic work budget of one MILP batch selection: branch-and-bound nodes; when it
 *                            runs out, the best selection found (else a greedy EDF one) is admitted
 * @param milpTimeLimitMs     opt-in wall-clock limit of one MILP batch selection, ms; 0 = none (the default: a
 *                            wall-clock limit makes results depend on machine load)
 * @param milpMaxCandidates   waiting requests (earliest deadlines first) the MILP chooses among per iteration
 * @param longPrefillTokenThreshold {@code vllm-v1}: most prefill tokens of one request per step (vLLM's
 *                            {@code long_prefill_token_threshold}); 0 = no cap
 * @param ftPadding           {@code faster-transformer}: cost prompts padded to the batch's longest and finished
 *                            sequences still stepped until the batch ends (true, as FasterTransformer computes);
 *                            false = padding and finished sequences cost nothing (a lower bound)
 * @param numSchedulerSteps   {@code vllm}: decode steps per scheduling decision (vLLM 0.6's
 *                            {@code --num-scheduler-steps}, multi-step scheduling); 1 = every step is scheduled
 */
public record SchedulerConfig(String name, int maxNumSeqs, int maxNumBatchedTokens,
                              double watermark, Map<String, Object> options,
                              int chunkSize,
                              String localPolicy,
                              int milpNodeLimit,
                              double milpTimeLimitMs,
                              int milpMaxCandidates,
                              int longPrefillTokenThreshold,
                              boolean ftPadding,
                              int numSchedulerSteps) {

    /** Branch-and-bound nodes one MILP batch selection may explore (a deterministic work budget). */
    public static final int DEFAULT_MILP_NODE_LIMIT = 2000;


    /**
     * The defaults of the scheduling-policy keys: chunk 512, FCFS, MILP limited to
     * {@value #DEFAULT_MILP_NODE_LIMIT} nodes (no wall-clock limit) over 12 candidates,
     * no long-prefill cap, FasterTransformer padding on, single-step scheduling.
     */
    public SchedulerConfig(String name, int maxNumSeqs, int maxNumBatchedTokens, double watermark,
                           Map<String, Object> options) {
        this(name, maxNumSeqs, maxNumBatchedTokens, watermark, options, 512, "fcfs",
                DEFAULT_MILP_NODE_LIMIT, 0, 12, 0, true, 1);
    }

    /** This configuration with {@code newOptions} as the plug-in options (defaults filled by validation). */
    public SchedulerConfig withOptions(Map<String, Object> newOptions) {
        return new SchedulerConfig(name, maxNumSeqs, maxNumBatchedTokens, watermark, Map.copyOf(newOptions), chunkSize,
                localPolicy, milpNodeLimit, milpTimeLimitMs, milpMaxCandidates, longPrefillTokenThreshold, ftPadding,
                numSchedulerSteps);
    }

    /**
     * The section's values by key, as implementations declare their settings: {@code chunk_size},
     * {@code watermark}, ..., and each plug-in option as {@code options.NAME}.
     */
    public Map<String, Object> values() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", name);
        m.put("max_num_seqs", maxNumSeqs);
        m.put("max_num_batched_tokens", maxNumBatchedTokens);
        m.put("watermark", watermark);
        m.put("chunk_size", chunkSize);
        m.put("local_policy", localPolicy);
        m.put("milp_node_limit", milpNodeLimit);
        m.put("milp_time_limit_ms", milpTimeLimitMs);
        m.put("milp_max_candidates", milpMaxCandidates);
        m.put("long_prefill_token_threshold", longPrefillTokenThreshold);
        m.put("ft_padding", ftPadding);
        m.put("num_scheduler_steps", numSchedulerSteps);
        if (options != null) {
            options.forEach((k, v) -> m.put("options." + k, v));
        }
        return m;
    }

    public SchedulerConfig withMaxNumBatchedTokens(int tokens) {
        return new SchedulerConfig(name, maxNumSeqs, tokens, watermark, options, chunkSize, localPolicy,
                milpNodeLimit, milpTimeLimitMs, milpMaxCandidates, longPrefillTokenThreshold, ftPadding,
                numSchedulerSteps);
    }

    public SchedulerConfig withLocalPolicy(String policy) {
        return new SchedulerConfig(name, maxNumSeqs, maxNumBatchedTokens, watermark, options, chunkSize, policy,
                milpNodeLimit, milpTimeLimitMs, milpMaxCandidates, longPrefillTokenThreshold, ftPadding,
                numSchedulerSteps);
    }
}
