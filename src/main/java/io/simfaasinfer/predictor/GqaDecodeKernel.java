package io.simfaasinfer.predictor;

/**
 * How an engine's decode attention kernel serves the {@code g = query heads / KV heads} query heads that
 * share a KV head under grouped-query attention (docs/fidelity.md, "GQA in the decode kernel").
 *
 * <ul>
 *   <li>Grouped: one thread block reads a KV head once for its whole group (FlashAttention, FlashInfer,
 *       TensorRT-LLM's XQA). Its time is one read of the cache at its storage width.</li>
 *   <li>Per query head: one thread block per (sequence, query head), each reading its KV head's cache
 *       (TensorRT-LLM's masked multi-head attention kernel). The {@code g} passes over a KV head cost as
 *       a 16-bit cache costs whatever the storage width ({@link KernelModel#decodeKvRereadBytes}). Where
 *       the further passes are served depends on the kernel's version:
 *       <ul>
 *         <li>{@link #perQueryHead}: a fraction {@code hbmRereadFraction} of the {@code g - 1} further
 *             passes go to HBM again (fitted, for TensorRT-LLM 0.5/0.6): time = (first read + (g - 1) x
 *             fraction x 16-bit pass) / HBM bandwidth;</li>
 *         <li>{@link #l2Served}: the first pass comes from HBM and all {@code g} passes through the L2
 *             (the group's blocks run together and hit the lines the first one brought in): time =
 *             max(first read / HBM bandwidth, g x 16-bit pass / L2 bandwidth), the GPU's measured L2
 *             read bandwidth ({@code GpuSpec#l2BandwidthTbS}).</li>
 *       </ul></li>
 * </ul>
 *
 * <p>Thread blocks: whatever the bytes, a step's decode attention runs one thread block per (sequence, KV
 * head) under the grouped kernel and one per (sequence, query head) under the per-query-head kernel, on
 * each GPU for the heads it holds ({@link #blocksPerSequence}). Where {@code blockNs > 0}, each block costs
 * at least {@code blockNs} of GPU time per layer (its fixed work: loading the query, the softmax reductions
 * across warps, writing the output; spread over the GPU's resident blocks), so a step's decode attention
 * takes at least {@code layers x decodes x blocks per sequence x blockNs} ({@link #floorSecPerDecode}): the floor
 * binds for many short contexts, where the bytes are few and the blocks many. 0 (no floor) for the kernels
 * without such a fit.
 *
 * @param groupedGroupSize  the group sizes the grouped kernel serves: {@link #EVERY_GROUP}, {@link #NO_GROUP}
 *                          (every GQA model takes the per-query-head kernel) or one size n > 0 (TensorRT-LLM
 *                          0.8-0.9's precompiled XQA kernels exist for groups of 8 only); multi-head
 *                          attention (g = 1) reads each KV head once under any kernel
 * @param hbmRereadFraction per query head, HBM re-reads: of the {@code g - 1} further passes, the fraction
 *                          that goes to HBM again, [0, 1]; 0 for {@link #l2Served}
 * @param l2Served          per query head, all {@code g} passes through the L2 ({@link #l2Served})
 * @param blockNs           GPU time each thread block costs at least, per layer and step, ns (>= 0; 0: no floor)
 */
public record GqaDecodeKernel(int groupedGroupSize, double hbmRereadFraction, boolean l2Served, double blockNs) {

    /** {@link #groupedGroupSize}: the grouped kernel serves every group size. */
    public static final int EVERY_GROUP = 0;
    /** {@link #groupedGroupSize}: no group size takes the grouped kernel. */
    public static final int NO_GROUP = -1;

    /** Each KV head read once for its group, whatever the group size (FlashAttention, FlashInfer, XQA). */
    public static final GqaDecodeKernel GROUPED = new GqaDecodeKernel(EVERY_GROUP, 0, false, 0);

    public GqaDecodeKernel {
        if (groupedGroupSize < NO_GROUP) {
            throw new IllegalArgumentException("grouped group size " + groupedGroupSize + ": expected -1, 0 or > 0");
        }
        if (!(hbmRereadFraction >= 0 && hbmRereadFraction <= 1)) {
            throw new IllegalArgumentException("gqa_kv_reread_fraction must be in [0, 1]");
        }
        if (l2Served && hbmRereadFraction > 0) {
            throw new IllegalArgumentException("re-reads served from the L2 have no HBM re-read fraction");
        }
        if (!(blockNs >= 0) || Double.isInfinite(blockNs)) {
            throw new IllegalArgumentException("decode block time " + blockNs + " ns: expected a finite value >= 0");
        }
    }

    /** This kernel with each thread block costing at least {@code ns} per layer and step. */
    public GqaDecodeKernel withBlockNs(double ns) {
        return new GqaDecodeKernel(groupedGroupSize, hbmRereadFraction, l2Served, ns);
    }

    /**
     * Thread blocks per sequence and layer on each of {@code tp} GPUs: the KV heads a GPU holds under the grouped
     * kernel, its query heads under the per-query-head kernel; at least 1 (a KV head replicated over more GPUs
     * than there are KV heads is one per GPU).
     */
    public int blocksPerSequence(int queryHeads, int kvHeads, int tp) {
        int heads = grouped(queryHeads, kvHeads) && kvHeads > 0 ? kvHeads : queryHeads;
        return Math.max(1, heads / tp);
    }

