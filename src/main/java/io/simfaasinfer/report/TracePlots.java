package io.simfaasinfer.report;

import io.simfaasinfer.workload.TraceStats;
import org.knowm.xchart.BitmapEncoder;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The PNG of {@code trace stats --plot}: arrival rate over time above the length distributions. */
public final class TracePlots {

    private static final int W = 1000;
    private static final int H = 400;

    private TracePlots() {
    }

    /** Writes the rate (per-second and per-minute) and length charts of {@code r} to {@code file}, atomically. */
    public static void write(TraceStats.Result r, Path file) {
        int[] perS = r.ratePerSecond();
        XYChart rate = new XYChartBuilder().width(W).height(H).title("arrival rate: " + Path.of(r.file()).getFileName())
                .xAxisTitle("time since first arrival (s)").yAxisTitle("requests / s").build();
        double[] xs = new double[perS.length];
        double[] ys = new double[perS.length];
        for (int i = 0; i < perS.length; i++) {
            xs[i] = i;
            ys[i] = perS[i];
        }
        rate.addSeries("1 s bins", xs, ys).setMarker(SeriesMarkers.NONE);
        int mins = (perS.length + 59) / 60;
        double[] mx = new double[mins];
        double[] my = new double[mins];
        for (int m = 0; m < mins; m++) {
            long c = 0;
            for (int s = m * 60; s < Math.min(perS.length, (m + 1) * 60); s++) {
                c += perS[s];
            }
            mx[m] = m * 60 + 30;
            my[m] = c / 60.0;
        }
        XYSeries perMin = rate.addSeries("1 min bins", mx, my);
        perMin.setMarker(SeriesMarkers.NONE);
        XYChart len = new XYChartBuilder().width(W).height(H).title("token length distributions (CDF)")
                .xAxisTitle("tokens").yAxisTitle("fraction of requests at or below").build();
        len.getStyler().setXAxisLogarithmic(true);
        len.getStyler().setYAxisDecimalPattern("0.0");
        len.getStyler().setYAxisTickMarkSpacingHint(60);
        len.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        cdf(len, "prompt", r.promptHistogram());
        cdf(len, "output", r.outputHistogram());
        BufferedImage img = new BufferedImage(W, 2 * H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.drawImage(BitmapEncoder.getBufferedImage(rate), 0, 0, null);
        g.drawImage(BitmapEncoder.getBufferedImage(len), 0, H, null);
        g.dispose();
        try (AtomicOutput out = new AtomicOutput(file)) {
            if (!ImageIO.write(img, "png", out.temp().toFile())) {
                throw new IOException("no PNG writer");
            }
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The empirical CDF of {@code h} at 200 quantiles (lengths of 0 are drawn at 1 on the log axis). */
    private static void cdf(XYChart chart, String name, Histogram h) {
        int n = 201;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double q = i * 0.5;
            x[i] = Math.max(1, h.getValueAtPercentile(q));
            y[i] = q / 100;
        }
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }
}
