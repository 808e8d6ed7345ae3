/**
 * Profile-driven execution time prediction.
 *
 * <ul>
 *   <li>{@link io.simfaasinfer.predictor.profile.FaaSInferProfile}: reads and validates a FaaSInfer
 *       profile ({@code fitted_profile.json}, {@code metadata.json}, optional
 *       {@code model_memory.json}); problems are reported as one-line
 *       {@link io.simfaasinfer.predictor.profile.ProfileException}s naming file, entry and field.</li>
 *   <li>{@link io.simfaasinfer.predictor.profile.ProfilePredictor}: a small physically shaped model
 *       (token-proportional GEMMs with a memory-bound floor, prefill attention over causal pairs,
 *       decode attention over KV reads, per-sequence and fixed parts) fitted by non-negative least
 *       squares ({@link io.simfaasinfer.predictor.profile.ProfileFitter}); predicts any batch,
 *       monotone and never negative.</li>
 *   <li>{@link io.simfaasinfer.predictor.profile.LeaveOneOut} /
 *       {@link io.simfaasinfer.predictor.profile.FitReport}: per-point in-sample and leave-one-out
 *       fidelity.</li>
 *   <li>{@link io.simfaasinfer.predictor.profile.RooflineCalibrator}: fits the roofline's
 *       efficiencies and overheads of a GPU from profiles of other models, transferable to sibling
 *       GPUs.</li>
 *   <li>{@link io.simfaasinfer.predictor.profile.BuiltinProfiles}: measured profiles shipped in the jar.</li>
 *   <li>{@link io.simfaasinfer.predictor.profile.PredictorFactory}: the predictor a configuration asks for
 *       (a profile, a calibrated roofline, the plain roofline; an engine preset and telemetry on top),
 *       with notes of how it was made. It sits here, above the predictor package, because it chooses
 *       among profile-driven predictors and the roofline alike.</li>
 *   <li>{@link io.simfaasinfer.predictor.profile.TelemetryCalibration}: scales any predictor to
 *       production samples ({@link io.simfaasinfer.predictor.profile.TelemetrySamples}), giving a
 *       {@link io.simfaasinfer.predictor.profile.ScaledPredictor}. Unknown fields are refused with
 *       a "did you mean" ({@link io.simfaasinfer.predictor.profile.Keys}).</li>
 * </ul>
 * See {@code docs/predictors.md} for the model forms and measured fidelity.
 */
package io.simfaasinfer.predictor.profile;