    /**
     * The least time the decode attention of {@code model} over {@code tp} GPUs takes per decoding sequence, s:
     * {@code layers x blocksPerSequence x blockNs} (a step's floor is that times its decodes); 0 without a block time.
     */
    public double floorSecPerDecode(io.simfaasinfer.catalog.ModelSpec model, int tp) {
        return blockNs == 0 ? 0
                : model.numLayers() * (double) blocksPerSequence(model.numHeads(), model.numKvHeads(), tp) * blockNs * 1e-9;
    }

    /** Every GQA group per query head, {@code fraction} of the further passes from HBM. */
    public static GqaDecodeKernel perQueryHead(double fraction) {
        return new GqaDecodeKernel(NO_GROUP, fraction, false, 0);
    }

    /** Groups of {@code groupSize} grouped (a kernel built for that size only), every other group per query head through the L2. */
    public static GqaDecodeKernel groupedOnlyAt(int groupSize) {
        if (groupSize < 2) {
            throw new IllegalArgumentException("grouped group size " + groupSize + ": expected >= 2");
        }
        return new GqaDecodeKernel(groupSize, 0, true, 0);
    }

    /** g = queryHeads / kvHeads; 1 without KV heads. */
    public static double group(int queryHeads, int kvHeads) {
        return kvHeads > 0 ? (double) queryHeads / kvHeads : 1;
    }

    /** Whether a model with these heads reads each KV head once under this kernel. */
    public boolean grouped(int queryHeads, int kvHeads) {
        double g = group(queryHeads, kvHeads);
        return g <= 1 || groupedGroupSize == EVERY_GROUP || groupedGroupSize == g;
    }

    /** Whether the decode attention of a model with these heads needs the GPU's L2 bandwidth. */
    public boolean needsL2(int queryHeads, int kvHeads) {
        return l2Served && !grouped(queryHeads, kvHeads);
    }

    /**
     * Refuses {@code model} on {@code gpu} when this kernel serves its groups through the L2 and the catalog has
     * no measured L2 bandwidth for the GPU (nothing stands in for a measurement).
     *
     * @throws IllegalArgumentException one line naming the GPU, the model and the catalog field
     */
    public void requireL2(io.simfaasinfer.catalog.ModelSpec model, io.simfaasinfer.catalog.GpuSpec gpu) {
        if (needsL2(model.numHeads(), model.numKvHeads()) && !(gpu.l2BandwidthTbS() > 0)) {
            throw new IllegalArgumentException("gpu " + gpu.name() + " has no l2_bandwidth_tb_s: the engine's decode kernel"
                    + " serves " + model.name() + "'s groups of " + (model.numHeads() / model.numKvHeads())
                    + " query heads per KV head through the L2; give the GPU's measured L2 read bandwidth in a"
                    + " user catalog (docs/catalog.md) or choose an engine whose kernel reads each KV head once");
        }
    }

    /**
     * How many times the decode attention reads each cached K/V element from HBM per step: {@code 1 + (g - 1)
     * x hbmRereadFraction} for a per-query-head kernel with HBM re-reads, else 1.
     */
    public double hbmReads(int queryHeads, int kvHeads) {
        if (grouped(queryHeads, kvHeads) || l2Served) {
            return 1;
        }
        return 1 + (group(queryHeads, kvHeads) - 1) * hbmRereadFraction;
    }

    /**
     * The bytes the decode attention reads from HBM: {@code firstBytes} (one read at the storage width) plus
     * {@code hbmReads - 1} 16-bit passes of {@code passBytes} each.
     */
    public double hbmBytes(int queryHeads, int kvHeads, double firstBytes, double passBytes) {
        return firstBytes + (hbmReads(queryHeads, kvHeads) - 1) * passBytes;
    }

    /**
     * The decode attention's memory time in bytes at the HBM rate: {@code firstBytes} (one read at the storage
     * width) plus the HBM re-reads of 16-bit passes of {@code passBytes} each, or for {@link #l2Served}
     * max(firstBytes, g x passBytes x hbmBytesPerSec / l2BytesPerSec).
     */
    public double timeBytes(int queryHeads, int kvHeads, double firstBytes, double passBytes,
                            double hbmBytesPerSec, double l2BytesPerSec) {
        if (!needsL2(queryHeads, kvHeads)) {
            return hbmBytes(queryHeads, kvHeads, firstBytes, passBytes);
        }
        if (!(l2BytesPerSec > 0)) {
            throw new IllegalArgumentException("no L2 bandwidth for a decode kernel whose re-reads are served from the L2");
        }
        return Math.max(firstBytes, group(queryHeads, kvHeads) * passBytes * hbmBytesPerSec / l2BytesPerSec);
    }

    /** One line for notes: what this kernel does with a model of these heads. */
    public String describe(int queryHeads, int kvHeads) {
        String floor = blockNs == 0 ? "" : String.format(java.util.Locale.ROOT, "; at least %.0f ns per thread block and layer", blockNs);
        if (grouped(queryHeads, kvHeads)) {
            return "each KV head read once" + floor;
        }
        double g = group(queryHeads, kvHeads);
        return (l2Served
                ? String.format(java.util.Locale.ROOT, "per query head: %.0f passes over each KV head through the L2", g)
                : String.format(java.util.Locale.ROOT, "per query head: %.2f reads of each KV head from HBM", hbmReads(queryHeads, kvHeads)))
                + floor;
    }
}
