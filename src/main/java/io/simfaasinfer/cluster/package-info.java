/**
 * Replicas: TP groups of GPUs that run one scheduler over one KV cache, one iteration at a time, or
 * (pipeline parallelism) PP stages of TP groups running up to PP batches at once through their
 * {@link io.simfaasinfer.pipeline.Pipeline}; with their utilisation counters.
 */
package io.simfaasinfer.cluster;
