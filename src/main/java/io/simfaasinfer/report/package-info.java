/**
 * Rendering results: JSON, the terminal summary, the per-request and time-series CSVs, the plots; and
 * writing them safely: {@link io.simfaasinfer.report.OutputSet} checks a run's outputs against its inputs
 * and each other and commits them together, {@link io.simfaasinfer.report.AtomicOutput} writes one file atomically.
 */
package io.simfaasinfer.report;
