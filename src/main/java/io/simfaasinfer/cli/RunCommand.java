package io.simfaasinfer.cli;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.report.JsonReport;
import io.simfaasinfer.report.RequestCsvWriter;
import io.simfaasinfer.report.TextSummary;
import io.simfaasinfer.workload.trace.TraceSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

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
        r.warningTexts().forEach(w -> err.println("warning: " + w));
        err.flush();
        if (!(sampleIntervalS > 0) || Double.isInfinite(sampleIntervalS)) {
            throw new BadInputException("--sample-interval-s: expected a positive number of seconds, got " + sampleIntervalS);
        }
        SimulationResult result;
        boolean sampling = timeseries != null || plotsDir != null;
        try (RequestCsvWriter csv = requestsOut == null ? null : new RequestCsvWriter(requestsOut);
             io.simfaasinfer.report.TimeSeriesCsvWriter ts = sampling
                     ? new io.simfaasinfer.report.TimeSeriesCsvWriter(timeseries) : null) {
            Simulator sim = new Simulator(r.config(), r.catalog(), null, csv);
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
                io.simfaasinfer.report.RunPlots.write(plotsDir, sim.metrics(), ts.totals(),
                        r.config().model().name());
            }
            if (csv != null) {
                csv.commit();
            }
            if (ts != null) {
                ts.commit();
            }
        }
        List<String> warnings = new ArrayList<>(r.warningTexts());
        String skipped = r.config().workload().trace() == null ? null
                : TraceSource.skipWarning(r.config().workload().trace().file(), result.workloadAdjustments());
        if (skipped != null) {
            err.println("warning: " + skipped);
            err.flush();
            warnings.add(skipped);
        }
        result = result.withWarnings(warnings);
        if (output != null) {
            JsonReport.writeObject(schema.render(result), output);
        }
        if (plot != null) {
            io.simfaasinfer.serverless.InstancePlot.write(result.serverless(), "instances over time: "
                    + result.serverless().autoscaler(), plot);
        }
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
                out.println("plots: " + plotsDir + " (" + String.join(", ", io.simfaasinfer.report.RunPlots.FILES) + ")");
            }
            out.flush();
        }
        return 0;
    }
}
