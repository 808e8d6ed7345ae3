package io.simfaasinfer.planner;

import io.simfaasinfer.report.AtomicOutput;
import io.simfaasinfer.report.Plots;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The human-readable capacity planning report, laid out as the planning guide's, and the Pareto plot. */
public final class PlanReport {

    private static final String RULE = "=".repeat(72);

    private PlanReport() {
    }

    public static String render(Plan p) {
        StringBuilder b = new StringBuilder();
        b.append(RULE).append('\n').append("CAPACITY PLANNING REPORT").append('\n').append(RULE).append('\n');
        line(b, "Model: %s%s", p.model(), p.inputProfile() == null ? "" : "   profile: " + p.inputProfile());
        var s = p.summary();
        line(b, "Searched %d candidates (%d simulated, %d skipped) with %d simulations in %.1f s (%d jobs)",
                s.numConfigsConsidered(), s.numConfigsEvaluated(), s.numSkipped(), s.simulations(),
                s.totalSimulationTimeS(), s.jobs());
        line(b, "%d candidates meet every SLO", s.numConfigsMeetingSlos());
        p.calibration().forEach(c -> line(b, "Calibration: %s", c));
        Plan.Configuration best = p.bestConfiguration();
        if (best != null) {
            section(b, "RECOMMENDED CONFIGURATION");
            describe(b, best);
            section(b, "PERFORMANCE ESTIMATES");
            var perf = best.performance();
            line(b, "  Max sustainable QPS:  %.2f req/s%s", perf.maxSustainableQps(),
                    perf.verified() ? " (confirmed by a full-length run)" : " (screening runs)");
            line(b, "  Latency p50/p95/p99:  %.1f / %.1f / %.1f ms", perf.p50LatencyMs(), perf.p95LatencyMs(),
                    perf.p99LatencyMs());
            line(b, "  TTFT p95:             %.1f ms", perf.p95TtftMs());
            line(b, "  TBT p99:              %.1f ms", perf.p99TbtMs());
            line(b, "  TPOT p99:             %.1f ms", perf.p99TpotMs());
            line(b, "  Mean MFU:             %.1f%%", 100 * perf.meanMfu());
            line(b, "  Mean KV memory util:  %.1f%%", 100 * perf.meanMemoryUtil());
            if (best.bottleneck() != null) {
                line(b, "  Bottleneck above it:  %s", best.bottleneck());
            }
            section(b, "COST ANALYSIS");
            line(b, "  Cost per hour:        $%.2f", best.cost().costPerHour());
            line(b, "  Cost per 1k requests: $%.4f", best.cost().costPer1kRequests());
            line(b, "  QPS per $/hour:       %.3f", best.cost().qpsPerDollar());
            section(b, "SLO COMPLIANCE");
            var c = best.sloCompliance();
            slo(b, "TTFT p95", c.ttftSloMet(), perf.p95TtftMs());
            slo(b, "TBT p99", c.tbtSloMet(), perf.p99TbtMs());
            slo(b, "TPOT p99", c.tpotSloMet(), perf.p99TpotMs());
            slo(b, "E2E p99", c.latencySloMet(), perf.p99LatencyMs());
            if (c.minQpsMet() != null) {
                line(b, "  Min QPS:              %s", c.minQpsMet() ? "MET" : "NOT MET");
            }
            if (c.budgetMet() != null) {
                line(b, "  Budget:               %s", c.budgetMet() ? "MET" : "NOT MET");
            }
            line(b, "  Meets all SLOs:       %s", c.meetsAllSlos() ? "YES" : "NO");
            section(b, "ALTERNATIVE CONFIGURATIONS");
            alt(b, "Budget option", p.alternatives().budgetOption());
            alt(b, "Premium option", p.alternatives().premiumOption());
            line(b, "  Pareto frontier (max QPS vs cost per hour):");
            for (Plan.Configuration f : p.paretoFrontier()) {
                line(b, "    %-42s %8.2f req/s  $%7.2f/h  $%.4f per 1k", f.label(), f.performance().maxSustainableQps(),
                        f.cost().costPerHour(), f.cost().costPer1kRequests());
            }
        } else {
            section(b, "NO CONFIGURATION MEETS EVERY SLO");
            for (Plan.Configuration c : p.closestCandidates()) {
                line(b, "  %s: %s", c.label(), c.reason());
            }
        }
        section(b, "RECOMMENDATION");
        line(b, "  %s", s.recommendation());
        if (best != null) {
            line(b, "  Check it: %s", best.runCommand());
        }
        b.append(RULE).append('\n');
        return b.toString();
    }

