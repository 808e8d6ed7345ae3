package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.PredictorConfig;
import io.simfaasinfer.predictor.ElementwiseTraffic;
import io.simfaasinfer.predictor.EngineModel;
import io.simfaasinfer.predictor.EnginePredictor;
import io.simfaasinfer.predictor.Engines;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.RooflinePredictor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the predictor a configuration asks for, in three modes: a measured profile of the model on
 * the GPU, a roofline calibrated from profiles of other models, or the uncalibrated roofline; then,
 * optionally, rescaled by production telemetry.
 */
public final class PredictorFactory {

    /** The predictor and what was done to build it (for reports). */
    public record Built(ExecutionTimePredictor predictor, String mode, List<String> notes) {
    }

    private PredictorFactory() {
    }

    /**
     * Which predictor {@link #build} makes for {@code p}: "profile", "calibrated" or "roofline".
     * With kind {@code auto}: a given profile, else given calibration profiles, else the built-in
     * profile of this model on this GPU if one ships, else the roofline.
     */
    public static String mode(PredictorConfig p, String modelName, String gpuName) {
        return switch (p.kind()) {
            case "profile", "calibrated", "roofline" -> p.kind();
            default -> {
                if (p.profile() != null) {
                    yield "profile";
                }
                if (p.calibrateFrom() != null && !p.calibrateFrom().isEmpty()) {
                    yield "calibrated";
                }
                yield BuiltinProfiles.has(modelName, gpuName) ? "profile" : "roofline";
            }
        };
    }

    /**
     * Predictors built once and shared by many simulations (a capacity search runs thousands with the
     * same few): thread-safe, keyed by the predictor settings, model, GPU and TP. Predictors are
     * immutable, so sharing one changes no result.
     */
    public static final class Cache {
        /** The model whole (its served dtypes too: an fp8 and a bf16 run of one model get different predictors). */
        private record Key(PredictorConfig p, ModelSpec model, String gpu, int tp) {
        }

        private final java.util.concurrent.ConcurrentHashMap<Key, Built> built = new java.util.concurrent.ConcurrentHashMap<>();

        public Built get(PredictorConfig p, ModelSpec model, GpuSpec gpu, int tp, Catalog catalog) {
            return built.computeIfAbsent(new Key(p, model, gpu.name(), tp), k -> build(p, model, gpu, tp, catalog));
        }

        /** The notes of every predictor built (how it was made, calibrations, warnings), sorted, distinct. */
        public List<String> notes() {
            java.util.TreeSet<String> out = new java.util.TreeSet<>();
            for (var e : built.entrySet()) {
                for (String n : e.getValue().notes()) {
                    out.add(e.getKey().gpu() + " tp" + e.getKey().tp() + ": " + n);
                }
            }
            return List.copyOf(out);
        }
    }

