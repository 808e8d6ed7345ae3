/**
 * Pipeline parallelism: how a model's layers split into stages ({@link io.simfaasinfer.catalog.StageLayout},
 * vLLM's rule), the time of each stage and of the activation sends between them
 * ({@link io.simfaasinfer.pipeline.StageTimes}), and a replica's pipeline at run time
 * ({@link io.simfaasinfer.pipeline.Pipeline}: stages as FIFO resources, {@code pp} virtual engines
 * ({@link io.simfaasinfer.pipeline.VirtualEngines}) each with at most one batch in flight). See docs/parallelism.md.
 */
package io.simfaasinfer.pipeline;
