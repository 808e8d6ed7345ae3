package io.simfaasinfer.report;

import io.simfaasinfer.metrics.LatencyStats;
import io.simfaasinfer.metrics.MetricsCollector;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The PNGs of {@code run --plots-dir}: TTFT, TBT and E2E CDFs, and the queue, KV utilisation and
 * output throughput of the deployment over time.
 */
public final class RunPlots {

    /** The files written, in order. */
    public static final List<String> FILES = List.of("ttft_cdf.png", "tbt_cdf.png", "e2e_cdf.png",
            "queue_over_time.png", "kv_util_over_time.png", "throughput_over_time.png");

    private RunPlots() {
    }

    public static void write(Path dir, MetricsCollector m, List<TimeSeriesCsvWriter.Totals> series, String title) {
        createDirectories(dir);
        write(dir::resolve, m, series, title);
    }

    /** As {@link #write(Path, MetricsCollector, List, String)}, each of {@link #FILES} to {@code file.apply(name)}. */
    public static void write(Function<String, Path> file, MetricsCollector m, List<TimeSeriesCsvWriter.Totals> series,
                             String title) {
        Function<Integer, Path> at = i -> file.apply(FILES.get(i));
        cdf(at.apply(0), "TTFT CDF: " + title, "time to first token (ms)", "fraction of requests", m.ttft());
        cdf(at.apply(1), "TBT CDF: " + title, "inter-token gap (ms)", "fraction of inter-token gaps",
                m.tbt());
        cdf(at.apply(2), "E2E CDF: " + title, "end-to-end latency (ms)", "fraction of requests", m.e2e());
        XYChart q = chart("Queue over time: " + title, "simulated time (s)", "requests");
        add(q, "waiting", series, t -> t.waiting());
        add(q, "running", series, t -> t.running());
        Plots.write(q, at.apply(3));
        XYChart kv = chart("KV-cache utilisation over time: " + title, "simulated time (s)", "KV blocks in use (mean over replicas, %)");
        add(kv, "KV utilisation", series, t -> 100 * t.kvUtilMean());
        Plots.write(kv, at.apply(4));
        XYChart tp = chart("Output throughput over time: " + title, "simulated time (s)", "output tokens per second");
        add(tp, "tokens/s", series, t -> t.tokensPerS());
        Plots.write(tp, at.apply(5));
    }

    /** The CDF files {@link #compareCdfs} writes. */
    public static final List<String> COMPARE_FILES = List.of("ttft_cdf.png", "tbt_cdf.png", "e2e_cdf.png");

    /** TTFT, TBT and E2E CDFs with one line per variant ({@code compare --plots-dir}). */
    public static void compareCdfs(Path dir, List<String> labels, List<MetricsCollector> runs) {
        createDirectories(dir);
        compareCdfs(dir::resolve, labels, runs);
    }

    /** As {@link #compareCdfs(Path, List, List)}, each of {@link #COMPARE_FILES} to {@code file.apply(name)}. */
    public static void compareCdfs(Function<String, Path> file, List<String> labels, List<MetricsCollector> runs) {
        String[] names = {"TTFT", "TBT", "E2E"};
        String[] axes = {"time to first token (ms)", "inter-token gap (ms)", "end-to-end latency (ms)"};
        for (int k = 0; k < 3; k++) {
            XYChart c = chart(names[k] + " CDF by variant", axes[k], k == 1 ? "fraction of inter-token gaps"
                    : "fraction of requests");
            for (int v = 0; v < runs.size(); v++) {
                LatencyStats l = k == 0 ? runs.get(v).ttft() : k == 1 ? runs.get(v).tbt() : runs.get(v).e2e();
                double[][] xy = cdfPoints(l);
                c.addSeries(labels.get(v), xy[0], xy[1]);
            }
            Plots.write(c, file.apply(COMPARE_FILES.get(k)));
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static double[][] cdfPoints(LatencyStats l) {
        int n = 200;
        double[] xs = new double[n + 1];
        double[] ys = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            double q = i == n ? 99.99 : 100.0 * i / n;
            xs[i] = l.count() == 0 ? 0 : l.percentileMs(q);
            ys[i] = q / 100;
        }
        return new double[][] {xs, ys};
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setMarkerSize(0);
        return c;
    }

    private static void add(XYChart c, String name, List<TimeSeriesCsvWriter.Totals> s,
                            ToDoubleFunction<TimeSeriesCsvWriter.Totals> y) {
        if (s.isEmpty()) {
            c.addSeries(name, new double[] {0}, new double[] {0});
            return;
        }
        c.addSeries(name, s.stream().mapToDouble(TimeSeriesCsvWriter.Totals::timeS).toArray(),
                s.stream().mapToDouble(y).toArray());
    }

    private static void cdf(Path file, String title, String x, String y, LatencyStats l) {
        XYChart c = chart(title, x, y);
        double[][] xy = cdfPoints(l);
        c.addSeries(l.count() == 0 ? "no samples" : "CDF", xy[0], xy[1]);
        Plots.write(c, file);
    }
}
