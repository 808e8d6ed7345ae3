package io.simfaasinfer.experiment;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.report.Plots;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Curves from a results database: one line per value of {@code by} (or one line), {@code y} against
 * {@code x} over the points that finished, ordered by x (latency-throughput curves). A name is a
 * column, or a metric without its {@code _ms}, or a swept key by its last or first part
 * ({@code scheduler} for {@code scheduler.name}, {@code arrival_rate} for {@code workload.arrival.rate}).
 */
public final class SweepPlot {

    private SweepPlot() {
    }

    /** The column {@code name} stands for. */
    static String column(List<String> columns, String name, String option) {
        if (columns.contains(name)) {
            return name;
        }
        if (columns.contains(name + "_ms")) {
            return name + "_ms";
        }
        String dotted = name.replace('_', '.');
        for (String c : columns) {
            if (c.contains(".") && (c.endsWith("." + dotted) || c.startsWith(name + ".") || c.endsWith("." + name))) {
                return c;
            }
        }
        throw new ConfigException(option + " " + name + ": no such column; known: " + String.join(", ", columns));
    }

    public static void plot(ResultsDb db, String x, String y, String by, Path output) {
        List<String> cols = db.columns();
        String cx = column(cols, x, "--x");
        String cy = column(cols, y, "--y");
        String cb = by == null ? null : column(cols, by, "--by");
        // every other swept key that varies splits the lines too, so no line mixes two settings
        List<String> split = new ArrayList<>();
        if (cb != null) {
            split.add(cb);
        }
        for (String c : cols) {
            if (c.contains(".") && !c.equals(cx) && !c.equals(cb)) {
                Object n = db.query("SELECT count(DISTINCT " + ResultsDb.quote(c) + ") AS n FROM points").get(0).get("n");
                if (n instanceof Number k && k.longValue() > 1) {
                    split.add(c);
                }
            }
        }
        StringBuilder sel = new StringBuilder("SELECT " + ResultsDb.quote(cx) + " AS x, " + ResultsDb.quote(cy) + " AS y");
        for (int i = 0; i < split.size(); i++) {
            sel.append(", ").append(ResultsDb.quote(split.get(i))).append(" AS g").append(i);
        }
        String sql = sel + " FROM points WHERE status = 'ok' ORDER BY TRY_CAST(" + ResultsDb.quote(cx)
                + " AS DOUBLE), point";
        Map<String, List<double[]>> series = new java.util.TreeMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            StringBuilder g = new StringBuilder();
            for (int i = 0; i < split.size(); i++) {
                g.append(i == 0 ? "" : " ").append(split.get(i)).append('=').append(row.get("g" + i));
            }
            Double vx = number(row.get("x"));
            Double vy = number(row.get("y"));
            if (vx != null && vy != null) {
                series.computeIfAbsent(split.isEmpty() ? cy : g.toString(), k -> new ArrayList<>())
                        .add(new double[] {vx, vy});
            }
        }
        if (series.isEmpty()) {
            throw new ConfigException("--x " + x + " --y " + y + ": no finished point has numbers in both columns");
        }
        XYChart chart = new XYChartBuilder().width(1000).height(620).title(cy + " against " + cx)
                .xAxisTitle(unit(cx)).yAxisTitle(unit(cy)).build();
        series.forEach((g, pts) -> chart.addSeries(g,
                pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray()));
        Plots.write(chart, output);
    }

    private static String unit(String column) {
        if (column.endsWith("_ms")) {
            return column + " (ms)";
        }
        if (column.endsWith("rate") || column.endsWith("_per_s")) {
            return column + " (1/s)";
        }
        return column;
    }

    private static Double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
