package io.simfaasinfer.report;

import io.simfaasinfer.metrics.ServerlessResult;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Path;
import java.util.List;

/** A PNG step plot of a serverless run's instances over time (ready, and ready + starting), written atomically; headless. */
public final class InstancePlot {

    private InstancePlot() {
    }

    /** Writes the plot of {@code s} to {@code file} (PNG), replacing it. */
    public static void write(ServerlessResult s, String title, Path file) {
        List<ServerlessResult.Point> pts = s.instancesOverTime();
        int n = pts.size();
        double[] t = new double[n];
        double[] ready = new double[n];
        double[] alive = new double[n];
        for (int i = 0; i < n; i++) {
            var p = pts.get(i);
            t[i] = p.tS();
            ready[i] = p.ready();
            alive[i] = p.ready() + p.starting();
        }
        XYChart chart = new XYChartBuilder().width(1000).height(420).title(title)
                .xAxisTitle("simulated time (s)").yAxisTitle("instances").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("0");
        chart.addSeries("ready + starting", t, alive).setMarker(SeriesMarkers.NONE);
        chart.addSeries("ready", t, ready).setMarker(SeriesMarkers.NONE);
        Plots.write(chart, file);
    }
}
