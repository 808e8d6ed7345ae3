package io.simfaasinfer.cli;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.experiment.Parallel;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.report.JsonReport;
import io.simfaasinfer.report.OutputSet;
import io.simfaasinfer.report.RunPlots;
import io.simfaasinfer.routing.Routers;
import io.simfaasinfer.scheduler.Schedulers;
import io.simfaasinfer.scheduler.local.LocalPolicies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code simfaasinfer compare}: the same workload and cluster under several schedulers (and
 * optionally routers and local policies, crossed), side by side. Runs are independent
 * simulations executed in parallel threads; the output is in the order requested and identical
 * whatever the thread count.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one configuration under several schedulers (x routers x local policies) and compare"
                + " TTFT, TBT and E2E percentiles, throughput and preemptions side by side.",
                "Example: simfaasinfer compare --config base.yaml --schedulers vllm,sarathi,orca,ft"})
public final class CompareCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--schedulers", split = ",", paramLabel = "NAME[,NAME...]",
            description = "Schedulers to compare (scheduler.name), e.g. vllm,sarathi,orca,ft,vllm-v1,lightllm.")
    List<String> schedulers;

    @Option(names = "--deployments", split = ",", paramLabel = "FILE[,FILE...]",
            description = "Deployments to compare: YAML/JSON files whose sections (deployment, disaggregation, cluster,"
                    + " ...) are applied over the base configuration, e.g. examples/deployments/*.yaml.")
    List<Path> deployments;

    @Option(names = "--routers", split = ",", paramLabel = "NAME[,NAME...]",
            description = "Also vary the router (cluster.router), e.g. round_robin,least_kv,power_of_two.")
    List<String> routers;

    @Option(names = "--local-policies", split = ",", paramLabel = "NAME[,NAME...]",
            description = "Also vary the local policy (scheduler.local_policy), e.g. fcfs,sjf,edf,milp.")
    List<String> localPolicies;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the JSON results of every run here.")
    Path output;

    @Option(names = "--plots-dir", paramLabel = "DIR",
            description = "Write side-by-side TTFT, TBT and E2E CDFs of every variant here (PNG).")
    Path plotsDir;

    @Option(names = "--json", description = "Print the JSON results on stdout instead of the table.")
    boolean json;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "How to print the table: text (default, aligned columns), markdown, or csv (a header, then"
                    + " one row per compared configuration).")
    Comparison.Format format;

    @Option(names = "--threads", paramLabel = "N", description = "Simulations run at once (default: one per core).")
    Integer threads;

    @Spec
    CommandSpec spec;

    private record Variant(String label, List<String> sets) {
    }

    @Override
    public Integer call() {
        if (threads != null && threads < 1) {
            throw new BadInputException("--threads: expected a positive integer, got " + threads);
        }
        if (json && format != Comparison.Format.text) {
            throw new BadInputException("give --json or --format " + format + ", not both");
        }
        if ((schedulers == null || schedulers.isEmpty()) && (deployments == null || deployments.isEmpty())) {
            throw new BadInputException("give --schedulers or --deployments (or both) to compare");
        }
        checkNames("--schedulers", "scheduler", schedulers, Schedulers.registry().all().keySet());
        checkNames("--routers", "router", routers, Routers.registry().all().keySet());
        checkNames("--local-policies", "local policy", localPolicies, LocalPolicies.registry().all().keySet());
        List<Variant> variants = variants();
        List<ConfigOptions.Resolved> configs = new ArrayList<>();
        for (Variant v : variants) {
            configs.add(resolve(v.sets()));
        }
        List<List<String>> warnings = ConfigOptions.commonWarnings(configs);
        var err = spec.commandLine().getErr();
        RunInputs inputs = RunInputs.of(options, configs.get(0));
        configs.forEach(c -> inputs.config(c.config()));
        if (deployments != null) {
            deployments.forEach(d -> inputs.file("deployment (--deployments)", d));
        }
        try (OutputSet outputs = inputs.outputs()) {
            Path outputFile = outputs.add("--output", output);
            Function<String, Path> plotFiles = outputs.addDir("--plots-dir", plotsDir, RunPlots.COMPARE_FILES);
            // warnings once the outputs are known to be acceptable: bad input is one line alone
            java.util.Set<String> printed = new java.util.LinkedHashSet<>();
            warnings.stream().flatMap(List::stream).forEach(printed::add);
            printed.forEach(w -> err.println("warning: " + w));
            err.flush();
            try {
                Comparison comparison = compare(variants, configs, warnings, outputFile, plotFiles);
                // rows a trace replay skipped are known once the runs read it: each distinct line once
                comparison.runs().stream().flatMap(run -> run.result().warnings().stream()).filter(printed::add)
                        .forEach(w -> err.println("warning: " + w));
                err.flush();
                outputs.commitAll();
                var out = spec.commandLine().getOut();
                out.print(json ? JsonReport.toJson(comparison) + "\n" : comparison.render(format));
                if (output != null && !json && format == Comparison.Format.text) {
                    out.println("results: " + output);
                }
                out.flush();
            } catch (UncheckedIOException e) {
                throw outputs.explain(e);
            }
        }
        return 0;
    }

    /** Runs every variant and writes the staged --output and --plots-dir files (null: not asked for). */
    private Comparison compare(List<Variant> variants, List<ConfigOptions.Resolved> configs,
                               List<List<String>> warnings, Path outputFile, Function<String, Path> plotFiles) {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        List<Callable<Object[]>> tasks = new ArrayList<>();
        var traces = new io.simfaasinfer.workload.trace.TraceCache(); // the variants replay one trace: read it once
        for (int i = 0; i < configs.size(); i++) {
            String label = variants.get(i).label();
            ConfigOptions.Resolved r = configs.get(i);
            List<String> w = warnings.get(i);
            tasks.add(() -> run(label, r, w, traces));
        }
        List<Comparison.Run> runs = new ArrayList<>();
        List<io.simfaasinfer.metrics.MetricsCollector> metrics = new ArrayList<>();
        for (Object[] pair : Parallel.run(tasks, n)) {
            runs.add((Comparison.Run) pair[0]);
            metrics.add((io.simfaasinfer.metrics.MetricsCollector) pair[1]);
        }
        Comparison comparison = new Comparison(List.copyOf(runs));
        if (outputFile != null) {
            try {
                Files.writeString(outputFile, JsonReport.toJson(comparison) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + outputFile + ": " + e.getMessage(), e);
            }
        }
        if (plotsDir != null) {
            RunPlots.compareCdfs(plotFiles, runs.stream().map(Comparison.Run::label).toList(), metrics);
        }
        return comparison;
    }

    /** Fails with one line naming the option, the bad name and the known ones. */
    private static void checkNames(String option, String family, List<String> names, Set<String> known) {
        if (names == null) {
            return;
        }
        for (String n : names) {
            String name = n.trim();
            if (name.isEmpty()) {
                throw new BadInputException(option + ": empty " + family + " name in '" + String.join(",", names)
                        + "'; known: " + String.join(", ", known));
            }
            if (!known.contains(name)) {
                throw new BadInputException(option + ": unknown " + family + " '" + name + "'; known: "
                        + String.join(", ", known));
            }
        }
    }

    /** Every deployment x scheduler x router x local policy, in the order given. */
    private List<Variant> variants() {
        List<String> rs = routers == null || routers.isEmpty() ? java.util.Collections.singletonList(null) : routers;
        List<String> ps = localPolicies == null || localPolicies.isEmpty()
                ? java.util.Collections.singletonList(null) : localPolicies;
        List<String> ss = schedulers == null || schedulers.isEmpty() ? java.util.Collections.singletonList(null)
                : schedulers;
        List<Path> ds = deployments == null || deployments.isEmpty() ? java.util.Collections.singletonList(null)
                : deployments;
        List<Variant> out = new ArrayList<>();
        for (Path d : ds) {
        List<String> dsets = d == null ? List.of() : DeploymentVariant.sets(d);
        String dlabel = d == null ? null : DeploymentVariant.label(d);
        for (String s : ss) {
            for (String r : rs) {
                for (String p : ps) {
                    List<String> sets = new ArrayList<>(dsets);
                    StringBuilder label = new StringBuilder(dlabel == null ? "" : dlabel);
                    if (s != null) {
                        sets.add("scheduler.name=" + s.trim());
                        label.append(label.length() == 0 ? "" : "/").append(s.trim());
                    }
                    if (r != null) {
                        sets.add("disaggregation.prefill_global=" + r.trim());
                        label.append('/').append(r.trim());
                    }
                    if (p != null) {
                        sets.add("disaggregation.prefill_local=" + p.trim());
                        label.append('/').append(p.trim());
                    }
                    out.add(new Variant(label.toString(), sets));
                }
            }
        }
        }
        return out;
    }

    /** The shared options plus this variant's overrides, applied last. */
    private ConfigOptions.Resolved resolve(List<String> extra) {
        List<String> base = options.sets;
        List<String> all = new ArrayList<>(base);
        all.addAll(extra);
        options.sets = all;
        try {
            return options.resolve();
        } finally {
            options.sets = base;
        }
    }

    /** The run of one variant, and its metrics (for the CDF plots). */
    private static Object[] run(String label, ConfigOptions.Resolved r, List<String> warnings,
                                io.simfaasinfer.workload.trace.TraceCache traces) {
        SimulatorConfig c = r.config();
        Double slo = c.workload().ttftSloMs();
        SloCounter counter = new SloCounter(slo);
        Simulator sim = new Simulator(r.validated(), null, slo == null ? null : counter, null, traces);
        SimulationResult result = sim.run();
        List<String> all = new ArrayList<>(warnings);
        String skipped = io.simfaasinfer.workload.TraceSource.skipWarning(c.workload().trace(),
                result.workloadAdjustments());
        if (skipped != null) {
            all.add(skipped);
        }
        result = result.withWarnings(all);
        var entry = c.deployment().pools().get(0);
        return new Object[] {new Comparison.Run(label, entry.scheduler().name(), entry.router(),
                entry.scheduler().localPolicy(), slo, slo == null ? null : counter.attained(), result), sim.metrics()};
    }

    /** Counts measured requests whose first token met the TTFT SLO. */
    private static final class SloCounter implements Consumer<RequestRecord> {
        private final Double sloMs;
        private long measured;
        private long met;

        SloCounter(Double sloMs) {
            this.sloMs = sloMs;
        }

        @Override
        public void accept(RequestRecord r) {
            if (!r.measured()) {
                return;
            }
            measured++;
            if (r.outcome().equals("completed") && r.ttftMs() <= sloMs) {
                met++;
            }
        }

        double attained() {
            return measured == 0 ? 0 : (double) met / measured;
        }
    }
}
