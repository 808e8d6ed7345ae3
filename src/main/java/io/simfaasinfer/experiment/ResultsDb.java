package io.simfaasinfer.experiment;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.metrics.LatencySummary;
import io.simfaasinfer.metrics.SimulationResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The results database of sweeps: an embedded DuckDB file with one table, {@code points}: one row
 * per point (its parameter values as columns named by their config key, its seed, a SHA-256 of its
 * whole effective configuration, every summary metric as a column, the full result JSON, its status
 * and error). Each row is committed as its point finishes, so a sweep killed at any moment leaves
 * only whole points, and a resumed one skips them by their configuration hash. One writer; calls
 * are synchronized.
 */
public final class ResultsDb implements AutoCloseable {

    /** The metric columns, in order, with how each is read from a result. */
    static final Map<String, java.util.function.Function<SimulationResult, Object>> METRICS = metrics();

    private final Connection db;
    private final Path file;
    private final Set<String> paramColumns = new TreeSet<>();

    private ResultsDb(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (creating if needed) the database at {@code file}. */
    public static ResultsDb open(Path file) {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("DuckDB JDBC driver missing from the class path", e);
        }
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": is a directory; --db names a database file");
        }
        try {
            Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
            ResultsDb r = new ResultsDb(file, c);
            try (Statement st = c.createStatement()) {
                st.execute("SET threads TO 1"); // the simulations use the cores; the database only stores rows
            }
            r.create();
            return r;
        } catch (SQLException e) {
            throw new ConfigException(file + ": cannot open as a DuckDB results database ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static Map<String, java.util.function.Function<SimulationResult, Object>> metrics() {
        Map<String, java.util.function.Function<SimulationResult, Object>> m = new LinkedHashMap<>();
        m.put("requests_arrived", r -> r.requests().arrived());
        m.put("requests_completed", r -> r.requests().completed());
        m.put("requests_rejected", r -> r.requests().rejected());
        m.put("preemptions", r -> r.requests().preemptions());
        latency(m, "ttft", SimulationResult::ttftMs);
        latency(m, "tbt", SimulationResult::tbtMs);
        latency(m, "tpot", SimulationResult::tpotMs);
        latency(m, "e2e", SimulationResult::e2eMs);
        m.put("queue_delay_mean_ms", r -> r.queueDelayMs().mean());
        m.put("throughput_requests_per_s", r -> r.throughput().requestsPerS());
        m.put("throughput_output_tokens_per_s", r -> r.throughput().outputTokensPerS());
        m.put("iteration_running_fraction_mean", r -> r.utilization().iterationRunningFractionMean());
        m.put("mfu_mean", r -> r.utilization().mfuMean());
        m.put("mbu_mean", r -> r.utilization().mbuMean());
        m.put("kv_cache_util_mean", r -> r.utilization().kvCacheUtilMean());
        m.put("kv_cache_util_peak", r -> r.utilization().kvCacheUtilPeak());
        m.put("gpus", r -> (long) r.cost().gpus());
        m.put("gpu_hours", r -> r.cost().gpuHours());
        m.put("cost_usd", r -> r.cost().costUsd());
        m.put("cost_per_1k_requests", r -> r.cost().costPer1kRequests());
        m.put("slo_attainment", r -> r.slo() == null ? null : r.slo().attainment());
        m.put("goodput_requests_per_s", r -> r.slo() == null ? null : r.slo().goodputRequestsPerS());
        m.put("simulated_s", r -> r.simulation().simulatedS());
        return m;
    }

    private static void latency(Map<String, java.util.function.Function<SimulationResult, Object>> m, String name,
                                java.util.function.Function<SimulationResult, LatencySummary> l) {
        m.put(name + "_mean_ms", r -> l.apply(r).mean());
        m.put(name + "_p50_ms", r -> l.apply(r).p50());
        m.put(name + "_p90_ms", r -> l.apply(r).p90());
        m.put(name + "_p95_ms", r -> l.apply(r).p95());
        m.put(name + "_p99_ms", r -> l.apply(r).p99());
    }

    private void create() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name FROM"
                + " information_schema.tables WHERE table_name <> 'points'")) {
            if (rs.next()) {
                throw new ConfigException(file + ": not a sweep results database (it holds table '" + rs.getString(1)
                        + "' and no 'points'); choose another --db");
            }
        }
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS points (config_hash VARCHAR PRIMARY KEY,"
                + " point INTEGER, seed BIGINT, params VARCHAR, status VARCHAR, error VARCHAR");
        for (String k : METRICS.keySet()) {
            ddl.append(", ").append(k).append(k.startsWith("requests_") || k.equals("preemptions") || k.equals("gpus")
                    ? " BIGINT" : " DOUBLE");
        }
        ddl.append(", result_json VARCHAR, wall_s DOUBLE, finished_at TIMESTAMP)");
        try (Statement s = db.createStatement()) {
            s.execute(ddl.toString());
            // a database written before a metric was added or renamed gains its column (older ones stay)
            for (String k : METRICS.keySet()) {
                s.execute("ALTER TABLE points ADD COLUMN IF NOT EXISTS " + k + (k.startsWith("requests_")
                        || k.equals("preemptions") || k.equals("gpus") ? " BIGINT" : " DOUBLE"));
            }
            try (ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name ="
                    + " 'points' AND column_name LIKE '%.%'")) {
                while (rs.next()) {
                    paramColumns.add(rs.getString(1));
                }
            }
        }
    }

    /** Points recorded as done (status ok), by configuration hash; failed ones are tried again on resume. */
    public synchronized Set<String> recordedDone() {
        Set<String> out = new TreeSet<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT config_hash FROM points WHERE status = 'ok'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    /** Points recorded. */
    public synchronized long count() {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM points")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Records one point (in one statement, committed at once). */
    public synchronized void record(PointTask p, PointTask.PointRow row) {
        try {
            for (String k : p.params().keySet()) {
                if (paramColumns.add(k)) {
                    try (Statement s = db.createStatement()) {
                        s.execute("ALTER TABLE points ADD COLUMN IF NOT EXISTS " + quote(k) + " VARCHAR");
                    }
                }
            }
            List<String> cols = new ArrayList<>(List.of("config_hash", "point", "seed", "params", "status", "error"));
            List<String> keys = new ArrayList<>(p.params().keySet());
            keys.forEach(k -> cols.add(quote(k)));
            cols.addAll(METRICS.keySet());
            cols.addAll(List.of("result_json", "wall_s", "finished_at"));
            String sql = "INSERT OR REPLACE INTO points (" + String.join(", ", cols) + ") VALUES ("
                    + String.join(", ", java.util.Collections.nCopies(cols.size() - 1, "?")) + ", now())";
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, row.hash());
                ps.setInt(i++, p.index());
                ps.setLong(i++, p.seed());
                ps.setString(i++, paramsJson(p.params()));
                ps.setString(i++, row.status());
                ps.setString(i++, row.error());
                for (String k : keys) {
                    ps.setString(i++, p.params().get(k));
                }
                for (String k : METRICS.keySet()) {
                    ps.setObject(i++, row.metrics() == null ? null : row.metrics().get(k));
                }
                ps.setString(i++, row.resultJson());
                ps.setDouble(i, row.wallS());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String paramsJson(Map<String, String> params) {
        try {
            return JSON.writeValueAsString(params);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** The columns of {@code points} in table order. */
    public synchronized List<String> columns() {
        List<String> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT column_name FROM"
                + " information_schema.columns WHERE table_name = 'points' ORDER BY ordinal_position")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    /** Runs {@code sql} (a COPY, an export) on the database. */
    public synchronized void execute(String sql) {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Rows of {@code sql}, each a column-name to value map, in order. */
    public synchronized List<Map<String, Object>> query(String sql) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.put(rs.getMetaData().getColumnLabel(i), v instanceof java.sql.Timestamp t ? t.toString() : v);
                }
                out.add(row);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    private RuntimeException failure(SQLException e) {
        return new ConfigException(file + ": results database error (" + e.getMessage().lines().findFirst().orElse("")
                + ")");
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure(e);
        }
    }
}
