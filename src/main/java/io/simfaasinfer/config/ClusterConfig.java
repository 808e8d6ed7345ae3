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
 * @param pp                   pipeline-parallel degree: stages per replica, each on its own TP group
 *                             (a replica occupies tp x pp GPUs; docs/parallelism.md)
 */
public record ClusterConfig(String gpu, int tp, int replicas, String router, double gpuMemoryUtilization,
                            int blockSize, double activationReserveGb, boolean prefixCaching, int pp) {

    /** Without pipeline parallelism (pp = 1). */
    public ClusterConfig(String gpu, int tp, int replicas, String router, double gpuMemoryUtilization,
                         int blockSize, double activationReserveGb, boolean prefixCaching) {
        this(gpu, tp, replicas, router, gpuMemoryUtilization, blockSize, activationReserveGb, prefixCaching, 1);
    }

    /** Without prefix caching. */
    public ClusterConfig(String gpu, int tp, int replicas, String router, double gpuMemoryUtilization,
                         int blockSize, double activationReserveGb) {
        this(gpu, tp, replicas, router, gpuMemoryUtilization, blockSize, activationReserveGb, false, 1);
    }
}
