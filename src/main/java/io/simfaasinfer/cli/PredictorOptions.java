package io.simfaasinfer.cli;

import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.validation.ConfigResolution;
import picocli.CommandLine.Mixin;
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

    @Mixin
    ModelOptions model = new ModelOptions();

    /** Loads, overrides and validates. */
    ConfigOptions.Resolved resolve() {
        List<ConfigLoader.Override> all = new ArrayList<>();
        model.addTo(all);
        sets.forEach(x -> all.add(ConfigLoader.Override.set(x)));
        var r = ConfigResolution.of(config, all, catalogFile);
        return new ConfigOptions.Resolved(r.config(), r.catalog(), r.source(), r.warnings(), r.validated());
    }
}
