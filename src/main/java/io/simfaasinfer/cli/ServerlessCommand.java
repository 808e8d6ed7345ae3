package io.simfaasinfer.cli;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.report.JsonReport;
import io.simfaasinfer.report.OutputSet;
import io.simfaasinfer.serverless.DeploymentComparison;
import io.simfaasinfer.serverless.DeploymentComparison.Deployment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code simfaasinfer serverless}: serverless-specific tools. */
@Command(name = "serverless", mixinStandardHelpOptions = true,
        description = "Serverless deployments: compare always-on, scale-to-zero and autoscaled fleets.",
        subcommands = {ServerlessCommand.Compare.class})
public final class ServerlessCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code simfaasinfer serverless compare}: the same workload under several deployments, side by side. */
    @Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Run the same workload (same seed) as an always-on cluster of cluster.replicas replicas,"
                    + " a scale-to-zero fleet (scale_to_zero policy, min_instances 0) and the configured autoscaled"
                    + " fleet, and print p50/p99 TTFT, cold starts and cost side by side.",
                "Add deployments with --variant NAME:KEY=VALUE[;KEY=VALUE...]."})
    public static final class Compare implements Callable<Integer> {

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Option(names = "--variant", paramLabel = "NAME:KEY=VALUE[;...]",
                description = "Another deployment: overrides on top of the configuration (repeatable).")
        List<String> variants = new ArrayList<>();

        @Option(names = "--no-defaults", description = "Compare only the --variant deployments.")
        boolean noDefaults;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the comparison as JSON here.")
        Path output;

        @Option(names = "--markdown", description = "Print the table in Markdown.")
        boolean markdown;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<Deployment> deployments = new ArrayList<>(noDefaults ? List.of() : DeploymentComparison.defaults());
            for (String v : variants) {
                try {
                    deployments.add(DeploymentComparison.parse(v));
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(e.getMessage());
                }
            }
            if (deployments.isEmpty()) {
                throw new BadInputException("--no-defaults needs at least one --variant");
            }
            List<DeploymentComparison.Row> rows = new ArrayList<>();
            String source = null;
            List<ConfigOptions.Resolved> resolved = new ArrayList<>();
            for (Deployment d : deployments) {
                resolved.add(options.resolve(d.overrides(), "deployment " + d.name()));
            }
            // only keys no deployment uses, each distinct line once
            ConfigOptions.commonWarnings(resolved).stream().flatMap(List::stream).distinct()
                    .forEach(w -> spec.commandLine().getErr().println("warning: " + w));
            RunInputs inputs = RunInputs.of(options, resolved.get(0));
            resolved.forEach(r -> inputs.config(r.config()));
            try (OutputSet outputs = inputs.outputs()) {
                Path outputFile = outputs.add("--output", output);
                for (int i = 0; i < deployments.size(); i++) {
                    Deployment d = deployments.get(i);
                    ConfigOptions.Resolved r = resolved.get(i);
                    source = r.source();
                    SimulationResult result = new Simulator(r.validated(), null, null, null).run();
                    rows.add(DeploymentComparison.summarise(d, result));
                }
                if (outputFile != null) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("source", source);
                    json.put("deployments", rows);
                    try {
                        Files.writeString(outputFile, JsonReport.toJson(json) + "\n");
                    } catch (IOException e) {
                        throw outputs.explain(new UncheckedIOException("cannot write " + outputFile + ": "
                                + e.getMessage(), e));
                    }
                }
                outputs.commitAll();
            }
            var out = spec.commandLine().getOut();
            out.print(DeploymentComparison.table(rows, markdown));
            if (output != null) {
                out.println("results: " + output);
            }
            out.flush();
            return 0;
        }
    }
}
