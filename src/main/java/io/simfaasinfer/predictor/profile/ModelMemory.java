package io.simfaasinfer.predictor.profile;

import java.util.Map;

/**
 * Contents of a FaaSInfer {@code model_memory.json} (optional file).
 *
 * @param modelParams           {@code model_params}, parameter count
 * @param kvCachePerTokenBytes  {@code kv_cache_per_token_bytes}, all layers, K and V
 * @param totalModelMemoryGb    {@code total_model_memory_gb} (NaN when absent)
 * @param architecture          {@code architecture}: integer fields such as {@code hidden_size},
 *                              {@code num_layers}, {@code num_heads}, {@code num_kv_heads},
 *                              {@code intermediate_size}, {@code vocab_size}
 */
public record ModelMemory(
        long modelParams,
        long kvCachePerTokenBytes,
        double totalModelMemoryGb,
        Map<String, Long> architecture) {

    public ModelMemory {
        architecture = Map.copyOf(architecture);
    }
}
