/**
 * Built-in and user-extensible catalogs of model architectures ({@link io.simfaasinfer.catalog.ModelSpec})
 * and accelerator datasheets with prices ({@link io.simfaasinfer.catalog.GpuSpec}), loaded from
 * validated YAML/JSON by {@link io.simfaasinfer.catalog.Catalog}; every cost and capacity figure the
 * simulator uses starts here. {@link io.simfaasinfer.catalog.Dtype} and
 * {@link io.simfaasinfer.catalog.ModelSpec#withDtypes} give a model's served number formats (fp8 weights, fp8 KV cache);
 * {@link io.simfaasinfer.catalog.StageLayout} splits a model's layers into pipeline stages as vLLM does.
 */
package io.simfaasinfer.catalog;
