package io.simfaasinfer.experiment;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.validation.ConfigResolution;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.report.JsonReport;
import io.simfaasinfer.workload.TraceSource;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One point of a sweep as any executor runs it, in this JVM or on a Spark executor: the base
 * configuration's file and flags plus the point's overrides, all as plain strings (serializable), so
 * the configuration is loaded and validated where the point runs by the same code as {@code run}.
 *
 * @param index         the point's index in the grid
 * @param seed          its seed
 * @param params        its swept keys and values, in grid order
 * @param configFile    the base configuration file, or null
 * @param catalogFile   an extra catalog file, or null
 * @param overrides     {assignment, label} pairs: the base flags, then the point's overrides
 */
public record PointTask(int index, long seed, LinkedHashMap<String, String> params, String configFile,
                        String catalogFile, List<String[]> overrides) implements Serializable {

    /** The point's validated configuration (throws the one-line ConfigException when it is invalid). */
    public ConfigResolution resolve() {
        List<ConfigLoader.Override> o = new ArrayList<>();
        for (String[] p : overrides) {
            o.add(new ConfigLoader.Override(p[0], p[1]));
        }
        return ConfigResolution.of(configFile == null ? null : Path.of(configFile), o,
                catalogFile == null ? null : Path.of(catalogFile));
    }

    /** A label: {@code key=value ... seed=N}. */
    public String label() {
        StringBuilder b = new StringBuilder();
        params.forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
        return b.append("seed=").append(seed).toString();
    }

    /** The hash a point that cannot be configured is recorded under. */
    public String invalidHash() {
        return SweepRunner.sha256("invalid:" + label());
    }

    /** Runs the point: its row (never throws for a bad configuration: that is a row with an error). */
    public PointRow run() {
        return run(null);
    }

    /** As {@link #run()}, a trace's rows replayed from {@code traces} (shared by the sweep's points; null: streamed). */
    public PointRow run(io.simfaasinfer.workload.trace.TraceCache traces) {
        ConfigResolution r;
        try {
            r = resolve();
        } catch (ConfigException e) {
            return new PointRow(index, invalidHash(), "error", e.getMessage(), null, null, 0, null);
        }
        String hash = SweepRunner.hash(r.config());
        long t0 = System.nanoTime();
        try {
            SimulationResult ran = new Simulator(r.validated(), null, null, null, traces).run();
            String skipped = TraceSource.skipWarning(r.config().workload().trace(), ran.workloadAdjustments());
            SimulationResult res = skipped == null ? ran : ran.withWarnings(withLine(ran.warnings(), skipped));
            Map<String, Object> metrics = new LinkedHashMap<>();
            ResultsDb.METRICS.forEach((k, f) -> metrics.put(k, f.apply(res)));
            return new PointRow(index, hash, "ok", null, new LinkedHashMap<>(metrics), JsonReport.toJson(res),
                    (System.nanoTime() - t0) / 1e9, skipped);
        } catch (ConfigException e) {
            return new PointRow(index, hash, "error", e.getMessage(), null, null, (System.nanoTime() - t0) / 1e9, null);
        }
    }

    /**
     * What running a point gave.
     *
     * @param metrics    metric column to value (null when it failed)
     * @param resultJson the full result (null when it failed)
     * @param warning    what the run dropped and the user should know (malformed trace rows skipped), or null;
     *                   also among the warnings of {@code resultJson}
     */
    public record PointRow(int index, String hash, String status, String error, LinkedHashMap<String, Object> metrics,
                           String resultJson, double wallS, String warning) implements Serializable {
    }

    private static List<String> withLine(List<String> lines, String line) {
        List<String> all = new ArrayList<>(lines == null ? List.of() : lines);
        all.add(line);
        return all;
    }
}
