package io.simfaasinfer.cli;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.profile.ErrorStats;
import io.simfaasinfer.predictor.profile.FaaSInferProfile;
import io.simfaasinfer.predictor.profile.FitReport;
import io.simfaasinfer.predictor.profile.LeaveOneOut;
import io.simfaasinfer.predictor.profile.ProfileEntry;
import io.simfaasinfer.predictor.profile.ProfileException;
import io.simfaasinfer.predictor.profile.RooflineCalibrator;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code simfaasinfer profile inspect DIR}: the grid of a FaaSInfer profile and how well it is
 * fitted; {@code profile synthesize}: a profile made by the simulator's predictor.
 */
@Command(name = "profile", mixinStandardHelpOptions = true, description = "Work with FaaSInfer profiles.",
        subcommands = {ProfileCommand.Inspect.class, ProfileSynthesizeCommand.class})
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
            Catalog catalog = Catalog.builtin();
            Optional<ModelSpec> model;
            try {
                // as run reads it: any directory name; the model it names, when the catalog has it, must agree
                p = FaaSInferProfile.readAnyDirectoryName(profile);
                model = catalog.findModel(p.modelName());
                if (model.isPresent()) {
                    p.requireModel(model.get());
                }
            } catch (ProfileException e) {
                throw new BadInputException(e.getMessage());
            }
            if (p.prefillEntries().size() < 2 || p.decodeEntries().size() < 2) {
                tiny(p, model.orElseThrow(() -> new BadInputException(p.source() + "/metadata.json: field"
                        + " 'model_name' is '" + p.modelName() + "', not a catalog model; a profile with fewer than"
                        + " two prefill and two decode entries is predicted by the roofline of the catalog's model")),
                        catalog);
                return;
            }
            FitReport report = LeaveOneOut.run(p);
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(JsonReport.toJson(toMap(p, report)));
            } else {
                out.printf(Locale.ROOT, "grid: %d prefill points (seq_len x batch), %d decode points (kv_cache x batch), GPU %s%n",
                        p.prefillEntries().size(), p.decodeEntries().size(), p.metadata().gpu());
                out.print(report.toText());
                for (var g : io.simfaasinfer.predictor.profile.LeaveGroupOut.runAll(p).values()) {
                    out.printf(Locale.ROOT, "leave-%s-out: %s worst %s%s%n",
                            g.axis().name().toLowerCase(Locale.ROOT).replace('_', '-'), g.stats(), g.worst(),
                            g.skipped() > 0 ? " (" + g.skipped() + " groups too few to refit)" : "");
                }
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

        /**
         * A profile with too few points for its own model: what run does with it, the roofline
         * calibrated on its points (with the same warning), and each point's error.
         */
        private Integer tiny(FaaSInferProfile p, ModelSpec model, Catalog catalog) {
            GpuSpec gpu = PredictorFactory.profileGpu(p, catalog);
            RooflineCalibrator.Result r;
            try {
                r = RooflineCalibrator.calibrate(gpu, List.of(new RooflineCalibrator.Input(p, model)));
            } catch (ProfileException | IllegalArgumentException e) {
                throw new BadInputException(p.source() + ": " + e.getMessage());
            }
            RooflineParams c = r.params();
            String form = String.format(Locale.ROOT, "roofline calibrated on the profile's points: compute %.3f,"
                    + " memory %.3f, decode attention %.3f, overhead %.2f ms + %.1f us/layer", c.computeEfficiency(),
                    c.memoryEfficiency(), r.decodeEfficiency(), c.overheadMs(), c.perLayerOverheadUs());
            var err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "warning: profile %s has %d prefill and %d decode entries, too few to fit its own"
                    + " model (two of each): run calibrates the roofline on them instead; measure more points for"
                    + " the profile predictor%n", p.source(), p.prefillEntries().size(), p.decodeEntries().size());
            err.flush();
            var predictor = r.predictorFor(model, p.tensorParallel());
            List<Map<String, Object>> rows = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            text.append(String.format(Locale.ROOT, "grid: %d prefill points, %d decode points, GPU %s%nprofile %s (%s)"
                    + "%nmodel: %s%n%-34s %10s %10s %7s%n", p.prefillEntries().size(), p.decodeEntries().size(),
                    p.metadata().gpu(), p.modelName(), p.source(), form, "point", "measured", "roofline", "err"));
            for (ProfileEntry e : p.entries()) {
                double pred = predictor.predict(e.toBatch()).totalMs();
                double rel = ErrorStats.absRelError(pred, e.medianMs());
                text.append(String.format(Locale.ROOT, "%-34s %10.3f %10.3f %6.2f%%%n", e.label(), e.medianMs(), pred,
                        100 * rel));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("point", e.label());
                row.put("measured_ms", e.medianMs());
                row.put("predicted_ms", pred);
                rows.add(row);
            }
            text.append("in-sample:     ").append(r.overall()).append(System.lineSeparator());
            var out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("model", p.modelName());
                m.put("gpu", p.metadata().gpu());
                m.put("source", p.source());
                m.put("prefill_points", p.prefillEntries().size());
                m.put("decode_points", p.decodeEntries().size());
                m.put("model_form", form);
                m.put("in_sample", r.overall());
                m.put("points", rows);
                out.println(JsonReport.toJson(m));
            } else {
                out.print(text);
            }
            if (plot != null) {
                Plots.predictedVsMeasured(plot, "roofline fit: " + p.modelName(),
                        rows.stream().mapToDouble(m -> (double) m.get("measured_ms")).toArray(),
                        rows.stream().mapToDouble(m -> (double) m.get("predicted_ms")).toArray(),
                        rows.stream().mapToDouble(m -> (double) m.get("predicted_ms")).toArray());
                if (!json) {
                    out.println("plot: " + plot);
                }
            }
            out.flush();
            return 0;
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
