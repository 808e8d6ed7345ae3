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
        String source) {

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
