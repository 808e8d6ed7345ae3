package io.simfaasinfer.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Resolves the file paths inside a configuration (the trace and empirical length files) against the
 * folder of the config file, as {@code catalog.file} is; absolute paths are kept.
 */
public final class ConfigPaths {

    private ConfigPaths() {
    }

    /** {@code c} with its relative workload file paths resolved against {@code baseDir}. */
    public static SimulatorConfig resolve(SimulatorConfig c, Path baseDir) {
        WorkloadConfig w = c.workload();
        if (w == null) {
            return c;
        }
        TraceConfig t = w.trace();
        if (t != null && t.file() != null) {
            w = w.withTrace(t.withFile(path(baseDir, t.file())));
        }
        List<ClassConfig> classes = w.classes().stream()
                .map(k -> k == null ? null : k.withLengths(length(baseDir, k.promptTokens()),
                        length(baseDir, k.outputTokens())))
                .toList();
        w = w.withLengths(length(baseDir, w.promptTokens()), length(baseDir, w.outputTokens()), classes);
        return new SimulatorConfig(c.simulation(), w, c.model(), c.cluster(), c.scheduler(), c.predictor(),
                c.catalog(), c.serverless(), c.deployment(), c.slo());
    }

    private static LengthConfig length(Path baseDir, LengthConfig l) {
        return l == null || l.file() == null ? l : l.withFile(path(baseDir, l.file()));
    }

    private static String path(Path baseDir, String file) {
        Path p = Path.of(file);
        return p.isAbsolute() ? file : baseDir.resolve(p).normalize().toString();
    }
}
