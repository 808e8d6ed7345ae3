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
 */
public record SchedulerConfig(String name, int maxNumSeqs, int maxNumBatchedTokens,
                              double watermark, Map<String, Object> options) {

    public SchedulerConfig withMaxNumBatchedTokens(int tokens) {
        return new SchedulerConfig(name, maxNumSeqs, tokens, watermark, options);
    }
}
