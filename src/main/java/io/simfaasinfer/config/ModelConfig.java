package io.simfaasinfer.config;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.Dtype;
import io.simfaasinfer.catalog.ModelSpec;

/**
 * The model served, and the number formats it is served in.
 *
 * @param name         catalog name, e.g. {@code llama-2-7b}
 * @param dtype        weights: {@code auto} (the catalog's {@code bytes_per_param}: bf16 for every
 *                     built-in model), {@code bf16}, {@code fp16} or {@code fp8} (the decoder layers'
 *                     linear weights in fp8 with fp8 GEMMs, as vLLM's {@code --quantization fp8});
 *                     null reads as auto
 * @param kvCacheDtype the KV cache, as vLLM's {@code --kv-cache-dtype}: {@code auto} (the activations'
 *                     format: 16-bit, also with fp8 weights), {@code bf16}, {@code fp16} or {@code fp8};
 *                     null reads as auto
 */
public record ModelConfig(String name, String dtype, String kvCacheDtype) {

    /** {@code name} served as catalogued. */
    public ModelConfig(String name) {
        this(name, "auto", "auto");
    }

    /** The catalog's model with this configuration's dtypes applied (validated names). */
    public ModelSpec spec(Catalog catalog) {
        return catalog.model(name).withDtypes(Dtype.parse(dtype).orElse(null), Dtype.parse(kvCacheDtype).orElse(null));
    }
}
