/**
 * Rendering results: JSON (atomic writes), the terminal summary and the per-request CSV.
 */
package io.simfaasinfer.report;
