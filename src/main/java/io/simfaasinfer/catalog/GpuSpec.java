package io.simfaasinfer.catalog;

/**
 * Datasheet figures of one accelerator.
 *
 * @param name                  catalog name, e.g. {@code h100-80gb}
 * @param peakBf16Tflops        dense (no sparsity) bf16/fp16 tensor throughput, TFLOP/s
 * @param memoryGb              device memory, GB (10^9 bytes)
 * @param memoryBandwidthTbS    device memory bandwidth, TB/s
 * @param interconnectGbS       per-GPU, per-direction bandwidth to peers (NVLink, xGMI, ICI or PCIe), GB/s
 * @param interconnectLatencyUs latency of one collective step, microseconds
 * @param pricePerHour          on-demand price of one GPU for one hour, USD
 * @param priceSource           where the price comes from
 * @param source                where the performance figures come from
 * @param peakFp8Tflops         dense (no sparsity) fp8 tensor throughput, TFLOP/s; 0 for a GPU without
 *                              fp8 tensor cores (A100, A10G, TPU v4)
 * @param fabric                how the GPUs of one node reach each other: {@code nvlink} (NVLink through
 *                              NVSwitch: every pair at full speed, so engines' custom one-/two-shot
 *                              all-reduce kernels apply), {@code xgmi}, {@code ici} or {@code pcie} (NCCL only)
 * @param allreduceBusGbS       NCCL all-reduce bus bandwidth reached by large messages (nccl-tests
 *                              {@code busbw}), GB/s; 0 = {@code interconnectGbS x comm_efficiency}
 * @param allreduceLatencyUs    a measured NCCL all-reduce time of a tiny message (the ring's fixed alpha),
 *                              microseconds; 0 = NCCL's own protocol cost model, whose fixed time grows
 *                              with the ring's 2(n-1) hops ({@code predictor.Collectives})
 * @param gemmEfficiency        fraction of the dense peak that large GEMMs of an LLM layer reach in the
 *                              serving engines' cuBLAS/CUTLASS kernels (used with an engine preset); 0 =
 *                              {@code predictor.compute_efficiency}
 * @param sustainedBf16Tflops   dense bf16 matmul throughput the part actually sustains at its power limit
 *                              and clocks, measured by a published GEMM benchmark (the catalog cites
 *                              which), TFLOP/s; 0 = unknown. Carries a roofline calibrated on one GPU's
 *                              profiles to another ({@link #sustainedComputeFraction()})
 * @param customAllReduce       measured figures of the engines' custom all-reduce kernel on this GPU type
 *                              (NVLink parts); {@link CustomAllReduceSpec#NONE} = the interconnect latency and
 *                              the bus bandwidth stand in; null is taken as NONE
 * @param l2BandwidthTbS        the L2 cache's read bandwidth for a working set that fits it, TB/s, MEASURED
 *                              by a published microbenchmark (the catalog cites which); 0 = unknown. Times
 *                              the passes of a decode kernel that reads a KV head once per query head
 *                              through the L2 ({@code predictor.GqaDecodeKernel})
 */
public record GpuSpec(
        String name,
        double peakBf16Tflops,
        double memoryGb,
        double memoryBandwidthTbS,
        double interconnectGbS,
        double interconnectLatencyUs,
        double pricePerHour,
        String priceSource,
        String source,
        double peakFp8Tflops,
        String fabric,
        double allreduceBusGbS,
        double allreduceLatencyUs,
        double gemmEfficiency,
        double sustainedBf16Tflops,
        CustomAllReduceSpec customAllReduce,
        double l2BandwidthTbS) {

    /** Fabric names {@link #fabric} takes. */
    public static final java.util.List<String> FABRICS = java.util.List.of("nvlink", "xgmi", "ici", "pcie");

    public GpuSpec {
        if (fabric == null) {
            // user catalogs without the key: NVLink-class bandwidth means a switched fabric
            fabric = interconnectGbS > 100 ? "nvlink" : "pcie";
        }
        if (customAllReduce == null) {
            customAllReduce = CustomAllReduceSpec.NONE;
        }
    }

    /** A GPU whose collective parameters follow from its interconnect figures. */
    public GpuSpec(String name, double peakBf16Tflops, double memoryGb, double memoryBandwidthTbS,
                   double interconnectGbS, double interconnectLatencyUs, double pricePerHour, String priceSource,
                   String source, double peakFp8Tflops) {
        this(name, peakBf16Tflops, memoryGb, memoryBandwidthTbS, interconnectGbS, interconnectLatencyUs, pricePerHour,
                priceSource, source, peakFp8Tflops, null, 0, 0, 0, 0, CustomAllReduceSpec.NONE, 0);
    }

    /** A GPU without fp8 tensor cores. */
    public GpuSpec(String name, double peakBf16Tflops, double memoryGb, double memoryBandwidthTbS,
                   double interconnectGbS, double interconnectLatencyUs, double pricePerHour, String priceSource,
                   String source) {
        this(name, peakBf16Tflops, memoryGb, memoryBandwidthTbS, interconnectGbS, interconnectLatencyUs, pricePerHour,
                priceSource, source, 0, null, 0, 0, 0, 0, CustomAllReduceSpec.NONE, 0);
    }

    /** Whether every GPU pair of a node talks over NVLink (NVSwitch), where custom all-reduce kernels run. */
    public boolean nvlink() {
        return fabric.equals("nvlink");
    }

    /** Whether the GPU has fp8 tensor cores (fp8 GEMMs at {@link #peakFp8Tflops}). */
    public boolean hasFp8() {
        return peakFp8Tflops > 0;
    }

    /** Dense tensor FLOP/s of GEMMs whose inputs are {@code d}: the fp8 peak for fp8, else the bf16/fp16 one. */
    public double peakFlops(Dtype d) {
        if (d == Dtype.FP8) {
            if (!hasFp8()) {
                throw new IllegalArgumentException(name + " has no fp8 tensor cores");
            }
            return peakFp8Tflops * 1e12;
        }
        return peakFlops();
    }

    /**
     * The fraction of the datasheet bf16 peak that dense GEMMs sustain on this part
     * ({@code sustainedBf16Tflops / peakBf16Tflops}, e.g. 0.87 on an A100 SXM, 0.80 on a power-limited
     * H100 SXM); NaN when the catalog gives no sustained figure.
     */
    public double sustainedComputeFraction() {
        return sustainedBf16Tflops > 0 ? sustainedBf16Tflops / peakBf16Tflops : Double.NaN;
    }

    public double peakFlops() {
        return peakBf16Tflops * 1e12;
    }

    public double memoryBytes() {
        return memoryGb * 1e9;
    }

    public double memoryBandwidthBytes() {
        return memoryBandwidthTbS * 1e12;
    }

    /** {@link #l2BandwidthTbS} in bytes/s; 0 when unknown. */
    public double l2BandwidthBytes() {
        return l2BandwidthTbS * 1e12;
    }

    public double interconnectBytes() {
        return interconnectGbS * 1e9;
    }
}
