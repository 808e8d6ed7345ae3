/**
 * Where requests come from: arrival processes, token-length distributions and request sources pulled one request at a time;
 * a closed loop of users ({@link io.simfaasinfer.workload.ClosedLoopWorkload}) is a
 * {@link io.simfaasinfer.workload.FeedbackSource}, told of each request that leaves the system.
 * Trace replay: {@link io.simfaasinfer.workload.TraceSource} applies the transforms of
 * {@code workload.trace} to the rows the readers of {@code workload.trace} give,
 * {@link io.simfaasinfer.workload.TraceSessions} turns conversations of traces with a session column
 * into prefix hashes in bounded memory, and {@link io.simfaasinfer.workload.TraceStats} summarises a
 * trace.
 */
package io.simfaasinfer.workload;
