package io.simfaasinfer.cli;

import io.simfaasinfer.experiment.ResultsDb;
import io.simfaasinfer.experiment.SweepExport;
import io.simfaasinfer.report.OutputSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code simfaasinfer sweep export}: a results database as CSV, Parquet or JSON. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Export a sweep's results database: one row per point (or, with --aggregate, per parameter"
                + " combination over its seeds: mean and 95%% confidence half-width of every metric).")
public final class SweepExportCommand implements Callable<Integer> {

    @Option(names = {"--db", "--checkpoint-path"}, paramLabel = "FILE", required = true, description = "The results database.")
    Path db;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv (default), parquet or json.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE|-", required = true, description = "Where to write; - for stdout.")
    String output;

    @Option(names = "--aggregate", description = "One row per parameter combination over its seeds (mean, ci95).")
    boolean aggregate;

    @Option(names = "--with-results", description = "Include each point's full result JSON (a column).")
    boolean withResults;

    @Override
    public Integer call() {
        SweepExport.Format f = SweepExport.Format.parse(format).orElseThrow(() -> new BadInputException(
                "--format: unknown format '" + format + "'; expected csv, parquet or json"));
        if (!Files.isRegularFile(db)) {
            throw new BadInputException(db + ": no such results database");
        }
        if (output.equals("-")) {
            try (ResultsDb results = ResultsDb.open(db)) {
                SweepExport.export(results, f, output, aggregate, withResults, new FileOutputStream(FileDescriptor.out));
            }
            return 0;
        }
        try (OutputSet outputs = new RunInputs().file("results database (--db)", db).outputs()) {
            Path staged = outputs.add("--output", Path.of(output));
            try (ResultsDb results = ResultsDb.open(db)) {
                SweepExport.export(results, f, staged.toString(), aggregate, withResults,
                        new FileOutputStream(FileDescriptor.out));
            } catch (java.io.UncheckedIOException e) {
                throw outputs.explain(e);
            }
            outputs.commitAll();
        }
        return 0;
    }
}
