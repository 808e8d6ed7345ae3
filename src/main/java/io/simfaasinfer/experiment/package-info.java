/**
 * Experiments: parameter sweeps over a base configuration ({@link io.simfaasinfer.experiment.SweepGrid}),
 * run in parallel ({@link io.simfaasinfer.experiment.SweepRunner}) into an embedded DuckDB results
 * database ({@link io.simfaasinfer.experiment.ResultsDb}: one row per point, committed as each finishes,
 * so a sweep killed at any moment resumes where it stopped), and exported as CSV, Parquet or JSON.
 * See docs/experiments.md.
 */
package io.simfaasinfer.experiment;
