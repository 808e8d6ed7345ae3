package io.simfaasinfer.planner;

/**
 * One simulation of a candidate at one arrival rate, and its verdict.
 *
 * @param rate        offered requests/s
 * @param fullLength  a full-length run (else a screening run)
 * @param passed      every SLO held on the post-warm-up window and the system was stable
 * @param reason      why it failed (null when it passed)
 * @param bottleneck  what limits the candidate at this rate (null when it passed)
 * @param metrics     the measured figures (null when the run stopped early)
 */
public record Trial(double rate, boolean fullLength, boolean passed, String reason, String bottleneck,
                    Metrics metrics) {

    /**
     * @param completed       requests completed
     * @param throughput      measured completions per second
     * @param ttftP95Ms       p95 TTFT
     * @param tbtP99Ms        p99 inter-token gap
     * @param tpotP99Ms       p99 time per output token
     * @param e2eP50Ms        median end-to-end latency
     * @param e2eP95Ms        p95 end-to-end latency
     * @param e2eP99Ms        p99 end-to-end latency
     * @param queueP95Ms      p95 queueing before the first iteration
     * @param meanMfu         mean model FLOPs utilisation
     * @param meanMemoryUtil  mean KV-cache utilisation
     * @param kvPeak          peak KV-cache utilisation
     * @param preemptions     recompute preemptions
     * @param costPerHour     what the deployment cost per hour of the run (a serverless fleet: billed instance time)
     */
    public record Metrics(long completed, double throughput, double ttftP95Ms, double tbtP99Ms, double tpotP99Ms,
                          double e2eP50Ms, double e2eP95Ms, double e2eP99Ms, double queueP95Ms, double meanMfu,
                          double meanMemoryUtil, double kvPeak, long preemptions, double costPerHour) {
    }
}
