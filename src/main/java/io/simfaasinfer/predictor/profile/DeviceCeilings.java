package io.simfaasinfer.predictor.profile;

/**
 * Measured ceilings of one GPU ({@code device_ceilings.json} of a profile folder). NaN where the
 * file does not give a figure.
 *
 * @param gpu                   device name as reported by the driver
 * @param bf16MatmulTflops      dense bf16 GEMM throughput reached (8192^3), TFLOP/s
 * @param d2dCopyTbS            device-memory copy bandwidth, read + write, TB/s
 * @param h2dPageableGbS        host-to-device from pageable memory, GB/s
 * @param h2dPinnedGbS          host-to-device from pinned memory, GB/s
 * @param diskToGpuColdGbS      local disk to GPU with the page cache dropped, GB/s
 * @param diskToGpuPageCacheGbS local disk to GPU from a warm page cache, GB/s
 */
public record DeviceCeilings(
        String gpu,
        double bf16MatmulTflops,
        double d2dCopyTbS,
        double h2dPageableGbS,
        double h2dPinnedGbS,
        double diskToGpuColdGbS,
        double diskToGpuPageCacheGbS) {
}
