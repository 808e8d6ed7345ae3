package io.simfaasinfer.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, in the shape of the JSON results (snake_case keys). Latencies in ms.
 */
public record SimulationResult(
        Requests requests,
        LatencySummary ttftMs,
        LatencySummary tbtMs,
        LatencySummary tpotMs,
        LatencySummary e2eMs,
        LatencySummary queueDelayMs,
        TtftSplit ttftSplitMs,
        Throughput throughput,
        Utilization utilization,
        Cost cost,
        String deployment,
        List<PoolStats> pools,
        @JsonInclude(JsonInclude.Include.NON_NULL) KvTransfer kvTransfer,
        List<ReplicaStats> replicas,
        Map<String, Long> workloadAdjustments,
        Scheduling scheduling,
        Simulation simulation,
        JsonNode config,
        List<ClassStats> classes,
        PrefixCacheStats prefixCache,
        @JsonInclude(JsonInclude.Include.NON_NULL) ServerlessResult serverless,
        @JsonInclude(JsonInclude.Include.NON_NULL) Slo slo,
        List<String> warnings) {

    /** This result with a serverless section, the cost billed from instance time, and the pools with the fleet's billed figures. */
    public SimulationResult withServerless(ServerlessResult section, Cost billedCost, List<PoolStats> billedPools) {
        return new SimulationResult(requests, ttftMs, tbtMs, tpotMs, e2eMs, queueDelayMs, ttftSplitMs, throughput,
                utilization, billedCost, deployment, List.copyOf(billedPools), kvTransfer, replicas, workloadAdjustments,
                scheduling, simulation, config, classes, prefixCache, section, slo, warnings);
    }

    /**
     * This result with {@code lines} as its configuration warnings: keys the user set that have no
     * effect (validation.InapplicableKeys); always in the JSON, {@code []} when none.
     */
    public SimulationResult withWarnings(List<String> lines) {
        return new SimulationResult(requests, ttftMs, tbtMs, tpotMs, e2eMs, queueDelayMs, ttftSplitMs, throughput,
                utilization, cost, deployment, pools, kvTransfer, replicas, workloadAdjustments, scheduling,
                simulation, config, classes, prefixCache, serverless, slo, List.copyOf(lines));
    }

    /**
     * Service-level objectives met, over measured requests (rejected ones miss them all).
     *
     * @param tpotSloMs             the TPOT objective, ms, or null
     * @param e2eSloMs              the E2E objective, ms, or null
     * @param ttftAttainment        fraction whose first token came by its deadline, or null without TTFT objectives
     * @param tpotAttainment        fraction within the TPOT objective (one-token requests meet it), or null
     * @param e2eAttainment         fraction within the E2E objective, or null
     * @param attainment            fraction meeting every objective set
     * @param goodputRequestsPerS   requests meeting every objective per second of the measurement window
     * @param measured              measured requests counted
     * @param met                   of those, meeting every objective
     */
    public record Slo(Double tpotSloMs, Double e2eSloMs, Double ttftAttainment, Double tpotAttainment,
                      Double e2eAttainment, Double attainment, double goodputRequestsPerS, long measured, long met) {
    }

    /**
     * Each measured TTFT split into its parts: queueing (arrival to the first iteration that
     * schedules it) and prefill (that iteration's start to the first token, including chunking
     * and any recompute before it). Serverless runs split queueing further (cold start) in their section.
     */
    public record TtftSplit(LatencySummary queueing, LatencySummary prefill) {
    }

    /**
     * One pool of the deployment (always-on cost: replicas x TP x simulated time x price; a serverless
     * pool's cost is its billed instance time).
     *
     * @param name             pool name
     * @param role             mixed, prefill or decode
     * @param lifecycle        always_on or serverless
     * @param replicas         replicas that existed in the run
     * @param gpus             replicas x tp x pp
     * @param iterationRunningFractionMean mean over its replicas of the fraction of time an iteration was running
     *                         (not saturation: a small iteration counts as much as a full one); pipelined: the
     *                         mean over stages of each stage's busy fraction (bubbles show as idle)
     * @param kvCacheUtilPeak  highest fraction of KV blocks in use on any of its replicas
     * @param peakMemoryGbPerGpu weights + activation reserve + peak KV cache of one GPU, GB (pipelined: of the
     *                         stage that bounds the KV cache)
     * @param pp               pipeline stages per replica
     * @param outputsOneStepLate its replicas hand each step's outputs to the client at the end of the next
     *                         engine step (vLLM V0's asynchronous output processing, predictor.async_output_proc)
     */
    public record PoolStats(String name, String role, String lifecycle, String gpu, int tp, int replicas, int gpus,
                            String scheduler, String router, String localPolicy, int kvBlocksPerReplica,
                            long iterations, double iterationRunningFractionMean, double mfuMean, double mbuMean,
                            double kvCacheUtilMean, double kvCacheUtilPeak, double gpuHours, double pricePerGpuHour,
                            double costUsd, double peakMemoryGbPerGpu, String predictor, int pp,
                            boolean outputsOneStepLate) {
    }

    /**
     * KV-cache transfers of a disaggregated run.
     *
     * @param transfers             transfers completed
     * @param bytes                 KV bytes of the transferred caches
     * @param exposedBytes          of those, bytes sent after the prefill ended (all of them in after_prefill mode)
     * @param timeMs                reservation on the decode replica to arrival, per transfer
     * @param waitsForDecodeMemory  prefilled requests that found no decode replica able to reserve their blocks
     * @param waitingPeak           most requests waiting for decode memory at once
     * @param decodeMemoryWaitMs    how long those waited for a reservation
     * @param shareOfFirstTokenGap  (handoff to decode join) / (first to second token), measured requests
     * @param peakConcurrentPerLink most transfers sharing one link at once
     * @param mode                  after_prefill or layerwise
     * @param bandwidthGbS          bandwidth of one link, GB/s; null = 38.5 GB/s per GPU of the prefill replica
     * @param latencyMs             fixed cost of one transfer, ms
     * @param link                  what one link is
     * @param bytesPerToken         KV bytes per token (2 x layers x KV heads x head dim x bytes per element)
     */
    public record KvTransfer(long transfers, double bytes, double exposedBytes, LatencySummary timeMs,
                             long waitsForDecodeMemory, int waitingPeak, LatencySummary decodeMemoryWaitMs,
                             double shareOfFirstTokenGap, int peakConcurrentPerLink, String mode, Double bandwidthGbS,
                             double latencyMs, String link, double bytesPerToken) {
    }

    /**
     * @param arrived           requests that reached the cluster
     * @param completed         requests that emitted all their output tokens
     * @param rejected          requests that could never be served (see rejectedByReason)
     * @param rejectedByReason  rejections by reason code
     * @param preemptions       recompute preemptions (a request may be preempted several times)
     * @param preemptedRequests distinct requests preempted at least once
     * @param measured          requests counted in latency metrics (arrived after warm-up)
     * @param warmupExcluded    requests simulated but excluded from latency metrics
     */
    public record Requests(long arrived, long completed, long rejected, Map<String, Long> rejectedByReason,
                           long preemptions, long preemptedRequests, long measured, long warmupExcluded) {
    }

    /**
     * @param requestsPerS      measured completions per second of the measurement window
     * @param outputTokensPerS  measured output tokens per second of the window
     * @param inputTokensPerS   measured prompt tokens per second of the window
     * @param windowS           first measured arrival to last measured completion, s
     */
    public record Throughput(double requestsPerS, double outputTokensPerS, double inputTokensPerS, double windowS) {
    }

    /**
     * Means over all replicas and the whole simulated time.
     *
     * @param mfuMean          model FLOPs / (simulated time x peak FLOP/s x GPUs)
     * @param mbuMean          device-memory bytes moved / (simulated time x bandwidth x GPUs)
     * @param kvCacheUtilMean  time-weighted fraction of KV blocks in use
     * @param kvCacheUtilPeak  highest fraction of KV blocks in use on any replica
     * @param iterationRunningFractionMean fraction of time replicas were running an iteration (not saturation)
     */
    public record Utilization(double mfuMean, double mbuMean, double kvCacheUtilMean, double kvCacheUtilPeak,
                              double iterationRunningFractionMean) {
    }

    /**
     * @param gpus              GPUs in the deployment (replicas x TP, all pools)
     * @param pricePerGpuHour   catalog on-demand price, USD (pools of several GPU types: cost / GPU-hours)
     * @param gpuHours          GPUs x simulated time
     * @param costUsd           gpuHours x price
     * @param costPer1kRequests costUsd per 1000 completed requests
     * @param qpsPerDollar      completed requests per second per USD per hour of the cluster
     */
    public record Cost(int gpus, double pricePerGpuHour, double gpuHours, double costUsd,
                       @JsonProperty("cost_per_1k_requests") double costPer1kRequests,
                       double qpsPerDollar) {
    }

    /**
     * One replica.
     *
     * @param iterationRunningS        seconds during which the replica was running an iteration (not a
     *                                 measure of saturation: a one-request iteration counts as much as a full one)
     * @param iterationRunningFraction that time over the simulated time
     */
    public record ReplicaStats(int index, String pool, String gpu, int tp, int kvBlocks, long iterations,
                               double iterationRunningS, double iterationRunningFraction, double mfu, double mbu,
                               double kvUtilMean, double kvUtilPeak, long preemptions) {
    }

    /**
     * Metrics of one workload class (latencies of measured requests, ms).
     *
     * @param name             class name ({@code default} for a one-class workload)
     * @param arrived          requests of the class that arrived
     * @param completed        of those, completed
     * @param rejected         of those, rejected
     * @param meanPromptTokens mean prompt tokens of measured completed requests
     * @param meanOutputTokens mean output tokens of measured completed requests
     * @param ttftSloMs        the class's TTFT objective, ms, or null for none
     * @param sloAttainment    fraction of measured requests with an objective whose first token came by
     *                         its deadline (rejected ones count as missed), or null for none
     */
    public record ClassStats(String name, long arrived, long completed, long rejected, double meanPromptTokens,
                             double meanOutputTokens, LatencySummary ttftMs, LatencySummary tbtMs,
                             LatencySummary tpotMs, LatencySummary e2eMs, Double ttftSloMs, Double sloAttainment,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Slo slo) {
    }

    /**
     * Prefix caching, all replicas together.
     *
     * @param enabled               whether {@code cluster.prefix_caching} was on
     * @param prefillTokensComputed prompt tokens the prefills computed (recomputations after preemption included)
     * @param prefillTokensSaved    prompt tokens found cached and not computed
     * @param tokenHitRate          saved / (saved + computed)
     * @param lookupBlocks          full hashed prompt blocks looked up on admission
     * @param hitBlocks             of those, found cached
     * @param blockHitRate          hitBlocks / lookupBlocks
     * @param evictedBlocks         cached blocks evicted to make room
     */
    public record PrefixCacheStats(boolean enabled, long prefillTokensComputed, long prefillTokensSaved,
                                   double tokenHitRate, long lookupBlocks, long hitBlocks, double blockHitRate,
                                   long evictedBlocks) {
    }

    /**
     * The scheduling decisions of the run.
     *
     * @param scheduler           batching policy ({@code scheduler.name})
     * @param router              global policy ({@code cluster.router})
     * @param localPolicy         local policy ({@code scheduler.local_policy})
     * @param localPolicyCounters what the local policy counted, summed over replicas except counters named
     *                            {@code *_max}, which take the largest (for {@code milp}: iterations solved,
     *                            decided without the solver, and fallen back to EDF on time-out or failure, and
     *                            the most candidates and queued requests read in one iteration)
     */
    public record Scheduling(String scheduler, String router, String localPolicy,
                             Map<String, Long> localPolicyCounters) {
    }

    /**
     * @param simulatedS simulated time from the first arrival to the last completion, s
     * @param wallS      wall-clock time of the run, s (the only non-deterministic field)
     * @param events     events processed
     * @param iterations model iterations run, all replicas
     * @param seed       random seed
     * @param predictorMode  how iteration times were predicted: profile, calibrated or roofline (+telemetry)
     * @param predictor      the execution-time predictor used, with its key parameters
     * @param predictorNotes where its data came from and its calibration errors
     */
    public record Simulation(double simulatedS, double wallS, long events, long iterations, long seed,
                             String predictorMode, String predictor, List<String> predictorNotes) {
    }
}
