/**
 * Iteration-time prediction: the batch-shape contract, the per-component breakdown and the analytical roofline model.
 */
package io.simfaasinfer.predictor;
