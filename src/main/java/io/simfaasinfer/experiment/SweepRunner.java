package io.simfaasinfer.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.SimulatorConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs a sweep's points on an executor and records each in the results database as it finishes.
 * The driver first resolves every point (to its configuration hash): with {@code resume}, points
 * already recorded as done are skipped. A point whose configuration is bad is recorded with its
 * error and the sweep goes on.
 */
public final class SweepRunner {

    /**
     * What a sweep did.
     *
     * @param warnings what the points run dropped (malformed trace rows skipped), each distinct warning once with
     *                 the number of points it came from, in the order first seen; also in each point's recorded result
     */
    public record Summary(int points, int ran, int skipped, int failed, double wallS,
                          java.util.Map<String, Integer> warnings) {
    }

    private static final ObjectMapper SNAKE = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private SweepRunner() {
    }

    /** SHA-256 of the effective configuration (its snake_case JSON). */
    public static String hash(SimulatorConfig c) {
        try {
            return sha256(SNAKE.writeValueAsString(c));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The executor of that name: {@code local}, or a plug-in on the class path. */
    public static SweepExecutor executor(String name) {
        if (name.equals("local")) {
            return new LocalExecutor();
        }
        Set<String> known = new TreeSet<>(List.of("local"));
        for (SweepExecutor e : ServiceLoader.load(SweepExecutor.class)) {
            if (e.name().equals(name)) {
                return e;
            }
            known.add(e.name());
        }
        throw new ConfigException("--executor: unknown executor '" + name + "'; on the class path: "
                + String.join(", ", known) + (name.equals("spark") ? " (the spark executor is the optional"
                + " simfaasinfer-spark module: see docs/experiments.md)" : ""));
    }

    public static Summary run(List<PointTask> points, ResultsDb db, SweepExecutor executor, int jobs, String master,
                              boolean resume, Consumer<String> progress) {
        long wall = System.nanoTime();
        Set<String> done = resume ? db.recordedDone() : Set.of();
        List<PointTask> todo = new ArrayList<>();
        int skipped = 0;
        for (PointTask p : points) {
            String hash;
            try {
                hash = hash(p.resolve().config());
            } catch (ConfigException e) {
                hash = p.invalidHash();
            }
            if (done.contains(hash)) {
                skipped++;
            } else {
                todo.add(p);
            }
        }
        progress.accept(String.format(Locale.ROOT, "sweep: %d points, %d to run%s, %d jobs, executor %s", points.size(),
                todo.size(), skipped > 0 ? " (" + skipped + " already done)" : "", jobs, executor.name()));
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        java.util.Map<String, Integer> warnings = new java.util.LinkedHashMap<>(); // guarded by progress
        java.util.Map<Integer, PointTask> byIndex = new java.util.HashMap<>();
        todo.forEach(t -> byIndex.put(t.index(), t));
        executor.run(todo, jobs, master, row -> {
            PointTask t = byIndex.get(row.index());
            db.record(t, row);
            if (!row.status().equals("ok")) {
                failed.incrementAndGet();
            }
            synchronized (progress) {
                int k = finished.incrementAndGet();
                double elapsed = (System.nanoTime() - wall) / 1e9;
                double rate = k / Math.max(elapsed, 1e-9);
                progress.accept(String.format(Locale.ROOT, "  [%d/%d] %.1f points/s, ETA %.0f s  %s%s", k, todo.size(),
                        rate, (todo.size() - k) / rate, t.label(), row.status().equals("ok") ? "" : ": " + row.error()));
                if (row.warning() != null) {
                    warnings.merge(row.warning(), 1, Integer::sum);
                }
            }
        });
        synchronized (progress) {
            return new Summary(points.size(), todo.size(), skipped, failed.get(), (System.nanoTime() - wall) / 1e9,
                    java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(warnings)));
        }
    }
}
