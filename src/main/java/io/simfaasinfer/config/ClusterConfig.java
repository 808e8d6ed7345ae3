package io.simfaasinfer.config;

/**
 * Replicas and their hardware.
 *
 * @param gpu                  catalog GPU name
 * @param tp                   tensor-parallel degree (GPUs per replica)
 * @param replicas             number of identical replicas
 * @param router               global routing policy name
 * @param gpuMemoryUtilization fraction of GPU memory the engine may use (vLLM's gpu_memory_utilization)
 * @param blockSize            KV-cache block size in tokens
 * @param activationReserveGb  memory per GPU kept for activations, GB; negative = derive from the token budget
 * @param prefixCaching        reuse cached KV blocks of equal prompt prefixes (vLLM automatic prefix caching)
 */
public record ClusterConfig(String gpu, int tp, int replicas, String router, double gpuMemoryUtilization,
                            int blockSize, double activationReserveGb, boolean prefixCaching) {

    /** Without prefix caching. */
    public ClusterConfig(String gpu, int tp, int replicas, String router, double gpuMemoryUtilization,
                         int blockSize, double activationReserveGb) {
        this(gpu, tp, replicas, router, gpuMemoryUtilization, blockSize, activationReserveGb, false);
    }
}
