package io.simfaasinfer.cli;

import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.validation.ConfigResolution;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code predict}: only what chooses the iteration-time predictor (the model, the
 * GPU and TP degree, the predictor keys and the catalog), from a config file, these flags and
 * {@code --set}. The workload, router, scheduler and serverless flags of {@link ConfigOptions} are
 * not offered: predict would ignore them. Flag names and their keys are those of ConfigOptions.
 */
public final class PredictorOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML or JSON configuration file (its model, cluster and predictor are used).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set predictor.kind=roofline (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--catalog", paramLabel = "FILE", description = "Extra models/GPUs (YAML/JSON) beside the built-in catalog.")
    Path catalogFile;

    @Option(names = "--model", description = "Model name from the catalog (model.name).")
    String model;

    @Option(names = {"--gpu", "--xpu"}, description = "GPU name from the catalog (cluster.gpu).")
    String gpu;

    @Option(names = "--tp", description = "Tensor-parallel degree (cluster.tp).")
    Integer tp;

    @Option(names = "--engine", description = "Serving engine preset: none, vllm, sglang, trtllm: kernel efficiencies,"
            + " host overheads, CUDA graphs (predictor.engine; docs/fidelity.md).")
    String engine;

    @Option(names = "--dtype", description = "Weights: auto (the catalog's: bf16), bf16, fp16, fp8 (model.dtype).")
    String dtype;

    @Option(names = "--kv-cache-dtype", description = "KV cache: auto (16-bit activations), bf16, fp16, fp8"
            + " (model.kv_cache_dtype).")
    String kvCacheDtype;

    @Option(names = "--predictor", description = "Iteration-time predictor: auto, profile, calibrated, roofline (predictor.kind).")
    String predictorKind;

    @Option(names = "--profile", paramLabel = "DIR|FILE", description = "FaaSInfer profile of this model on this GPU (predictor.profile).")
    String profile;

    @Option(names = "--calibrate-from", paramLabel = "DIR[,DIR...]", split = ",",
            description = "Profiles of other models on this (or a sibling) GPU to calibrate the roofline (predictor.calibrate_from).")
    List<String> calibrateFrom;

    @Option(names = "--telemetry", paramLabel = "FILE", description = "Production samples that rescale the prediction (predictor.telemetry).")
    String telemetry;

    /** Loads, overrides and validates. */
    ConfigOptions.Resolved resolve() {
        List<ConfigLoader.Override> all = new ArrayList<>();
        add(all, "--model", "model.name", model);
        add(all, "--gpu", "cluster.gpu", gpu);
        add(all, "--tp", "cluster.tp", tp);
        add(all, "--predictor", "predictor.kind", predictorKind);
        add(all, "--engine", "predictor.engine", engine);
        add(all, "--dtype", "model.dtype", dtype);
        add(all, "--kv-cache-dtype", "model.kv_cache_dtype", kvCacheDtype);
        if (profile != null) {
            all.add(new ConfigLoader.Override("predictor.profile=" + quoted(profile), "--profile " + profile));
        }
        if (calibrateFrom != null) {
            all.add(new ConfigLoader.Override("predictor.calibrate_from=[" + String.join(", ", calibrateFrom.stream()
                    .map(PredictorOptions::quoted).toList()) + "]", "--calibrate-from " + String.join(",", calibrateFrom)));
        }
        if (telemetry != null) {
            all.add(new ConfigLoader.Override("predictor.telemetry=" + quoted(telemetry), "--telemetry " + telemetry));
        }
        sets.forEach(x -> all.add(ConfigLoader.Override.set(x)));
        var r = ConfigResolution.of(config, all, catalogFile);
        return new ConfigOptions.Resolved(r.config(), r.catalog(), r.source(), r.warnings(), r.validated());
    }

    /** A YAML single-quoted string, so paths with ':' or '#' stay strings. */
    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static void add(List<ConfigLoader.Override> all, String flag, String key, Object value) {
        if (value != null) {
            all.add(new ConfigLoader.Override(key + "=" + value, flag + " " + value));
        }
    }
}
