/**
 * Per-replica batching policies (vLLM and others): waiting and running queues, iteration batches, KV allocation and preemption.
 */
package io.simfaasinfer.scheduler;
