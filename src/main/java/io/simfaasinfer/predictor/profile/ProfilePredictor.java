package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.IterationShape;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.predictor.BatchView;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.RooflineParams;
import io.simfaasinfer.predictor.RooflinePredictor;

import java.util.Locale;

/**
 * Execution-time predictor fitted to a measured FaaSInfer profile: a small physically shaped
 * model ({@link ProfileCoefficients}), not a lookup table, so it predicts any batch: mixed
 * chunked-prefill + decode batches, prefills of different lengths and contexts, sizes off the
 * grid. All parameters are non-negative, hence predictions are never negative and never
 * decrease when a batch gains tokens, context or sequences.
 *
 * <p>Breakdown: the token term is {@code linearMs}; prefill pairs {@code prefillAttentionMs};
 * decode KV reads {@code decodeAttentionMs}; the per-sequence term {@code lmHeadMs}. The fitted
 * fixed time is split physically: the weight read of the linear layers and of the LM head at the
 * HBM bandwidth the profile itself shows (bytes per KV token / fitted ms per KV token, capped at
 * the datasheet) go to {@code linearMs} and {@code lmHeadMs}; the rest (kernel launches, norms,
 * small kernels) is {@code overheadMs}. FLOPs and bytes are the roofline model's counts.
 *
 * <p>Tensor parallelism: at the profile's own TP degree the fit is used as is. A profile measured
 * at TP=1 may be applied at TP=t>1 by <em>ideal sharding</em>: linear, attention and LM-head
 * times (weight floors included) are divided by t, the fixed overhead is kept, and the roofline's
 * ring all-reduce time is added as {@code communicationMs}. This is optimistic (smaller GEMMs
 * are less efficient) and should be replaced by a profile measured at that TP when available.
 * Any other combination is rejected.
 *
 * <p>Immutable and thread-safe; {@link #predict} makes one pass over the batch and allocates only
 * the returned {@link Breakdown}.
 */
public final class ProfilePredictor implements ExecutionTimePredictor {

    private final ProfileCoefficients coefficients;
    private final ModelSpec model;
    private final GpuSpec gpu;
    private final int profileTp;
    private final int tp;
    private final String source;
    private final RooflinePredictor roofline;

    private final double[] knots;
    private final double[] slopes;
    private final double shard;          // profileTp / tp
    private final double linearFloorMs;  // at profile TP
    private final double lmHeadFloorMs;  // at profile TP
    private final double overheadMs;
    private final double perLayerOverheadMs;
    private final double pairMs;
    private final double kvMs;
    private final double seqMs;
    private final double decodeFloorMsPerSeq; // the engine's least decode attention per sequence, at tp (0: none)
    private final double effectiveBandwidth; // bytes/s, one GPU

    /**
     * @param coefficients fitted at {@code profileTp}
     * @param source       where the profile came from, for {@link #describe()}
     * @throws IllegalArgumentException for a TP combination that cannot be derived (see class doc)
     */
    public ProfilePredictor(ProfileCoefficients coefficients, ModelSpec model, GpuSpec gpu, int profileTp, int tp,
                            String source) {
        if (profileTp < 1 || tp < 1) {
            throw new IllegalArgumentException("tp must be >= 1");
        }
        if (tp != profileTp && profileTp != 1) {
            throw new IllegalArgumentException("profile measured at tensor_parallel=" + profileTp
                    + " cannot predict tp=" + tp + ": use a profile measured at tp=" + tp + " (or at tp=1)");
        }
        this.coefficients = coefficients;
        this.model = model;
        this.gpu = gpu;
        this.profileTp = profileTp;
        this.tp = tp;
        this.source = source;
        this.roofline = new RooflinePredictor(model, gpu, tp, RooflineParams.DEFAULTS);
        this.knots = coefficients.tokenKnots();
        this.slopes = coefficients.tokenSlopesMs();
        this.shard = (double) profileTp / tp;
        this.pairMs = coefficients.prefillAttnMsPerPair();
        this.kvMs = coefficients.decodeAttnMsPerKvToken();
        this.seqMs = coefficients.perSequenceMs();
        this.decodeFloorMsPerSeq = 0;

        double datasheet = gpu.memoryBandwidthBytes();
        double kvBytesPerToken = (double) model.kvBytesPerToken() / profileTp;
        double bw = kvMs > 0 ? kvBytesPerToken / (kvMs * 1e-3) : 0.85 * datasheet;
        this.effectiveBandwidth = Math.min(bw, datasheet);
        double linBytes = (double) model.numLayers() * model.linearParamsPerLayer() * model.bytesPerParam() / profileTp;
        double lmBytes = (double) model.lmHeadParams() * model.bytesPerParam() / profileTp;
        double linFloor = linBytes / effectiveBandwidth * 1e3;
        double lmFloor = lmBytes / effectiveBandwidth * 1e3;
        double fixed = coefficients.fixedMs();
        double fit = linFloor + lmFloor > fixed ? fixed / (linFloor + lmFloor) : 1.0;
        this.linearFloorMs = linFloor * fit;
        this.lmHeadFloorMs = lmFloor * fit;
        this.overheadMs = Math.max(0, fixed - linearFloorMs - lmHeadFloorMs);
        // beyond the roofline's per-iteration default (scheduling, input preparation), taken as per layer:
        // launches, norms and small kernels of every decoder layer (one GPU's profile cannot tell them apart)
        this.perLayerOverheadMs = Math.max(0, overheadMs - RooflineParams.DEFAULTS.overheadMs());
    }

