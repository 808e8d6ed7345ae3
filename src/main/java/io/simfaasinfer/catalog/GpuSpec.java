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
        double peakFp8Tflops) {

    /** A GPU without fp8 tensor cores. */
    public GpuSpec(String name, double peakBf16Tflops, double memoryGb, double memoryBandwidthTbS,
                   double interconnectGbS, double interconnectLatencyUs, double pricePerHour, String priceSource,
                   String source) {
        this(name, peakBf16Tflops, memoryGb, memoryBandwidthTbS, interconnectGbS, interconnectLatencyUs, pricePerHour,
                priceSource, source, 0);
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

    public double peakFlops() {
        return peakBf16Tflops * 1e12;
    }

    public double memoryBytes() {
        return memoryGb * 1e9;
    }

    public double memoryBandwidthBytes() {
        return memoryBandwidthTbS * 1e12;
    }

    public double interconnectBytes() {
        return interconnectGbS * 1e9;
    }
}
