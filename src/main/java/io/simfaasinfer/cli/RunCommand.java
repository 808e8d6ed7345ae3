package io.simfaasinfer.cli;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.report.JsonReport;
import io.simfaasinfer.report.OutputSet;
import io.simfaasinfer.report.RequestCsvWriter;
import io.simfaasinfer.report.RunPlots;
import io.simfaasinfer.report.TextSummary;
import io.simfaasinfer.workload.TraceSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code simfaasinfer run}: one simulation, a summary on stdout, JSON (and optionally CSV) results. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulate serving a workload on a cluster and report latency, throughput, utilisation and cost.",
                "Configuration comes from --config (YAML/JSON), then shortcut flags, then --set overrides."})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the JSON results here.")
    Path output;

    @Option(names = "--requests-out", paramLabel = "FILE", description = "Write one CSV row per request here.")
    Path requestsOut;

    @Option(names = "--instances-plot", paramLabel = "FILE",
            description = "Serverless runs: write a PNG of the instance count over time here.")
    Path plot;

    @Option(names = {"--timeseries-out", "--queue-states-output"}, paramLabel = "FILE",
            description = "Write a CSV of every replica every --sample-interval-s: queue, batch, KV, tokens/s.")
    Path timeseries;

    @Option(names = {"--sample-interval-s", "--sample-rate"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "Simulated seconds between time-series samples (default 1).")
    double sampleIntervalS;

    @Option(names = "--plots-dir", paramLabel = "DIR",
            description = "Write PNGs here: TTFT/TBT/E2E CDFs, queue, KV utilisation and throughput over time.")
    Path plotsDir;

    @Option(names = "--output-schema", paramLabel = "SCHEMA", defaultValue = "simfaasinfer",
            description = "Keys of the JSON results: simfaasinfer (default) or llm-inference-simulator.")
    String outputSchema;

    @Option(names = "--json", description = "Print the JSON results on stdout instead of the summary.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on success.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var schema = io.simfaasinfer.report.OutputSchema.parse(outputSchema).orElseThrow(() -> new BadInputException(
                "--output-schema: unknown schema '" + outputSchema + "'; expected simfaasinfer or llm-inference-simulator"));
        ConfigOptions.Resolved r = options.resolve();
        if (plot != null && !io.simfaasinfer.config.ServerlessConfig.enabled(r.config())) {
            throw new BadInputException("--instances-plot draws the serverless instance count; enable serverless"
                    + " (--serverless or serverless.enabled: true)");
        }
        var err = spec.commandLine().getErr();
        if (!(sampleIntervalS > 0) || Double.isInfinite(sampleIntervalS)) {
            throw new BadInputException("--sample-interval-s: expected a positive number of seconds, got " + sampleIntervalS);
        }
        try (OutputSet outputs = RunInputs.of(options, r).outputs()) {
            // every output is checked and staged before the simulation: a bad path fails fast
            Path outputFile = outputs.add("--output", output);
            Path requestsFile = outputs.add("--requests-out", requestsOut);
            Path timeseriesFile = outputs.add("--timeseries-out", timeseries);
            Function<String, Path> plotFiles = outputs.addDir("--plots-dir", plotsDir, RunPlots.FILES);
            Path plotFile = outputs.add("--instances-plot", plot);
            // warnings once the whole input is known to be acceptable: bad input is one line alone
            r.warningTexts().forEach(w -> err.println("warning: " + w));
            err.flush();
            try {
                SimulationResult result = simulate(r, requestsFile, timeseriesFile, plotFiles, err);
                if (outputFile != null) {
                    JsonReport.writeObject(schema.render(result), outputFile);
                }
                if (plotFile != null) {
                    io.simfaasinfer.report.InstancePlot.write(result.serverless(), "instances over time: "
                            + result.serverless().autoscaler(), plotFile);
                }
                outputs.commitAll();
                print(schema, result);
            } catch (UncheckedIOException e) {
                throw outputs.explain(e);
            }
        }
        return 0;
    }

    /** Runs the simulation, streaming the per-request and time-series CSVs and drawing --plots-dir. */
    private SimulationResult simulate(ConfigOptions.Resolved r, Path requestsFile, Path timeseriesFile,
                                      Function<String, Path> plotFiles, java.io.PrintWriter err) {
        SimulationResult result;
        boolean sampling = timeseries != null || plotsDir != null;
        try (RequestCsvWriter csv = requestsFile == null ? null : new RequestCsvWriter(requestsFile);
             io.simfaasinfer.report.TimeSeriesCsvWriter ts = sampling
                     ? new io.simfaasinfer.report.TimeSeriesCsvWriter(timeseriesFile) : null) {
            Simulator sim = new Simulator(r.validated(), null, csv, null);
            if (!quiet && !json) {
                sim.reportProgress(line -> {
                    err.println("progress: " + line);
                    err.flush();
                });
            }
            if (ts != null) {
                sim.sampleEvery(sampleIntervalS, ts);
            }
            result = sim.run();
            if (plotsDir != null) {
                RunPlots.write(plotFiles, sim.metrics(), ts.totals(), r.config().model().name());
            }
            if (csv != null) {
                csv.commit();
            }
            if (ts != null) {
                ts.commit();
            }
        }
        List<String> warnings = new ArrayList<>(r.warningTexts());
        String skipped = TraceSource.skipWarning(r.config().workload().trace(), result.workloadAdjustments());
        if (skipped != null) {
            err.println("warning: " + skipped);
            err.flush();
            warnings.add(skipped);
        }
        return result.withWarnings(warnings);
    }

    private void print(io.simfaasinfer.report.OutputSchema schema, SimulationResult result) {
        if (!quiet) {
            var out = spec.commandLine().getOut();
            out.print(json ? JsonReport.toJson(schema.render(result)) + "\n" : TextSummary.render(result));
            if (output != null && !json) {
                out.println("results: " + output);
            }
            if (plot != null && !json) {
                out.println("plot: " + plot);
            }
            if (timeseries != null && !json) {
                out.println("time series: " + timeseries);
            }
            if (plotsDir != null && !json) {
                out.println("plots: " + plotsDir + " (" + String.join(", ", RunPlots.FILES) + ")");
            }
            out.flush();
        }
    }
}