    /** {@code p} with its fixed time and decode-attention cost replaced (see {@link #withEngineKernels}). */
    private ProfilePredictor(ProfilePredictor p, double overheadMs, double perLayerOverheadMs, double kvMs,
                             double decodeFloorMsPerSeq) {
        this.coefficients = p.coefficients;
        this.model = p.model;
        this.gpu = p.gpu;
        this.profileTp = p.profileTp;
        this.tp = p.tp;
        this.source = p.source;
        this.roofline = p.roofline;
        this.knots = p.knots;
        this.slopes = p.slopes;
        this.shard = p.shard;
        this.linearFloorMs = p.linearFloorMs;
        this.lmHeadFloorMs = p.lmHeadFloorMs;
        this.overheadMs = overheadMs;
        this.perLayerOverheadMs = perLayerOverheadMs;
        this.pairMs = p.pairMs;
        this.kvMs = kvMs;
        this.seqMs = p.seqMs;
        this.decodeFloorMsPerSeq = decodeFloorMsPerSeq;
        this.effectiveBandwidth = p.effectiveBandwidth;
    }

    /**
     * The same measured GPU work with the profiled harness's fixed time replaced: {@link #overheadMs}
     * (the fitted fixed time beyond reading the weights at the profile's own bandwidth: the gaps between
     * the harness's many small unfused kernels, norms, rotary, activation, replayed in a CUDA graph, and
     * its small-M GEMMs' slower weight streaming) becomes {@code overheadMs}, of which
     * {@code perLayerOverheadMs} grows with the decoder layers. A serving engine runs fused kernels, so its
     * fixed time is its own (as over a calibrated roofline; {@code EngineModel#overCalibrated}). The decode
     * attention, measured reading each KV head once, is multiplied by {@code decodeKvReads}, the engine's
     * decode kernel's memory time over one read of each cached K/V element ({@code GqaDecodeKernel#timeBytes}:
     * more than 1 for grouped-query attention under a kernel that reads a KV head per query head, from HBM or
     * through the L2), and takes at least {@code decodeFloorMsPerSeq} per decoding sequence (the engine's decode
     * kernel's fixed time per thread block, {@code GqaDecodeKernel#floorSecPerDecode}; 0: none). The token,
     * prefill-attention and per-sequence terms and the weight floors are kept: they are the GPU's.
     *
     * @throws IllegalArgumentException if a time is negative, the per-layer part exceeds the whole,
     *                                  {@code decodeKvReads < 1} or {@code decodeFloorMsPerSeq < 0}
     */
    public ProfilePredictor withEngineKernels(double overheadMs, double perLayerOverheadMs, double decodeKvReads,
                                              double decodeFloorMsPerSeq) {
        if (!(overheadMs >= 0) || !(perLayerOverheadMs >= 0) || perLayerOverheadMs > overheadMs) {
            throw new IllegalArgumentException("fixed overhead " + overheadMs + " ms with " + perLayerOverheadMs
                    + " ms per layer: expected 0 <= per-layer part <= whole");
        }
        if (!(decodeKvReads >= 1)) {
            throw new IllegalArgumentException("decode KV reads " + decodeKvReads + ": expected >= 1");
        }
        if (!(decodeFloorMsPerSeq >= 0)) {
            throw new IllegalArgumentException("decode floor " + decodeFloorMsPerSeq + " ms per sequence: expected >= 0");
        }
        return new ProfilePredictor(this, overheadMs, perLayerOverheadMs, kvMs * decodeKvReads, decodeFloorMsPerSeq);
    }

