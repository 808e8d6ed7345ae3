package io.simfaasinfer.config;

import java.util.List;

/**
 * Iteration-time prediction.
 *
 * @param kind               {@code auto} (a given profile, else calibration profiles, else a built-in
 *                           profile of the model on the GPU, else the roofline), {@code profile},
 *                           {@code calibrated} or {@code roofline}
 * @param profile            FaaSInfer profile directory or fitted_profile.json of this model on this GPU
 * @param calibrateFrom      profiles of other models on this GPU (or a sibling of the same architecture)
 *                           that calibrate the roofline's efficiencies
 * @param telemetry          production samples that rescale whatever predictor was chosen
 * @param telemetryOffset    also fit an additive offset (not just a scale) to the telemetry
 * @param computeEfficiency  roofline: fraction of peak FLOP/s reached
 * @param memoryEfficiency   roofline: fraction of memory bandwidth reached
 * @param commEfficiency     roofline: fraction of interconnect bandwidth reached
 * @param overheadMs         roofline: fixed cost per iteration, ms
 * @param perLayerOverheadUs roofline: fixed cost per layer per iteration, us
 * @param engine             serving engine preset: {@code none} (default), {@code vllm}, {@code sglang},
 *                           {@code trtllm} (kernel efficiencies, host overheads, CUDA graphs)
 * @param apiIngressMs       per-request API overhead before the scheduler sees a request (HTTP,
 *                           tokenisation), ms; null: the engine preset's (0 without an engine)
 * @param apiEgressMs        per-request API overhead after the engine's output until the client has it
 *                           (detokenisation, streaming), ms, added to TTFT and E2E; null: the preset's
 * @param asyncOutputProc    the engine processes a step's outputs during the next step, so the client gets
 *                           them one engine step late (vLLM V0's asynchronous output processing, 0.6+;
 *                           {@code --disable-async-output-proc} = false); null: the preset's (on for vllm)
 */
public record PredictorConfig(String kind, String profile, List<String> calibrateFrom, String telemetry,
                              boolean telemetryOffset, double computeEfficiency, double memoryEfficiency,
                              double commEfficiency, double overheadMs, double perLayerOverheadUs, String engine,
                              Double apiIngressMs, Double apiEgressMs, Boolean asyncOutputProc) {

    /** Without an asynchronous-output override (the engine preset's applies). */
    public PredictorConfig(String kind, String profile, List<String> calibrateFrom, String telemetry,
                           boolean telemetryOffset, double computeEfficiency, double memoryEfficiency,
                           double commEfficiency, double overheadMs, double perLayerOverheadUs, String engine,
                           Double apiIngressMs, Double apiEgressMs) {
        this(kind, profile, calibrateFrom, telemetry, telemetryOffset, computeEfficiency, memoryEfficiency,
                commEfficiency, overheadMs, perLayerOverheadUs, engine, apiIngressMs, apiEgressMs, null);
    }

    /** Without API-overhead overrides (the engine preset's apply). */
    public PredictorConfig(String kind, String profile, List<String> calibrateFrom, String telemetry,
                           boolean telemetryOffset, double computeEfficiency, double memoryEfficiency,
                           double commEfficiency, double overheadMs, double perLayerOverheadUs, String engine) {
        this(kind, profile, calibrateFrom, telemetry, telemetryOffset, computeEfficiency, memoryEfficiency,
                commEfficiency, overheadMs, perLayerOverheadUs, engine, null, null);
    }
}
