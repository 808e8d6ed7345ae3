package io.simfaasinfer.planner;

import java.util.List;
import java.util.Map;

/**
 * A capacity-planning request: the workload (its shape; the rate is what the planner searches),
 * the constraints, the space of deployments to consider and how long each simulation runs. Read
 * from YAML/JSON by {@link PlanRequestLoader}; keys are snake_case.
 *
 * @param model        catalog model (null: the profile's)
 * @param profile      a FaaSInfer profile (fitted_profile.json or its folder): iteration times on its GPU,
 *                     the calibrated roofline on the others; null: the built-in profiles or the roofline
 * @param telemetry    production samples that rescale the predictor, or null
 * @param workload     what arrives
 * @param constraints  the SLOs and budget
 * @param configSpace  the deployments to consider
 * @param simulation   how long each simulation runs
 */
public record PlanRequest(String model, String profile, String telemetry, Workload workload, Constraints constraints,
                          ConfigSpace configSpace, Simulation simulation) {

    /**
     * @param arrivalRateRange smallest and largest rate to consider, requests/s
     * @param arrival          arrival process without its rate (e.g. {@code {process: gamma, cv: 2}}); null: Poisson
     * @param promptLength     prompt length distribution (as {@code workload.prompt_tokens}); null with a trace
     * @param outputLength     output length distribution (as {@code workload.output_tokens}); null with a trace
     * @param trace            a trace replayed at each searched rate ({@code workload.trace.target_qps}); null: synthetic
     */
    public record Workload(List<Double> arrivalRateRange, Map<String, Object> arrival, Map<String, Object> promptLength,
                           Map<String, Object> outputLength, String trace) {
    }

    /**
     * Every set bound must hold on the post-warm-up window of a run for its rate to pass.
     *
     * @param maxTtftP95Ms     p95 time to first token, ms
     * @param maxTbtP99Ms      p99 inter-token gap, ms
     * @param maxTpotP99Ms     p99 time per output token, ms
     * @param maxLatencyP99Ms  p99 end-to-end latency, ms
     * @param maxCostPerHour   deployment cost, USD per hour (candidates above it are skipped)
     * @param minQps           the sustainable rate the deployment must reach, requests/s
     */
    public record Constraints(Double maxTtftP95Ms, Double maxTbtP99Ms, Double maxTpotP99Ms, Double maxLatencyP99Ms,
                              Double maxCostPerHour, Double minQps) {
    }

    /**
     * The product of these lists, less inconsistent combinations: a candidate's GPUs
     * (replicas x tp x pp) must be in {@code num_gpus} when that is given.
     *
     * @param gpuTypes            catalog GPUs or their short names (A100, H100, A10G, ...)
     * @param numGpus             allowed total GPU counts; empty = any
     * @param tensorParallel      TP degrees
     * @param pipelineParallel    PP degrees (stages per replica; docs/parallelism.md)
     * @param numReplicas         replica counts (all pools together when disaggregated)
     * @param schedulers          batching policies
     * @param maxBatchSizes       scheduler.max_num_seqs values
     * @param deployments         aggregated and/or disaggregated
     * @param prefillDecodeSplits disaggregated: prefill:decode replica ratios, e.g. "1:1", "1:3"
     * @param lifecycles          always_on (serverless pools are not searched yet; skipped with the reason)
     */
    public record ConfigSpace(List<String> gpuTypes, List<Integer> numGpus, List<Integer> tensorParallel,
                              List<Integer> pipelineParallel, List<Integer> numReplicas, List<String> schedulers,
                              List<Integer> maxBatchSizes, List<String> deployments, List<String> prefillDecodeSplits,
                              List<String> lifecycles) {
    }

    /**
     * @param duration       arrivals of a full-length run, s (screening runs take a third, at least 20 s)
     * @param warmupDuration arrivals excluded from the metrics, s
     * @param randomSeed     the seed of every run (common random numbers across candidates)
     */
    public record Simulation(double duration, double warmupDuration, long randomSeed) {
    }
}
