/**
 * Replay of real request traces: streaming readers of the Azure LLM inference (2023/2024),
 * Mooncake (FAST'25), BurstGPT and Vidur/Splitwise formats and of generic CSV/JSON/JSONL files
 * with a column mapping ({@link io.simfaasinfer.workload.trace.TraceFormats}), the transforms of
 * {@code workload.trace} applied while replaying ({@link io.simfaasinfer.workload.trace.TraceSource}),
 * conversations of traces with a session column turned into prefix hashes in bounded memory
 * ({@link io.simfaasinfer.workload.trace.TraceSessions}), and summary statistics and plots of a
 * trace ({@link io.simfaasinfer.workload.trace.TraceStats}).
 * Readers hold one row at a time, so a trace of any length replays in constant memory; a malformed
 * row is a one-line error naming the file, line and field, or is skipped, counted and reported.
 * A trace's bytes ({@link io.simfaasinfer.workload.trace.TraceInput}) are read once through a buffer
 * that recognises gzip, a byte-order mark and binary data; a pipe (FIFO, {@code <(...)}) is read
 * into memory once, since it cannot be reopened.
 */
package io.simfaasinfer.workload.trace;
