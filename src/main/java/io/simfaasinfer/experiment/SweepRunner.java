package io.simfaasinfer.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.simfaasinfer.Simulator;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.report.JsonReport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs the points of a sweep on {@code jobs} threads, each an independent simulation (so its
 * results do not depend on the thread count), and records each in the results database as it
 * finishes. A point whose configuration is bad is recorded with its error and the sweep goes on;
 * with {@code resume}, points already recorded as done (by the hash of their whole effective
 * configuration) are skipped.
 */
public final class SweepRunner {

    /** A point's validated configuration and the catalog it resolves against. */
    public record Resolved(SimulatorConfig config, Catalog catalog) {
    }

    /** What a sweep did. */
    public record Summary(int points, int ran, int skipped, int failed, double wallS) {
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

    private record Job(SweepGrid.Point point, Resolved resolved, String hash, String error) {
    }

    public static Summary run(List<SweepGrid.Point> points, Function<SweepGrid.Point, Resolved> resolve, ResultsDb db,
                              int jobs, boolean resume, Consumer<String> progress) {
        long wall = System.nanoTime();
        Set<String> done = resume ? db.recordedDone() : Set.of();
        List<Job> todo = new ArrayList<>();
        int skipped = 0;
        for (SweepGrid.Point p : points) {
            Job j;
            try {
                Resolved r = resolve.apply(p);
                j = new Job(p, r, hash(r.config()), null);
            } catch (ConfigException e) {
                j = new Job(p, null, sha256("invalid:" + p.label()), e.getMessage());
            }
            if (done.contains(j.hash())) {
                skipped++;
            } else {
                todo.add(j);
            }
        }
        progress.accept(String.format(Locale.ROOT, "sweep: %d points, %d to run%s, %d jobs", points.size(), todo.size(),
                skipped > 0 ? " (" + skipped + " already done)" : "", jobs));
        int failed = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(jobs, Math.max(1, todo.size()))));
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (Job j : todo) {
                futures.add(pool.submit(() -> runOne(j, db)));
            }
            int k = 0;
            for (Future<Boolean> f : futures) {
                boolean ok = get(f);
                failed += ok ? 0 : 1;
                Job j = todo.get(k++);
                progress.accept(String.format(Locale.ROOT, "  [%d/%d] %s%s", k, todo.size(), j.point().label(),
                        ok ? "" : ": error"));
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(points.size(), todo.size(), skipped, failed, (System.nanoTime() - wall) / 1e9);
    }

    private static boolean runOne(Job j, ResultsDb db) {
        if (j.error() != null) {
            db.record(j.point(), j.hash(), null, null, j.error(), 0);
            return false;
        }
        long t0 = System.nanoTime();
        SimulationResult r;
        try {
            r = new Simulator(j.resolved().config(), j.resolved().catalog(), null, null).run();
        } catch (ConfigException e) {
            db.record(j.point(), j.hash(), null, null, e.getMessage(), (System.nanoTime() - t0) / 1e9);
            return false;
        }
        db.record(j.point(), j.hash(), r, JsonReport.toJson(r), null, (System.nanoTime() - t0) / 1e9);
        return true;
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
