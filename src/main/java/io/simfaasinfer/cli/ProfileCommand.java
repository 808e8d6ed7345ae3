package io.simfaasinfer.cli;

import io.simfaasinfer.predictor.profile.FaaSInferProfile;
import io.simfaasinfer.predictor.profile.FitReport;
import io.simfaasinfer.predictor.profile.LeaveOneOut;
import io.simfaasinfer.predictor.profile.ProfileEntry;
import io.simfaasinfer.predictor.profile.ProfileException;
import io.simfaasinfer.report.JsonReport;
import io.simfaasinfer.report.OutputSet;
import io.simfaasinfer.report.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code simfaasinfer profile inspect DIR}: the grid of a FaaSInfer profile and how well it is fitted. */
@Command(name = "profile", mixinStandardHelpOptions = true, description = "Work with FaaSInfer profiles.",
        subcommands = ProfileCommand.Inspect.class)
public final class ProfileCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = {"Show a profile's grid, the fitted model, and each point's in-sample and leave-one-out error.",
                    "DIR is a profile directory (fitted_profile.json, metadata.json[, model_memory.json]) or its fitted_profile.json."})
    public static final class Inspect implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "DIR|FILE", description = "The profile.")
        Path profile;

        @Option(names = "--plot", paramLabel = "FILE", description = "Write a PNG of predicted vs measured times.")
        Path plot;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!Files.exists(profile)) {
                throw new BadInputException(profile + ": no such file or directory");
            }
            try (OutputSet outputs = new RunInputs().profile("profile (DIR|FILE)", profile.toString()).outputs()) {
                Path plotFile = outputs.add("--plot", plot);
                try {
                    inspect(plotFile);
                } catch (java.io.UncheckedIOException e) {
                    throw outputs.explain(e);
                }
                outputs.commitAll();
            }
            return 0;
        }

        private void inspect(Path plotFile) {
            FaaSInferProfile p;
            try {
                p = FaaSInferProfile.read(profile);
            } catch (ProfileException e) {
                throw new BadInputException(e.getMessage());
            }
            FitReport report = LeaveOneOut.run(p);
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(JsonReport.toJson(toMap(p, report)));
            } else {
                out.printf(Locale.ROOT, "grid: %d prefill points (seq_len x batch), %d decode points (kv_cache x batch), GPU %s%n",
                        p.prefillEntries().size(), p.decodeEntries().size(), p.metadata().gpu());
                out.print(report.toText());
            }
            if (plot != null) {
                List<FitReport.Point> pts = report.points();
                Plots.predictedVsMeasured(plotFile, "profile fit: " + p.modelName(),
                        pts.stream().mapToDouble(FitReport.Point::measuredMs).toArray(),
                        pts.stream().mapToDouble(FitReport.Point::predictedMs).toArray(),
                        pts.stream().mapToDouble(FitReport.Point::looPredictedMs).toArray());
                if (!json) {
                    out.println("plot: " + plot);
                }
            }
            out.flush();
        }

        private static Map<String, Object> toMap(FaaSInferProfile p, FitReport r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", p.modelName());
            m.put("gpu", p.metadata().gpu());
            m.put("source", p.source());
            m.put("prefill_points", p.prefillEntries().size());
            m.put("decode_points", p.decodeEntries().size());
            m.put("model_form", r.coefficients().toString());
            m.put("in_sample", r.inSample());
            m.put("leave_one_out", r.leaveOneOut());
            m.put("points", r.points().stream().map(pt -> {
                ProfileEntry e = pt.entry();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("point", e.label());
                row.put("measured_ms", pt.measuredMs());
                row.put("predicted_ms", pt.predictedMs());
                row.put("loo_predicted_ms", pt.looPredictedMs());
                row.put("loo_error", pt.looError());
                return row;
            }).toList());
            return m;
        }
    }
}
