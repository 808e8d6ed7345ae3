/**
 * SimFaaSInfer: a discrete-event simulator of LLM inference serving. {@link io.simfaasinfer.Simulator} runs one
 * simulation from a {@link io.simfaasinfer.config.SimulatorConfig} (its deployment built by {@code DeploymentFactory});
 * the sub-packages follow a request from workload to the deployment's pools, routing, scheduling, KV cache, KV
 * transfer, execution-time prediction and metrics; {@code planner} searches deployments with it.
 */
package io.simfaasinfer;
