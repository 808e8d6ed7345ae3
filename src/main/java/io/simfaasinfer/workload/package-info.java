/**
 * Where requests come from: arrival processes, token-length distributions and request sources pulled one request at a time;
 * a closed loop of users ({@link io.simfaasinfer.workload.ClosedLoopWorkload}) is a
 * {@link io.simfaasinfer.workload.FeedbackSource}, told of each request that leaves the system.
 */
package io.simfaasinfer.workload;
