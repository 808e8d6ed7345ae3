package io.simfaasinfer.catalog;

/**
 * Measured figures of the serving engines' custom all-reduce kernel on one GPU type (vLLM's
 * {@code custom_all_reduce.cuh}, which SGLang ships too): its one-shot form (every rank reads the whole
 * buffer of each of its n-1 peers) and two-shot form (reduce-scatter then all-gather, one barrier each).
 * A 0 takes the default: the catalog's {@code interconnect_latency_us} per stage, its all-reduce bus
 * bandwidth for both forms ({@code predictor.Collectives}). Immutable.
 *
 * @param stageLatencyUs fixed time of one stage (a signal exchange between the ranks), us; >= 0
 * @param oneShotGbS     rate at which a rank reads its peers' buffers in the one-shot form, GB/s
 *                       ({@code t = stage + (n-1) x B / rate}); >= 0
 * @param twoShotGbS     bus bandwidth of the two-shot form, GB/s ({@code t = 2 stage + 2(n-1)/n x B / rate}); >= 0
 */
public record CustomAllReduceSpec(double stageLatencyUs, double oneShotGbS, double twoShotGbS) {

    /** No measured figures: the catalog's interconnect latency and bus bandwidth stand in. */
    public static final CustomAllReduceSpec NONE = new CustomAllReduceSpec(0, 0, 0);

    public CustomAllReduceSpec {
        if (!(stageLatencyUs >= 0 && oneShotGbS >= 0 && twoShotGbS >= 0)) {
            throw new IllegalArgumentException("custom all-reduce figures must be >= 0");
        }
    }
}