    public static Built build(PredictorConfig p, ModelSpec model, GpuSpec gpu, int tp, Catalog catalog) {
        List<String> notes = new ArrayList<>();
        ExecutionTimePredictor base;
        String mode = mode(p, model.name(), gpu.name());
        try {
            if (mode.equals("profile") && model.usesFp8()) {
                base = fp8FromProfile(p, model, gpu, tp, catalog, notes);
                mode = "calibrated";
            } else if (mode.equals("profile") && p.profile() != null) {
                FaaSInferProfile prof = read(p.profile(), model);
                requireSameGpu(prof, gpu, catalog);
                int pre = prof.prefillEntries().size();
                int dec = prof.decodeEntries().size();
                if (pre < 2 || dec < 2) {
                    // too few points to fit the profile model: fit the roofline's fewer parameters to them instead
                    RooflineCalibrator.Result r = RooflineCalibrator.calibrate(gpu,
                            List.of(new RooflineCalibrator.Input(prof, model)));
                    base = r.calibratedFor(model, gpu, tp);
                    RooflineParams c = r.params();
                    notes.add(String.format(Locale.ROOT, "warning: profile %s has %d prefill and %d decode entries, too"
                            + " few to fit its own model (two of each): the roofline is calibrated on them instead"
                            + " (compute %.3f, memory %.3f, decode attention %.3f, overhead %.2f ms + %.1f us/layer;"
                            + " error on them: median %.1f%%); measure more points for the profile predictor", p.profile(),
                            pre, dec, c.computeEfficiency(), c.memoryEfficiency(), r.decodeEfficiency(), c.overheadMs(),
                            c.perLayerOverheadUs(),
                            100 * r.overall().median()));
                    mode = "calibrated";
                } else {
                    base = ProfilePredictor.fit(prof, model, gpu, tp);
                    notes.add("profile " + p.profile());
                }
            } else if (mode.equals("calibrated")) {
                base = calibrated(p.calibrateFrom(), model, gpu, tp, catalog, notes);
            } else if (mode.equals("profile")) {
                FaaSInferProfile prof = BuiltinProfiles.find(model.name(), gpu.name()).orElseThrow(
                        () -> new ConfigException("predictor.profile: kind 'profile' needs a profile (none given, none built in for "
                                + model.name() + " on " + gpu.name() + ")"));
                base = ProfilePredictor.fit(prof, model, gpu, tp);
                notes.add("built-in profile " + BuiltinProfiles.gpuFolder(gpu.name()) + "/" + model.name());
            } else {
                base = roofline(p, model, gpu, tp);
            }
            java.util.Optional<EngineModel> engine = Engines.find(p.engine());
            if (engine.isPresent()) {
                EngineModel e = engine.get();
                if (base instanceof RooflinePredictor r && mode.equals("roofline")) {
                    // the engine's kernels and GPU-side overheads replace the flat roofline's
                    base = new RooflinePredictor(model, gpu, tp, e.params(r.params()),
                            e.kernels(gpu, r.params().computeEfficiency()));
                } else if (base instanceof RooflinePredictor r && mode.equals("calibrated")) {
                    // calibrated on a harness's profiles: its launch gaps and unfused kernels are not the engine's
                    RooflinePredictor engineOver = e.overCalibrated(r);
                    base = engineOver;
                    notes.add(String.format(Locale.ROOT, "engine %s over the calibrated roofline: the profiled harness's"
                                    + " fixed time (%.2f ms + %.1f us/layer) and unfused elementwise traffic replaced by the"
                                    + " engine's (%.2f ms + %.1f us/layer, fused kernels); memory-bound work at %.3f of the"
                                    + " bandwidth (the measured copy bandwidth; the harness's fit: %.3f)", e.name(),
                            r.params().overheadMs(), r.params().perLayerOverheadUs(), e.gpuOverheadMs(), e.gpuPerLayerUs(),
                            engineOver.params().memoryEfficiency(), r.params().memoryEfficiency()));
                } else if (base instanceof ProfilePredictor prof) {
                    // measured with a harness's unfused kernels: its fixed time is not the engine's either
                    double perLayer = model.numLayers() * e.gpuPerLayerUs() / 1000.0;
                    double reads = decodeKvTimeFactor(e, model, gpu);
                    io.simfaasinfer.predictor.GqaDecodeKernel gqa = e.gqaDecode();
                    double floorMs = 1e3 * gqa.floorSecPerDecode(model, tp);
                    base = prof.withEngineKernels(e.gpuOverheadMs() + perLayer, perLayer, reads, floorMs);
                    notes.add(String.format(Locale.ROOT, "engine %s over the measured profile: the profiled harness's"
                                    + " fixed time beyond the weight reads (%.2f ms) replaced by the engine's (%.2f ms + %.1f"
                                    + " us/layer = %.2f ms)%s%s; the measured GEMM, attention and per-sequence times are kept",
                            e.name(), prof.overheadMs(), e.gpuOverheadMs(), e.gpuPerLayerUs(), e.gpuOverheadMs() + perLayer,
                            reads > 1 ? String.format(Locale.ROOT, ", the decode attention x%.2f (the engine's kernel,"
                                    + " %s)", reads, gqa.describe(model.numHeads(), model.numKvHeads())) : "",
                            floorMs > 0 ? String.format(Locale.ROOT, ", the decode attention at least %.4f ms per"
                                    + " sequence (the engine kernel's thread blocks)", floorMs) : ""));
                }
                base = new EnginePredictor(base, e, model.numLayers());
                notes.add("engine " + e.name() + ": " + e.description());
            }
        } catch (ProfileException e) {
            throw new ConfigException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("predictor: " + e.getMessage());
        }
        if (p.telemetry() != null) {
            TelemetrySamples samples;
            try {
                samples = TelemetrySamples.read(Path.of(p.telemetry()));
            } catch (ProfileException e) {
                throw new ConfigException(e.getMessage());
            }
            TelemetryCalibration.Result r = TelemetryCalibration.calibrate(base, samples, p.telemetryOffset());
            notes.add(String.format(Locale.ROOT,
                    "telemetry %s: %d samples, scale x%.4f%s, median error %.1f%% -> %.1f%%, max %.1f%% -> %.1f%%",
                    p.telemetry(), r.samples(), r.scale(), p.telemetryOffset() ? String.format(Locale.ROOT, " %+.3f ms", r.offsetMs()) : "",
                    100 * r.before().median(), 100 * r.after().median(), 100 * r.before().max(), 100 * r.after().max()));
            return new Built(r.predictor(), mode + "+telemetry", notes);
        }
        return new Built(base, mode, notes);
    }

