/**
 * SimFaaSInfer: a discrete-event simulator of LLM inference serving. {@link io.simfaasinfer.Simulator} runs one
 * simulation from a {@link io.simfaasinfer.config.SimulatorConfig}; the sub-packages follow a request from workload
 * to routing, scheduling, KV cache, execution-time prediction and metrics.
 */
package io.simfaasinfer;
