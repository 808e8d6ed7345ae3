package io.simfaasinfer.cli;

import io.simfaasinfer.experiment.ResultsDb;
import io.simfaasinfer.experiment.SweepPlot;
import io.simfaasinfer.report.OutputSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code simfaasinfer sweep plot}: curves of one metric against another from a results database. */
@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Plot a sweep's results: --y against --x, one line per --by value, e.g."
                + " --x arrival_rate --y ttft_p99 --by scheduler (latency-throughput curves).")
public final class SweepPlotCommand implements Callable<Integer> {

    @Option(names = {"--db", "--checkpoint-path"}, paramLabel = "FILE", required = true, description = "The results database.")
    Path db;

    @Option(names = "--x", required = true, paramLabel = "COLUMN", description = "The x axis, e.g. arrival_rate.")
    String x;

    @Option(names = "--y", required = true, paramLabel = "COLUMN", description = "The y axis, e.g. ttft_p99.")
    String y;

    @Option(names = "--by", paramLabel = "COLUMN", description = "One line per value of this column, e.g. scheduler.")
    String by;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The PNG to write.")
    Path output;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(db)) {
            throw new BadInputException(db + ": no such results database");
        }
        try (OutputSet outputs = new RunInputs().file("results database (--db)", db).outputs()) {
            Path staged = outputs.add("--output", output);
            try (ResultsDb results = ResultsDb.open(db)) {
                SweepPlot.plot(results, x, y, by, staged);
            } catch (java.io.UncheckedIOException e) {
                throw outputs.explain(e);
            }
            outputs.commitAll();
        }
        return 0;
    }
}
