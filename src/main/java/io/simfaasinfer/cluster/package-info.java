/**
 * Replicas: TP groups of GPUs that run one scheduler over one KV cache, one iteration at a time, with their utilisation counters.
 */
package io.simfaasinfer.cluster;
