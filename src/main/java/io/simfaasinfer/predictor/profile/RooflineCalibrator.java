package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.predictor.ElementwiseTraffic;
import io.simfaasinfer.predictor.KernelModel;
import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.RooflinePredictor;
import io.simfaasinfer.predictor.SimpleBatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibrates the analytical {@link RooflinePredictor} of a GPU from measured profiles of any
 * models on that GPU, so that models without a profile can be predicted on it.
 *
 * <p>Fitted: {@code computeEfficiency}, {@code memoryEfficiency} (fractions of the datasheet
 * peak and bandwidth, hence transferable to a sibling GPU through its own datasheet, see
 * {@link Result#calibratedFor}), and the fixed per-iteration time. The fixed time is
 * {@code overheadMs + layers * perLayerOverheadUs}; when every profile has the same number of
 * layers the two are not separable, so {@code overheadMs} stays at its starting value and only
 * {@code perLayerOverheadUs} is fitted. {@code commEfficiency} is not observable in TP=1 profiles
 * and keeps its starting value.
 *
 * <p>The roofline calibrated carries the non-GEMM kernels' traffic of the profiled implementation
 * ({@link ElementwiseTraffic#UNFUSED_PYTORCH} for the shipped profiles, by default), counted from
 * each model's shape, not fitted: so the calibrated memory efficiency also prices the norms, rotary
 * and activation kernels of a model with other KV heads or MLP width, and the compute efficiency is
 * the GEMMs' own (0.68 of the bf16 peak on the H100 profiles, against 0.45 when that traffic was
 * folded into it).
 *
 * <p>The paged decode attention's bandwidth is not fitted when the calibration GPU's measured
 * ceilings are shipped ({@code device_ceilings.json}): decode attention streams the KV cache as one
 * long sequential read, so it runs at the device's sustained HBM throughput, measured as a
 * device-to-device copy (read plus write bytes: 3.01 TB/s on the H100 SXM, 0.898 of its 3.35 TB/s
 * datasheet figure). The fitted memory efficiency then prices the rest of the memory-bound work
 * (weights streamed by small-M GEMMs, the unfused elementwise kernels), which runs well below that
 * (about 0.6 on the shipped profiles). With one efficiency for both, a profile whose decodes read
 * little KV (a GQA model) calibrated the KV reads of a model with four times the KV heads from its
 * weight streaming: llama-2-7b predicted from llama-3-8b was 3.1% median, 10.4% worst off, now 1.8%
 * / 9.3% (and llama-3-8b from llama-2-7b 2.6% / 10.4% before, 1.2% / 6.4% now).
 *
 * <p>Objective: the mean absolute relative error over all grid points (each profile weighted
 * equally), which is robust to the few points where the roofline's shape is wrong; minimised by
 * Nelder-Mead with restarts, parameters kept in range by clamping plus a penalty.
 */
public final class RooflineCalibrator {

    /** A measured profile and the model it measured. */
    public record Input(FaaSInferProfile profile, ModelSpec model) {
    }

    /**
     * @param gpu      the GPU the profiles were measured on
     * @param params   the calibrated parameters
     * @param overall  errors over all points of all profiles
     * @param perModel errors per profile, by model name
     * @param decodeMemoryEfficiency the paged decode attention's fraction of the datasheet bandwidth:
     *                               measured ({@link #measuredDecodeBandwidth}), or NaN when none was
     *                               known and it is {@code params.memoryEfficiency()}
     */
    public record Result(GpuSpec gpu, RooflineParams params, double decodeMemoryEfficiency, ElementwiseTraffic elementwise,
                         ErrorStats overall, Map<String, ErrorStats> perModel) {

        public Result {
            perModel = Map.copyOf(perModel);
        }

        /** The calibrated roofline of {@code model} on the GPU it was calibrated on. */
        public RooflinePredictor predictorFor(ModelSpec model, int tp) {
            return new RooflinePredictor(model, gpu, tp, params, kernels(params, decodeMemoryEfficiency), elementwise);
        }

        /**
         * The calibrated roofline of {@code model} on {@code target}, which may be another GPU, with
         * {@link #paramsFor}'s efficiencies (the decode attention's fraction of the datasheet bandwidth
         * carried as it is); the fixed overheads are kept (same software stack assumed).
         */
        public RooflinePredictor calibratedFor(ModelSpec model, GpuSpec target, int tp) {
            RooflineParams p = paramsFor(target);
            return new RooflinePredictor(model, target, tp, p, kernels(p, decodeMemoryEfficiency), elementwise);
        }

        /** The decode attention's fraction of the datasheet bandwidth the calibrated rooflines use. */
        public double decodeEfficiency() {
            return Double.isNaN(decodeMemoryEfficiency) ? params.memoryEfficiency() : decodeMemoryEfficiency;
        }

        /**
         * The calibrated parameters carried to {@code target}: the memory efficiency is a fraction of
         * the datasheet bandwidth, applied to the target's; the compute efficiency is a fraction of the
         * datasheet peak times {@link #computeTransfer} (1 on the calibration GPU itself, so there the
         * parameters are {@link #params} unchanged).
         */
        public RooflineParams paramsFor(GpuSpec target) {
            double ratio = computeTransfer(gpu, target);
            if (ratio == 1) {
                return params;
            }
            return new RooflineParams(Math.min(1, params.computeEfficiency() * ratio), params.memoryEfficiency(),
                    params.commEfficiency(), params.overheadMs(), params.perLayerOverheadUs());
        }
    }

    /**
     * How a compute efficiency (a fraction of the datasheet bf16 peak) calibrated on {@code from}
     * carries to {@code to}: the ratio of the two parts' sustained fractions of peak
     * ({@link GpuSpec#sustainedComputeFraction()}, measured dense GEMM throughput over datasheet peak).
     * The datasheet peak is the boost clock; what a GEMM sustains depends on the power limit (an H100
     * SXM at 700 W runs dense GEMMs at ~80% of its 989 TFLOP/s, an A100 SXM at ~87% of 312), so the
     * same kernels reach different fractions of peak on the two. 1 when either figure is unknown
     * (the datasheet peak carries it) or the GPUs are the same.
     */
    public static double computeTransfer(GpuSpec from, GpuSpec to) {
        double a = from.sustainedComputeFraction();
        double b = to.sustainedComputeFraction();
        if (from.name().equals(to.name()) || Double.isNaN(a) || Double.isNaN(b)) {
            return 1;
        }
        return b / a;
    }

    private static final double MIN_EFF = 0.01;

    private RooflineCalibrator() {
    }

    /** Calibrates starting from {@link RooflineParams#DEFAULTS}, with {@link ElementwiseTraffic#UNFUSED_PYTORCH}. */
    public static Result calibrate(GpuSpec gpu, List<Input> inputs) {
        return calibrate(gpu, inputs, RooflineParams.DEFAULTS);
    }

    /** With {@link ElementwiseTraffic#UNFUSED_PYTORCH}, the shipped profiles' implementation. */
    public static Result calibrate(GpuSpec gpu, List<Input> inputs, RooflineParams start) {
        return calibrate(gpu, inputs, start, ElementwiseTraffic.UNFUSED_PYTORCH);
    }

    /**
     * @param elementwise the profiled implementation's non-GEMM traffic ({@link ElementwiseTraffic#NONE}:
     *                    the classic roofline, all of it inside the efficiencies)
     */
    public static Result calibrate(GpuSpec gpu, List<Input> inputs, RooflineParams start, ElementwiseTraffic elementwise) {
        return calibrate(gpu, inputs, start, elementwise, measuredDecodeBandwidth(gpu));
    }

    /**
     * The decode attention's bandwidth on {@code gpu} as a fraction of its datasheet figure, from its
     * shipped measured ceilings (device-to-device copy, read plus write bytes, over the catalog's
     * bandwidth; at most 1); NaN when none are shipped for it.
     */
    public static double measuredDecodeBandwidth(GpuSpec gpu) {
        double copy = BuiltinProfiles.deviceCeilings(gpu.name()).map(DeviceCeilings::d2dCopyTbS).orElse(Double.NaN);
        if (!(copy > 0) || !(gpu.memoryBandwidthTbS() > 0)) {
            return Double.NaN;
        }
        return Math.min(1, copy / gpu.memoryBandwidthTbS());
    }

    /**
     * @param decodeMemoryEfficiency the decode attention's fraction of the datasheet bandwidth, in (0, 1],
     *                               held fixed; NaN: the same as the fitted memory efficiency
     */
    public static Result calibrate(GpuSpec gpu, List<Input> inputs, RooflineParams start, ElementwiseTraffic elementwise,
                                   double decodeMemoryEfficiency) {
        if (!Double.isNaN(decodeMemoryEfficiency) && !(decodeMemoryEfficiency > 0 && decodeMemoryEfficiency <= 1)) {
            throw new IllegalArgumentException("decode memory efficiency must be in (0, 1], got " + decodeMemoryEfficiency);
        }
        final double dm = decodeMemoryEfficiency;
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one profile");
        }
        List<Prepared> prepared = new ArrayList<>();
        for (Input in : inputs) {
            in.profile().requireModel(in.model());
            prepared.add(new Prepared(in));
        }
        boolean separable = inputs.stream().map(i -> i.model().numLayers()).distinct().count() > 1;
        double[] x0 = separable
                ? new double[] {start.computeEfficiency(), start.memoryEfficiency(), start.perLayerOverheadUs(),
                        start.overheadMs()}
                : new double[] {start.computeEfficiency(), start.memoryEfficiency(), start.perLayerOverheadUs()};
        double[] step = separable ? new double[] {0.1, 0.1, 20, 0.2} : new double[] {0.1, 0.1, 20};
        java.util.function.ToDoubleFunction<double[]> objective = x -> {
            RooflineParams p = params(x, start);
            double penalty = 0;
            for (int i = 0; i < x.length; i++) {
                penalty += Math.abs(x[i] - clamp(x, i));
            }
            double sum = 0;
            for (Prepared pp : prepared) {
                sum += pp.meanError(gpu, p, dm, elementwise);
            }
            return sum / prepared.size() + 10 * penalty;
        };
        double[] best = x0;
        for (int round = 0; round < 4; round++) {
            best = NelderMead.minimize(objective, best, step, 4000, 1e-10);
            for (int i = 0; i < step.length; i++) {
                step[i] *= 0.5;
            }
        }
        for (int i = 0; i < best.length; i++) {
            best[i] = clamp(best, i);
        }
        RooflineParams fitted = params(best, start);
        Map<String, ErrorStats> per = new LinkedHashMap<>();
        List<Double> all = new ArrayList<>();
        for (Prepared pp : prepared) {
            double[] e = pp.errors(gpu, fitted, dm, elementwise);
            per.put(pp.input.model().name(), ErrorStats.of(e));
            for (double v : e) {
                all.add(v);
            }
        }
        return new Result(gpu, fitted, dm, elementwise, ErrorStats.of(all.stream().mapToDouble(Double::doubleValue).toArray()), per);
    }

    /** Errors of any roofline over the grid of a profile. */
    public static ErrorStats evaluate(RooflinePredictor roofline, FaaSInferProfile profile) {
        List<ProfileEntry> es = profile.entries();
        double[] e = new double[es.size()];
        for (int i = 0; i < e.length; i++) {
            ProfileEntry en = es.get(i);
            e[i] = ErrorStats.absRelError(roofline.predict(en.toBatch()).totalMs(), en.medianMs());
        }
        return ErrorStats.of(e);
    }

    /** The flat kernels of {@code p}, with the decode attention at {@code dm} of the bandwidth unless NaN. */
    static KernelModel kernels(RooflineParams p, double dm) {
        KernelModel flat = KernelModel.flat(p);
        if (Double.isNaN(dm)) {
            return flat;
        }
        return new KernelModel(flat.gemmEfficiency(), flat.gemmWeightExposure(), flat.gemmTileTokens(),
                flat.prefillAttentionEfficiency(), dm, flat.gqaDecode(), flat.customAllReduce());
    }

    private static double clamp(double[] x, int i) {
        if (i < 2) {
            return Math.min(1.0, Math.max(MIN_EFF, x[i]));
        }
        return Math.max(0, x[i]);
    }

    private static RooflineParams params(double[] x, RooflineParams start) {
        double overhead = x.length > 3 ? clamp(x, 3) : start.overheadMs();
        return new RooflineParams(clamp(x, 0), clamp(x, 1), start.commEfficiency(), overhead, clamp(x, 2));
    }

    /** One profile's batches and measured medians, converted once. */
    private static final class Prepared {
        final Input input;
        final SimpleBatch[] batches;
        final double[] measured;

        Prepared(Input input) {
            this.input = input;
            List<ProfileEntry> es = input.profile().entries();
            batches = new SimpleBatch[es.size()];
            measured = new double[es.size()];
            for (int i = 0; i < batches.length; i++) {
                batches[i] = es.get(i).toBatch();
                measured[i] = es.get(i).medianMs();
            }
        }

        double[] errors(GpuSpec gpu, RooflineParams p, double dm, ElementwiseTraffic ew) {
            RooflinePredictor r = new RooflinePredictor(input.model(), gpu, input.profile().tensorParallel(), p,
                    kernels(p, dm), ew);
            double[] e = new double[batches.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = ErrorStats.absRelError(r.predict(batches[i]).totalMs(), measured[i]);
            }
            return e;
        }

        double meanError(GpuSpec gpu, RooflineParams p, double dm, ElementwiseTraffic ew) {
            double s = 0;
            for (double v : errors(gpu, p, dm, ew)) {
                s += v;
            }
            return s / batches.length;
        }
    }
}
