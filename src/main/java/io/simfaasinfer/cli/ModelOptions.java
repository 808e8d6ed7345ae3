package io.simfaasinfer.cli;

import io.simfaasinfer.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The flags that choose what runs and how its iterations are timed: model, GPU, TP degree, weight
 * and KV dtypes, engine preset and predictor (profile, calibration, telemetry). One mixin, shared by
 * the commands that simulate ({@link ConfigOptions}) and those that only predict
 * ({@link PredictorOptions}), so each flag is declared and turned into its key once.
 */
final class ModelOptions {

    @Option(names = "--model", description = "Model name from the catalog (model.name).")
    String model;

    @Option(names = {"--gpu", "--xpu"}, description = "GPU name from the catalog (cluster.gpu).")
    String gpu;

    @Option(names = "--tp", description = "Tensor-parallel degree of a replica (cluster.tp).")
    Integer tp;

    @Option(names = "--dtype", description = "Weights: auto (the catalog's: bf16), bf16, fp16, fp8 (model.dtype).")
    String dtype;

    @Option(names = "--kv-cache-dtype", description = "KV cache: auto (16-bit activations), bf16, fp16, fp8"
            + " (model.kv_cache_dtype).")
    String kvCacheDtype;

    @Option(names = "--engine", description = "Serving engine preset: none, vllm, vllm-0.5, sglang, trtllm (0.5/0.6), trtllm-0.9 (0.8/0.9), trtllm-xqa (XQA for every group): kernel efficiencies,"
            + " host overheads, CUDA graphs (predictor.engine; docs/fidelity.md).")
    String engine;

    @Option(names = "--predictor", description = "Iteration-time predictor: auto, profile, calibrated, roofline (predictor.kind).")
    String predictorKind;

    @Option(names = "--profile", paramLabel = "DIR|FILE", description = "FaaSInfer profile of this model on this GPU (predictor.profile).")
    String profile;

    @Option(names = "--calibrate-from", paramLabel = "DIR[,DIR...]", split = ",",
            description = "Profiles of other models on this (or a sibling) GPU to calibrate the roofline (predictor.calibrate_from).")
    List<String> calibrateFrom;

    @Option(names = "--telemetry", paramLabel = "FILE", description = "Production samples that rescale the prediction (predictor.telemetry).")
    String telemetry;

    /** Appends the overrides these flags make, each labelled by its flag. */
    void addTo(List<ConfigLoader.Override> all) {
        add(all, "--model", "model.name", model);
        add(all, "--gpu", "cluster.gpu", gpu);
        add(all, "--tp", "cluster.tp", tp);
        add(all, "--dtype", "model.dtype", dtype);
        add(all, "--kv-cache-dtype", "model.kv_cache_dtype", kvCacheDtype);
        add(all, "--predictor", "predictor.kind", predictorKind);
        add(all, "--engine", "predictor.engine", engine);
        if (profile != null) {
            all.add(new ConfigLoader.Override("predictor.profile=" + quoted(profile), "--profile " + profile));
        }
        if (calibrateFrom != null) {
            all.add(new ConfigLoader.Override("predictor.calibrate_from=[" + String.join(", ", calibrateFrom.stream()
                    .map(ModelOptions::quoted).toList()) + "]", "--calibrate-from " + String.join(",", calibrateFrom)));
        }
        if (telemetry != null) {
            all.add(new ConfigLoader.Override("predictor.telemetry=" + quoted(telemetry), "--telemetry " + telemetry));
        }
    }

    /** A YAML single-quoted string, so paths with ':' or '#' stay strings. */
    static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static void add(List<ConfigLoader.Override> all, String flag, String key, Object value) {
        if (value != null) {
            all.add(new ConfigLoader.Override(key + "=" + value, flag + " " + value));
        }
    }
}
