package io.simfaasinfer.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** PNG charts rendered headless with XChart, written atomically. */
public final class Plots {

    private Plots() {
    }

    /** A scatter of predicted against measured values with the y = x line. */
    public static void predictedVsMeasured(Path file, String title, double[] measured, double[] predicted,
                                           double[] looPredicted) {
        XYChart chart = new XYChartBuilder().width(800).height(600).title(title)
                .xAxisTitle("measured (ms)").yAxisTitle("predicted (ms)").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (double v : measured) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        XYSeries line = chart.addSeries("y = x", new double[] {lo, hi}, new double[] {lo, hi});
        line.setMarker(SeriesMarkers.NONE);
        chart.addSeries("fit on all points", measured, predicted).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.addSeries("leave-one-out", measured, looPredicted).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        write(chart, file);
    }

    /** Writes {@code chart} as a PNG to {@code file}. */
    public static void write(XYChart chart, Path file) {
        try (AtomicOutput out = new AtomicOutput(file)) {
            try (java.io.OutputStream png = java.nio.file.Files.newOutputStream(out.temp())) {
                BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
            }
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
