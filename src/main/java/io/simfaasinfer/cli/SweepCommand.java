package io.simfaasinfer.cli;

import io.simfaasinfer.experiment.ResultsDb;
import io.simfaasinfer.experiment.SweepGrid;
import io.simfaasinfer.experiment.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code simfaasinfer sweep}: a grid of variants of one configuration into a DuckDB results database. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {SweepExportCommand.class, SweepPlotCommand.class},
        description = {"Run every point of a parameter grid over a base configuration, in parallel, into a DuckDB"
                + " results database (one row per point, committed as it finishes; --resume continues a stopped"
                + " sweep). See docs/experiments.md.",
                "Example: simfaasinfer sweep --config base.yaml --arrival-rate 2,4,6,8 --param scheduler.name=vllm,sarathi"
                        + " --param cluster.replicas=1,2 --jobs 4 --db results.duckdb"})
public final class SweepCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--param", paramLabel = "KEY=V1,V2,...",
            description = "A swept config key and its values (repeatable; the grid is their product).")
    List<String> params = new ArrayList<>();

    @Option(names = "--grid", paramLabel = "FILE", description = "The points as a YAML/JSON list of {key: value} mappings.")
    Path grid;

    @Option(names = "--seeds", split = ",", paramLabel = "S1,S2,...",
            description = "Replications: every point under each seed (default: the configuration's seed).")
    List<Long> seeds;

    @Option(names = {"--jobs", "--n-jobs"}, paramLabel = "N", description = "Points run at once (default: one per core).")
    Integer jobs;

    @Option(names = {"--db", "--checkpoint-path"}, paramLabel = "FILE",
            description = "The DuckDB results database (created if missing); required.")
    Path db;

    @Option(names = "--executor", paramLabel = "NAME", defaultValue = "local",
            description = "Where points run: local (threads of this JVM, default) or spark (the optional module).")
    String executor;

    @Option(names = "--spark-master", paramLabel = "URL", description = "Spark master for --executor spark (default local[*]).")
    String sparkMaster;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run only slice I of N of the points (point index mod N = I, from 0), e.g. one per machine.")
    String shard;

    @Option(names = "--resume", description = "Continue the sweep recorded in --db: skip points already done.")
    boolean resume;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    /** Every swept key must be a configuration key (a typo is bad input, not a failing point). */
    private void checkKeys(List<SweepGrid.Point> points) {
        var tree = new io.simfaasinfer.config.ConfigLoader().load(options.config, List.of()).tree();
        java.util.Set<String> checked = new java.util.HashSet<>();
        for (SweepGrid.Point p : points) {
            for (String key : p.params().keySet()) {
                if (!checked.add(key)) {
                    continue;
                }
                com.fasterxml.jackson.databind.JsonNode n = tree;
                String[] parts = key.split("\\.");
                for (int i = 0; i < parts.length; i++) {
                    com.fasterxml.jackson.databind.JsonNode next = n == null ? null : n.get(parts[i]);
                    boolean freeForm = n != null && n.isObject() && i > 0
                            && List.of("options", "columns").contains(parts[i - 1]);
                    if (i == 0 && next == null && List.of("deployment", "disaggregation").contains(parts[0])) {
                        break; // sections without defaults: their contents are checked per point
                    }
                    if (next == null && !freeForm) {
                        java.util.List<String> known = new java.util.ArrayList<>();
                        if (n != null) {
                            n.fieldNames().forEachRemaining(known::add);
                        }
                        String where = i == 0 ? "a section" : "a key of " + String.join(".",
                                java.util.Arrays.copyOf(parts, i));
                        throw new BadInputException("--param " + key + ": no such configuration key ('" + parts[i]
                                + "' is not " + where + "; known: " + String.join(", ", known) + ")");
                    }
                    n = next;
                    if (n == null || n.isNull() || !n.isObject()) {
                        break; // a null section (deployment, trace) or a value: its contents are checked per point
                    }
                }
            }
        }
    }

    @Override
    public Integer call() {
        if (jobs != null && jobs < 1) {
            throw new BadInputException("--jobs: expected a positive integer, got " + jobs);
        }
        if (db == null) {
            throw new BadInputException("--db FILE is required: the results database the sweep writes");
        }
        if (grid != null && !params.isEmpty()) {
            throw new BadInputException("give --grid or --param, not both");
        }
        options.ratesAreSwept = true;
        LinkedHashMap<String, List<String>> grid0 = new LinkedHashMap<>();
        if (options.arrivalRate != null) {
            grid0.put("workload.arrival.rate", options.arrivalRate.stream().map(d -> String.format(Locale.ROOT, "%s", d))
                    .toList());
        }
        for (String p : params) {
            Map.Entry<String, List<String>> e = SweepGrid.param(p);
            if (grid0.containsKey(e.getKey())) {
                throw new BadInputException("--param " + p + ": " + e.getKey() + " is swept twice");
            }
            grid0.put(e.getKey(), e.getValue());
        }
        List<Long> s = seeds;
        if (s == null || s.isEmpty()) {
            s = List.of(options.resolve().config().simulation().randomSeed());
        }
        List<SweepGrid.Point> points = grid != null ? SweepGrid.file(grid, s) : SweepGrid.product(grid0, s);
        checkKeys(points);
        if (shard != null) {
            String[] f = shard.split("/");
            int i;
            int of;
            try {
                i = Integer.parseInt(f[0].trim());
                of = f.length == 2 ? Integer.parseInt(f[1].trim()) : -1;
            } catch (NumberFormatException e) {
                of = -1;
                i = -1;
            }
            if (f.length != 2 || of < 1 || i < 0 || i >= of) {
                throw new BadInputException("--shard " + shard + ": expected I/N with 0 <= I < N, e.g. 0/4");
            }
            final int slice = i;
            final int slices = of;
            points = points.stream().filter(p -> p.index() % slices == slice).toList();
        }
        SweepRunner.executor(executor); // an unknown executor is refused before the database is touched
        try (io.simfaasinfer.report.OutputSet outputs = new RunInputs().file("config (--config)", options.configFile())
                .file("catalog (--catalog)", options.catalogFile()).file("grid (--grid)", grid).outputs()) {
            outputs.checkInPlace("--db", db); // the database grows point by point (resumable): checked, not staged
        }
        boolean existed = Files.exists(db);
        if (existed && !Files.isRegularFile(db)) {
            throw new BadInputException(db + ": not a regular file; --db names a DuckDB results database file");
        }
        var err = spec.commandLine().getErr();
        try (ResultsDb results = ResultsDb.open(db)) {
            if (existed && !resume && results.count() > 0) {
                throw new BadInputException(db + ": already holds " + results.count() + " points; pass --resume to"
                        + " continue that sweep, or choose another --db (nothing is overwritten)");
            }
            int n = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
            List<io.simfaasinfer.experiment.PointTask> tasks = new ArrayList<>();
            for (SweepGrid.Point p : points) {
                tasks.add(new io.simfaasinfer.experiment.PointTask(p.index(), p.seed(), new LinkedHashMap<>(p.params()),
                        options.configFile() == null ? null : options.configFile().toAbsolutePath().toString(),
                        options.catalogFile() == null ? null : options.catalogFile().toAbsolutePath().toString(),
                        options.overridePairs(p.overrides(), "point " + (p.index() + 1))));
            }
            SweepRunner.Summary sum = SweepRunner.run(tasks, results, SweepRunner.executor(executor), n, sparkMaster,
                    resume, quiet ? line -> { } : line -> {
                        err.println(line);
                        err.flush();
                    });
            sum.warnings().forEach((w, count) -> // shown even with --quiet: rows were dropped
                    err.println("warning: " + w + " (" + count + " of " + sum.ran() + " points run)"));
            err.flush();
            var out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "sweep: %d points, %d run (%d failed, recorded with their error), %d already done;"
                    + " %.1f s; results: %s%n", sum.points(), sum.ran(), sum.failed(), sum.skipped(), sum.wallS(), db);
            out.flush();
        }
        return 0;
    }
}
