package io.simfaasinfer.config;

import java.util.List;

/**
 * A deployment: one or more pools of replicas and, when some pools prefill and others decode, how
 * the KV cache goes between them. Without a {@code deployment} section the {@code cluster},
 * {@code scheduler} and {@code serverless} sections are the shorthand for one mixed pool; the seed
 * shape {@code disaggregation: {prefill, decode, transfer}} is read as two pools. After validation
 * every configuration has one (see docs/deployments.md).
 *
 * @param pools        the pools, in the order given
 * @param transfer     the KV transfer between prefill and decode pools (null when none decodes)
 * @param prefillGlobal router of the entry stage (mixed or prefill pools); null = the pools' router
 * @param prefillLocal  local policy of the entry pools' schedulers; null = theirs
 * @param decodeGlobal  router choosing a decode replica for a prefilled request; null = the decode pools' router
 * @param decodeLocal   local policy of the decode pools' schedulers; null = theirs
 */
public record DeploymentConfig(List<PoolConfig> pools, TransferConfig transfer, String prefillGlobal,
                               String prefillLocal, String decodeGlobal, String decodeLocal) {

    /**
     * Fixed cost of one KV transfer, ms, when a configuration gives none: the fit of the Mooncake x
     * vLLM measurements (transfer.KvTransferModel, docs/deployments.md).
     */
    public static final double DEFAULT_TRANSFER_LATENCY_MS = 0.57;

    /** Whether some pool prefills and another decodes. */
    public boolean disaggregated() {
        return pools.stream().anyMatch(p -> "decode".equals(p.role()));
    }

    /**
     * One pool of replicas. Keys left out take the value of the {@code cluster} section (and the
     * {@code scheduler} section for {@code scheduler}); {@code num_gpus} may stand for replicas x tp x pp.
     *
     * @param name                 the pool's name in results
     * @param role                 mixed, prefill or decode
     * @param gpu                  catalog GPU name
     * @param tp                   tensor-parallel degree per replica
     * @param replicas             replicas (always-on), or the fleet's max_instances (serverless)
     * @param router               global policy choosing among this stage's replicas
     * @param gpuMemoryUtilization fraction of GPU memory the engine may use
     * @param activationReserveGb  memory per GPU kept for activations, GB; negative = derive
     * @param prefixCaching        share cached prompt prefixes (mixed and prefill pools)
     * @param lifecycle            always_on, or serverless (settings from the serverless section)
     * @param scheduler            this pool's batching policy and its settings
     * @param pp                   pipeline-parallel degree per replica (a replica is tp x pp GPUs)
     */
    public record PoolConfig(String name, String role, String gpu, int tp, int replicas, String router,
                             double gpuMemoryUtilization, double activationReserveGb, boolean prefixCaching,
                             String lifecycle, SchedulerConfig scheduler, int pp) {

        /** Without pipeline parallelism (pp = 1). */
        public PoolConfig(String name, String role, String gpu, int tp, int replicas, String router,
                          double gpuMemoryUtilization, double activationReserveGb, boolean prefixCaching,
                          String lifecycle, SchedulerConfig scheduler) {
            this(name, role, gpu, tp, replicas, router, gpuMemoryUtilization, activationReserveGb, prefixCaching,
                    lifecycle, scheduler, 1);
        }

        public PoolConfig withScheduler(SchedulerConfig s) {
            return new PoolConfig(name, role, gpu, tp, replicas, router, gpuMemoryUtilization, activationReserveGb,
                    prefixCaching, lifecycle, s, pp);
        }

        public PoolConfig withRouter(String r) {
            return new PoolConfig(name, role, gpu, tp, replicas, r, gpuMemoryUtilization, activationReserveGb,
                    prefixCaching, lifecycle, scheduler, pp);
        }

        /** GPUs of one replica: tp x pp. */
        public int gpusPerReplica() {
            return tp * pp;
        }

        public boolean serverless() {
            return "serverless".equals(lifecycle);
        }
    }

    /**
     * The KV-cache transfer from a prefill replica to a decode replica.
     *
     * @param bandwidthGbS link bandwidth, GB/s (10^9 bytes/s): each prefill replica's link, shared by its
     *                     transfers; null = 38.5 GB/s per GPU of the replica (one 400 Gb/s NIC each, at 77%)
     * @param latencyMs    fixed cost per transfer, ms
     * @param mode         after_prefill (whole cache after the prefill, the default) or layerwise (overlapped)
     */
    public record TransferConfig(Double bandwidthGbS, double latencyMs, String mode) {
    }
}
