/**
 * Reading real request traces: streaming readers of the Azure LLM inference (2023/2024),
 * Mooncake (FAST'25), BurstGPT and Vidur/Splitwise formats and of generic CSV/JSON/JSONL files
 * with a column mapping ({@link io.simfaasinfer.workload.trace.TraceFormats}), one row at a time
 * ({@link io.simfaasinfer.workload.trace.TraceRow}). Readers hold one row at a time, so a trace of
 * any length is read in constant memory; a malformed row is a one-line error naming the file, line
 * and field, or is skipped, counted and reported. A trace's bytes
 * ({@link io.simfaasinfer.workload.trace.TraceInput}) are read once through a buffer that recognises
 * gzip, a byte-order mark and binary data; a pipe (FIFO, {@code <(...)}) is read into memory once,
 * since it cannot be reopened. A {@link io.simfaasinfer.workload.trace.TraceCache} keeps a file's rows
 * ({@link io.simfaasinfer.workload.trace.TraceTable}) for the many simulations of one caller, replayed
 * as a {@link io.simfaasinfer.workload.trace.RowSource} like the reader. This package knows nothing of requests: the workload package above it
 * turns rows into requests (its {@code TraceSource}, {@code TraceSessions}, {@code TraceStats}).
 */
package io.simfaasinfer.workload.trace;
