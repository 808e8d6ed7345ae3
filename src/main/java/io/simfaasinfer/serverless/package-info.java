/**
 * Serverless serving, the serverless lifecycle of a pool ({@link io.simfaasinfer.serverless.ServerlessLifecycle}
 * on the {@code deployment.Lifecycle} seam): function instances (each a replica with its own scheduler and KV cache) with
 * an explicit lifecycle (cold, starting, idle, busy, released), a cold-start model with multi-tier
 * checkpoint loading and host locality, a global queue, pluggable autoscaling policies evaluated as
 * events, billing of instance time, and the metrics of a serverless run (its result section is
 * metrics.ServerlessResult; its summary and plot are rendered by report).
 */
package io.simfaasinfer.serverless;