    private static void describe(StringBuilder b, Plan.Configuration c) {
        line(b, "  GPU type:             %s", c.gpuType());
        if (c.lifecycle().equals("serverless")) {
            line(b, "  Deployment:           serverless fleet of up to %d instances (one kept warm), billed by"
                    + " instance time", c.numReplicas());
        } else if (c.deployment().equals("disaggregated")) {
            line(b, "  Deployment:           disaggregated, %d prefill + %d decode replicas", c.prefillReplicas(),
                    c.decodeReplicas());
        } else {
            line(b, "  Deployment:           aggregated, %d replicas", c.numReplicas());
        }
        line(b, "  GPUs per replica:     %d (tensor parallel %d, pipeline parallel %d)", c.numGpusPerReplica(),
                c.tensorParallel(), c.pipelineParallel());
        line(b, "  Total GPUs:           %d", c.totalGpus());
        line(b, "  Scheduler:            %s (max batch size %d)", c.scheduler(), c.maxBatchSize());
    }

    private static void alt(StringBuilder b, String name, Plan.Configuration c) {
        if (c != null) {
            line(b, "  %-15s %s: %.2f req/s at $%.2f/h", name + ":", c.label(), c.performance().maxSustainableQps(),
                    c.cost().costPerHour());
        }
    }

    private static void slo(StringBuilder b, String name, Boolean met, double value) {
        if (met != null) {
            line(b, "  %-21s %.1f ms  %s", name + ":", value, met ? "MET" : "NOT MET");
        }
    }

    private static void section(StringBuilder b, String title) {
        b.append('\n').append(title).append('\n').append("-".repeat(title.length())).append('\n');
    }

    private static void line(StringBuilder b, String fmt, Object... args) {
        b.append(String.format(Locale.ROOT, fmt, args)).append('\n');
    }

    /** Writes the report to {@code file} atomically. */
    public static void write(Plan p, Path file) {
        try (AtomicOutput out = new AtomicOutput(file)) {
            Files.writeString(out.temp(), render(p));
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A PNG of every candidate meeting the SLOs (cost per hour against max QPS) with the frontier as a line. */
    public static void plot(Plan p, Path file) {
        XYChart chart = new XYChartBuilder().width(900).height(600).title("Capacity plan: " + p.model())
                .xAxisTitle("cost per hour (USD)").yAxisTitle("max sustainable QPS").build();
        List<Plan.Configuration> ok = p.allCandidates().stream().filter(c -> c.verdict().equals("meets_slos")).toList();
        if (!ok.isEmpty()) {
            XYSeries all = chart.addSeries("meets SLOs", ok.stream().mapToDouble(c -> c.cost().costPerHour()).toArray(),
                    ok.stream().mapToDouble(c -> c.performance().maxSustainableQps()).toArray());
            all.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        if (!p.paretoFrontier().isEmpty()) {
            chart.addSeries("Pareto frontier", p.paretoFrontier().stream().mapToDouble(c -> c.cost().costPerHour())
                    .toArray(), p.paretoFrontier().stream().mapToDouble(c -> c.performance().maxSustainableQps()).toArray());
        }
        if (ok.isEmpty()) {
            chart.addSeries("no candidate meets the SLOs", new double[] {0}, new double[] {0});
        }
        Plots.write(chart, file);
    }
}
