/**
 * Measurement: request counters, streaming latency histograms, per-request records and the typed simulation result.
 */
package io.simfaasinfer.metrics;
