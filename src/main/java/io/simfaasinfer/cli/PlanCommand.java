package io.simfaasinfer.cli;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.planner.CapacityPlanner;
import io.simfaasinfer.planner.Plan;
import io.simfaasinfer.planner.PlanReport;
import io.simfaasinfer.planner.PlanRequest;
import io.simfaasinfer.planner.PlanRequestLoader;
import io.simfaasinfer.report.OutputSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code simfaasinfer plan}: the cheapest deployment that meets the SLOs, a Pareto frontier and a report. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Capacity planning: search a space of deployments (GPU type, TP, replicas, scheduler, batch size,"
                + " aggregated or disaggregated) for each one's max sustainable QPS under the SLOs, and recommend the"
                + " cheapest. See docs/capacity_planning.md.",
                "Example: simfaasinfer plan --request examples/planning/capacity_planning_request.yaml --output plan.json"})
public final class PlanCommand implements Callable<Integer> {

    @Option(names = "--request", paramLabel = "FILE", description = "Planning request (workload, constraints, config_space, simulation).")
    Path request;

    @Option(names = "--workload", paramLabel = "FILE", description = "The request's workload section from its own file.")
    Path workload;

    @Option(names = "--constraints", paramLabel = "FILE", description = "The request's constraints section from its own file.")
    Path constraints;

    @Option(names = "--profile", paramLabel = "DIR|FILE",
            description = "FaaSInfer profile (fitted_profile.json or its folder): model and GPU from its metadata; other GPUs by the calibrated roofline.")
    String profile;

    @Option(names = "--telemetry", paramLabel = "FILE", description = "Production samples that rescale the predictor first.")
    String telemetry;

    @Option(names = "--model", description = "Catalog model (default: the profile's).")
    String model;

    @Option(names = "--gpu-types", arity = "1..*", paramLabel = "GPU", description = "GPU types to consider, e.g. A100 H100.")
    List<String> gpuTypes;

    @Option(names = "--max-cost", paramLabel = "USD_PER_HOUR", description = "Most a deployment may cost per hour.")
    Double maxCost;

    @Option(names = "--min-qps", paramLabel = "QPS", description = "Sustainable rate the deployment must reach.")
    Double minQps;

    @Option(names = "--ttft-slo", paramLabel = "DURATION", description = "p95 TTFT bound, e.g. 1000 or 1s (a bare number is ms).")
    String ttftSlo;

    @Option(names = "--tbt-slo", paramLabel = "DURATION", description = "p99 inter-token gap bound, e.g. 100ms.")
    String tbtSlo;

    @Option(names = "--tpot-slo", paramLabel = "DURATION", description = "p99 time-per-output-token bound.")
    String tpotSlo;

    @Option(names = "--e2e-slo", paramLabel = "DURATION", description = "p99 end-to-end latency bound.")
    String e2eSlo;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any request key, e.g. --set simulation.duration=30.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--jobs", paramLabel = "N", description = "Candidate families searched at once (default: one per core).")
    Integer jobs;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the plan's JSON here.")
    Path output;

    @Option(names = "--summary", paramLabel = "FILE", description = "Write the human-readable report here.")
    Path summary;

    @Option(names = "--plot", paramLabel = "FILE", description = "Write a PNG of max QPS against cost, with the Pareto frontier.")
    Path plot;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr and no report on stdout.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (jobs != null && jobs < 1) {
            throw new BadInputException("--jobs: expected a positive integer, got " + jobs);
        }
        PlanRequestLoader loader = new PlanRequestLoader();
        if (request != null) {
            loader.request(request);
        }
        if (workload != null) {
            loader.section("workload", workload);
        }
        if (constraints != null) {
            loader.section("constraints", constraints);
        }
        if (profile != null) {
            loader.set("profile", quoted(Path.of(profile).toAbsolutePath().normalize().toString()), "--profile " + profile);
        }
        if (telemetry != null) {
            loader.set("telemetry", quoted(Path.of(telemetry).toAbsolutePath().normalize().toString()),
                    "--telemetry " + telemetry);
        }
        if (model != null) {
            loader.set("model", quoted(model), "--model " + model);
        }
        if (gpuTypes != null) {
            loader.set("config_space.gpu_types", "[" + String.join(", ", gpuTypes.stream().map(PlanCommand::quoted)
                    .toList()) + "]", "--gpu-types " + String.join(" ", gpuTypes));
        }
        number(loader, "--max-cost", "constraints.max_cost_per_hour", maxCost);
        number(loader, "--min-qps", "constraints.min_qps", minQps);
        duration(loader, "--ttft-slo", "constraints.max_ttft_p95_ms", ttftSlo);
        duration(loader, "--tbt-slo", "constraints.max_tbt_p99_ms", tbtSlo);
        duration(loader, "--tpot-slo", "constraints.max_tpot_p99_ms", tpotSlo);
        duration(loader, "--e2e-slo", "constraints.max_latency_p99_ms", e2eSlo);
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException("--set " + s + ": expected key.path=value");
            }
            loader.set(s.substring(0, eq).trim(), s.substring(eq + 1).trim(), "--set " + s);
        }
        PlanRequest req = loader.load();
        String source = request != null ? request.toString() : "command line";
        CapacityPlanner planner = new CapacityPlanner(req, Catalog.builtin(), source);
        RunInputs inputs = new RunInputs().file("planning request (--request)", request)
                .file("workload section (--workload)", workload)
                .file("constraints section (--constraints)", constraints)
                .profile("profile (profile)", req.profile())
                .file("telemetry (telemetry)", req.telemetry());
        Plan plan;
        try (OutputSet outputs = inputs.outputs()) {
            Path outputFile = outputs.add("--output", output);
            Path summaryFile = outputs.add("--summary", summary);
            Path plotFile = outputs.add("--plot", plot);
            var err = spec.commandLine().getErr();
            int n = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
            plan = planner.search(n, quiet ? line -> { } : line -> {
                err.println(line);
                err.flush();
            });
            try {
                if (outputFile != null) {
                    CapacityPlanner.saveReport(plan, outputFile);
                }
                if (summaryFile != null) {
                    CapacityPlanner.saveSummary(plan, summaryFile);
                }
                if (plotFile != null) {
                    PlanReport.plot(plan, plotFile);
                }
                outputs.commitAll();
            } catch (java.io.UncheckedIOException e) {
                throw outputs.explain(e);
            }
        }
        if (!quiet) {
            var out = spec.commandLine().getOut();
            out.print(PlanReport.render(plan));
            if (output != null) {
                out.println("plan: " + output);
            }
            out.flush();
        }
        return 0;
    }

    private static void number(PlanRequestLoader l, String flag, String key, Double v) {
        if (v != null) {
            l.set(key, String.format(Locale.ROOT, "%s", v), flag + " " + v);
        }
    }

    private static void duration(PlanRequestLoader l, String flag, String key, String v) {
        if (v != null) {
            l.set(key, String.valueOf(DurationValue.ms(flag, v)), flag + " " + v);
        }
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