    /**
     * What the engine's decode kernel makes of a measured decode attention that read each KV head once: the
     * ratio of its memory time ({@link io.simfaasinfer.predictor.GqaDecodeKernel#timeBytes}, at the engine's
     * decode efficiency of the GPU's bandwidth) to one read at the storage width; 1 for a grouped kernel.
     */
    private static double decodeKvTimeFactor(EngineModel e, ModelSpec model, GpuSpec gpu) {
        io.simfaasinfer.predictor.GqaDecodeKernel gqa = e.gqaDecode();
        int kvb = model.kvBytesPerElement();
        gqa.requireL2(model, gpu);
        return gqa.timeBytes(model.numHeads(), model.numKvHeads(), kvb,
                io.simfaasinfer.predictor.KernelModel.decodeKvRereadBytes(kvb),
                gpu.memoryBandwidthBytes() * e.decodeMemoryEfficiency(), gpu.l2BandwidthBytes()) / kvb;
    }

    /**
     * An fp8 model where a profile (measured in bf16) would be used: the profile's iteration times are
     * not fp8 times, so the roofline is calibrated on the profile (with the model as catalogued, the
     * format it was measured in) and then applied to the fp8 model: fp8 GEMMs at the GPU's fp8 peak
     * with the calibrated compute efficiency, fp8 bytes at the calibrated memory efficiency.
     */
    private static RooflinePredictor fp8FromProfile(PredictorConfig p, ModelSpec model, GpuSpec gpu, int tp,
                                                    Catalog catalog, List<String> notes) {
        ModelSpec measured = model.asCatalogued();
        FaaSInferProfile prof;
        String what;
        if (p.profile() != null) {
            prof = read(p.profile(), measured);
            requireSameGpu(prof, gpu, catalog);
            what = "profile " + p.profile();
        } else {
            prof = BuiltinProfiles.find(model.name(), gpu.name()).orElseThrow(
                    () -> new ConfigException("predictor.profile: kind 'profile' needs a profile (none given, none built in for "
                            + model.name() + " on " + gpu.name() + ")"));
            what = "built-in profile " + BuiltinProfiles.gpuFolder(gpu.name()) + "/" + model.name();
        }
        // The classic roofline (no separate elementwise traffic): the profiles' unfused bf16 norm/rotary/
        // activation kernels are not what an fp8 engine runs (it fuses them, e.g. TensorRT-LLM's fp8 plugins).
        RooflineCalibrator.Result r = RooflineCalibrator.calibrate(gpu, List.of(new RooflineCalibrator.Input(prof, measured)),
                RooflineParams.DEFAULTS, io.simfaasinfer.predictor.ElementwiseTraffic.NONE);
        RooflineParams c = r.params();
        notes.add(String.format(Locale.ROOT, "warning: %s was measured in bf16; for fp8 (weights %s, KV cache %s) the"
                        + " roofline calibrated on it is used (compute %.3f, memory %.3f, decode attention %.3f, overhead"
                        + " %.2f ms + %.1f us/layer; fit median error %.1f%%), fp8 GEMMs at the %s fp8 peak of %.0f TFLOP/s",
                what, model.gemmDtype() == io.simfaasinfer.catalog.Dtype.FP8 ? "fp8" : "16-bit",
                model.kvBytesPerElement() == 1 ? "fp8" : "16-bit", c.computeEfficiency(), c.memoryEfficiency(),
                r.decodeEfficiency(), c.overheadMs(), c.perLayerOverheadUs(), 100 * r.overall().median(), gpu.name(), gpu.peakFp8Tflops()));
        return r.calibratedFor(model, gpu, tp);
    }

    public static RooflinePredictor roofline(PredictorConfig p, ModelSpec model, GpuSpec gpu, int tp) {
        return new RooflinePredictor(model, gpu, tp, new RooflineParams(p.computeEfficiency(), p.memoryEfficiency(),
                p.commEfficiency(), p.overheadMs(), p.perLayerOverheadUs()));
    }

    private static FaaSInferProfile read(String path, ModelSpec model) {
        return FaaSInferProfile.read(Path.of(path), model);
    }