    /** Fits {@code profile} (all entries) for {@code model} on {@code gpu} at the profile's TP degree. */
    public static ProfilePredictor fit(FaaSInferProfile profile, ModelSpec model, GpuSpec gpu) {
        return fit(profile, model, gpu, profile.tensorParallel());
    }

    /**
     * Fits {@code profile} for {@code model} on {@code gpu} at tensor-parallel degree {@code tp}.
     *
     * @throws ProfileException         if the profile does not describe {@code model} or cannot be fitted
     * @throws IllegalArgumentException for a TP that cannot be derived from the profile's
     */
    public static ProfilePredictor fit(FaaSInferProfile profile, ModelSpec model, GpuSpec gpu, int tp) {
        profile.requireModel(model);
        ProfileCoefficients c;
        try {
            c = ProfileFitter.fitCached(profile.entries());
        } catch (ProfileException e) {
            throw new ProfileException(profile.source() + ": " + e.getMessage(), e);
        }
        return new ProfilePredictor(c, model, gpu, profile.tensorParallel(), tp, profile.source());
    }

    @Override
    public Breakdown predict(BatchView batch) {
        int np = batch.numPrefills();
        int nd = batch.numDecodes();
        if (np == 0 && nd == 0) {
            return Breakdown.ZERO;
        }
        double tokens = nd;
        double pairs = 0;
        double pKv = 0;
        for (int i = 0; i < np; i++) {
            double q = batch.prefillTokens(i);
            double c = batch.prefillContext(i);
            tokens += q;
            pairs += q * c + q * (q + 1) * 0.5;
            pKv += q + c;
        }
        // the batch keeps the sum of its decode contexts (exact: integers, as the sum over entries was)
        double dKv = (double) nd + batch.totalDecodeContext();
        int seqs = np + nd;

        double linear = (linearFloorMs + tokenMs(tokens)) * shard;
        double pAttn = pairs * pairMs * shard;
        double dAttn = nd == 0 ? 0 : Math.max(nd * decodeFloorMsPerSeq, dKv * kvMs * shard);
        double lm = (lmHeadFloorMs + seqs * seqMs) * shard;
        double comm = tp > profileTp ? roofline.communicationMs(tokens) : 0;
        return new Breakdown(linear, pAttn, dAttn, lm, comm, overheadMs,
                roofline.flops(tokens, pairs, dKv, seqs), roofline.bytes(tokens, pKv, dKv));
    }

    /**
     * The token-proportional time of {@code tokens} batched tokens on the fitted piecewise-linear
     * curve, ms (its own method so that {@link #predict} stays small enough for the JIT to inline into
     * its callers, where the returned breakdown then need not be allocated).
     */
    private double tokenMs(double tokens) {
        double ms = 0;
        for (int j = 0; j < knots.length; j++) {
            double lo = knots[j];
            if (tokens <= lo) {
                break;
            }
            double hi = j + 1 < knots.length ? knots[j + 1] : Double.POSITIVE_INFINITY;
            ms += slopes[j] * (Math.min(tokens, hi) - lo);
        }
        return ms;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "profile(%s on %s x%d%s, from %s: %s; implied HBM %.2f TB/s)",
                model.name(), gpu.name(), tp, tp == profileTp ? "" : " scaled from tp=" + profileTp, source,
                coefficients, effectiveBandwidth / 1e12);
    }

    public ProfileCoefficients coefficients() {
        return coefficients;
    }

    public ModelSpec model() {
        return model;
    }

    public GpuSpec gpu() {
        return gpu;
    }

    public int tp() {
        return tp;
    }

    public int profileTp() {
        return profileTp;
    }

    /** HBM bandwidth (bytes/s, one GPU) implied by the fitted decode-attention coefficient, capped at the datasheet. */
    public double effectiveBandwidth() {
        return effectiveBandwidth;
    }

    /**
     * Of {@link #overheadMs}, the part that grows with the decoder layers: as fitted, all beyond the
     * roofline's per-iteration default ({@link RooflineParams#DEFAULTS} {@code overheadMs}, scheduling and
     * input preparation); after {@link #withEngineKernels}, the part given there.
     */
    @Override
    public double perLayerOverheadMs() {
        return perLayerOverheadMs;
    }

    /** Part of the fixed time attributed to kernel launches and small kernels (not weight reads), ms. */
    public double overheadMs() {
        return overheadMs;
    }
}
