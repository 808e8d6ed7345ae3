package io.simfaasinfer.cli;

import io.simfaasinfer.config.ClassConfig;
import io.simfaasinfer.config.LengthConfig;
import io.simfaasinfer.config.PredictorConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.report.OutputSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a command reads, as {@link OutputSet.Input}s: no output of the run may be one of them.
 * A profile directory stands for the files read from it.
 */
final class RunInputs {

    /** The files of a FaaSInfer profile directory. */
    private static final List<String> PROFILE_FILES = List.of("fitted_profile.json", "metadata.json",
            "model_memory.json");

    private final List<OutputSet.Input> inputs = new ArrayList<>();

    /** The config file, catalogs and every file the resolved configuration names. */
    static RunInputs of(ConfigOptions o, ConfigOptions.Resolved r) {
        return new RunInputs().file("config (--config)", o.configFile())
                .file("catalog (--catalog)", o.catalogFile())
                .config(r.config());
    }

    /** Adds {@code path} (null: nothing) described as {@code label}. */
    RunInputs file(String label, Path path) {
        if (path != null) {
            inputs.add(new OutputSet.Input(label, path));
        }
        return this;
    }

    RunInputs file(String label, String path) {
        return path == null || path.isBlank() ? this : file(label, Path.of(path));
    }

    /** Adds a profile: its directory's files, or the file and the files beside it. */
    RunInputs profile(String label, String path) {
        if (path == null || path.isBlank()) {
            return this;
        }
        Path p = Path.of(path);
        Path dir = Files.isDirectory(p) ? p : p.getParent();
        if (!Files.isDirectory(p)) {
            file(label, p);
        }
        for (String f : PROFILE_FILES) {
            file(label, dir == null ? Path.of(f) : dir.resolve(f));
        }
        return this;
    }

    /** Adds every file {@code c} names: trace, length distributions, catalog, profiles, telemetry. */
    RunInputs config(SimulatorConfig c) {
        if (c == null) {
            return this;
        }
        if (c.catalog() != null) {
            file("catalog (catalog.file)", c.catalog().file());
        }
        WorkloadConfig w = c.workload();
        if (w != null) {
            if (w.trace() != null) {
                file("trace (workload.trace.file)", w.trace().file());
            }
            length("workload.prompt_tokens.file", w.promptTokens());
            length("workload.output_tokens.file", w.outputTokens());
            if (w.classes() != null) {
                for (ClassConfig k : w.classes()) {
                    if (k != null) {
                        length("workload.classes[" + k.name() + "].prompt_tokens.file", k.promptTokens());
                        length("workload.classes[" + k.name() + "].output_tokens.file", k.outputTokens());
                    }
                }
            }
        }
        PredictorConfig p = c.predictor();
        if (p != null) {
            profile("profile (predictor.profile)", p.profile());
            if (p.calibrateFrom() != null) {
                p.calibrateFrom().forEach(d -> profile("calibration profile (predictor.calibrate_from)", d));
            }
            file("telemetry (predictor.telemetry)", p.telemetry());
        }
        return this;
    }

    private void length(String key, LengthConfig l) {
        if (l != null) {
            file("length distribution (" + key + ")", l.file());
        }
    }

    List<OutputSet.Input> list() {
        return List.copyOf(inputs);
    }

    /** An output set that protects these inputs. */
    OutputSet outputs() {
        return new OutputSet(list());
    }
}