    private static RooflinePredictor calibrated(List<String> dirs, ModelSpec target, GpuSpec gpu, int tp,
                                                Catalog catalog, List<String> notes) {
        if (dirs == null || dirs.isEmpty()) {
            throw new ConfigException("predictor.calibrate_from: empty; expected at least one profile directory");
        }
        List<RooflineCalibrator.Input> inputs = new ArrayList<>();
        GpuSpec measuredOn = null;
        for (String d : dirs) {
            if (d == null || d.isBlank()) {
                throw new ConfigException("predictor.calibrate_from: an empty path; expected profile directories");
            }
            FaaSInferProfile prof = FaaSInferProfile.read(Path.of(d));
            ModelSpec m = catalog.findModel(prof.modelName()).orElseThrow(() -> new ConfigException(
                    d + ": model '" + prof.modelName() + "' of this profile is not in the catalog; add it with --catalog"));
            GpuSpec g = profileGpu(prof, catalog);
            if (measuredOn != null && !measuredOn.name().equals(g.name())) {
                throw new ConfigException(d + ": measured on " + g.name() + " but " + dirs.get(0) + " on "
                        + measuredOn.name() + "; calibrate from profiles of one GPU");
            }
            measuredOn = g;
            inputs.add(new RooflineCalibrator.Input(prof, m));
        }
        RooflineCalibrator.Result r = RooflineCalibrator.calibrate(measuredOn, inputs);
        RooflineParams c = r.params();
        notes.add(String.format(Locale.ROOT,
                "roofline calibrated on %s from %s: compute %.3f, memory %.3f, decode attention %.3f%s, overhead %.2f ms"
                        + " + %.1f us/layer, fit median error %.1f%%%s",
                measuredOn.name(), String.join(", ", r.perModel().keySet()), c.computeEfficiency(), c.memoryEfficiency(),
                r.decodeEfficiency(), Double.isNaN(r.decodeMemoryEfficiency()) ? "" : " (measured copy bandwidth)",
                c.overheadMs(), c.perLayerOverheadUs(), 100 * r.overall().median(),
                measuredOn.name().equals(gpu.name()) ? "" : siblingNote(measuredOn, gpu)));
        return r.calibratedFor(target, gpu, tp);
    }

    private static String siblingNote(GpuSpec measuredOn, GpuSpec gpu) {
        double ratio = RooflineCalibrator.computeTransfer(measuredOn, gpu);
        if (Double.isNaN(measuredOn.sustainedComputeFraction()) || Double.isNaN(gpu.sustainedComputeFraction())) {
            return "; applied to sibling " + gpu.name() + " by its datasheet (no sustained GEMM figure for "
                    + (Double.isNaN(gpu.sustainedComputeFraction()) ? gpu.name() : measuredOn.name()) + ")";
        }
        return String.format(Locale.ROOT, "; applied to sibling %s by its datasheet bandwidth and, for compute, its"
                + " sustained GEMM fraction of peak (%.3f against %.3f: x%.3f)", gpu.name(),
                gpu.sustainedComputeFraction(), measuredOn.sustainedComputeFraction(), ratio);
    }

    private static void requireSameGpu(FaaSInferProfile prof, GpuSpec gpu, Catalog catalog) {
        GpuSpec measured = profileGpu(prof, catalog);
        if (!measured.name().equals(gpu.name())) {
            throw new ConfigException(prof.source() + ": measured on " + measured.name() + ", but the cluster uses "
                    + gpu.name() + "; use predictor.calibrate_from to carry a profile to another GPU");
        }
    }

    /**
     * The catalog GPU a profile was measured on: the catalog name whose every dash-separated part
     * appears in metadata's {@code hardware.gpu} (e.g. "NVIDIA H100 80GB HBM3" is h100-80gb); the
     * longest such name wins.
     */
    public static GpuSpec profileGpu(FaaSInferProfile prof, Catalog catalog) {
        String hw = prof.metadata().gpu().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        GpuSpec best = null;
        for (GpuSpec g : catalog.gpus().values()) {
            boolean all = true;
            for (String part : g.name().toLowerCase(Locale.ROOT).split("-")) {
                all &= hw.contains(part.replaceAll("[^a-z0-9]", ""));
            }
            if (all && (best == null || g.name().length() > best.name().length())) {
                best = g;
            }
        }
        if (best == null) {
            throw new ConfigException(prof.source() + ": metadata.json hardware.gpu '" + prof.metadata().gpu()
                    + "' matches no catalog GPU; known: " + String.join(", ", catalog.gpuNames()));
        }
        return best;
    }
}
