package io.simfaasinfer.planner;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The outcome of a capacity search, in the capacity-planning guide's JSON schema (snake_case keys).
 *
 * @param timestamp          when the plan was made (ISO-8601; the only field that differs between identical plans,
 *                           with {@code summary.total_simulation_time_s})
 * @param inputProfile       the FaaSInfer profile planned from, or null
 * @param model              the model served
 * @param bestConfiguration  the recommended candidate, or null when none meets every SLO
 * @param paretoFrontier     candidates meeting every SLO, non-dominated in (max QPS higher, cost per hour lower)
 * @param alternatives       a budget option (cheapest meeting the SLOs) and a premium one (most QPS within budget)
 * @param closestCandidates  when none meets the SLOs: the candidates closest to them, and what to relax
 * @param allCandidates      every candidate considered, with its verdict
 * @param summary            counts, time and the recommendation
 * @param calibration        how each GPU's predictor was made: profile, calibrated roofline, telemetry rescaling,
 *                           warnings (e.g. a profile with too few points)
 */
public record Plan(String timestamp, String inputProfile, String model, Configuration bestConfiguration,
                   List<Configuration> paretoFrontier, Alternatives alternatives,
                   @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Configuration> closestCandidates,
                   List<Configuration> allCandidates, Summary summary, List<String> calibration) {

    /**
     * One candidate and what the search found.
     *
     * @param lifecycle      always_on, or serverless (a fleet of up to num_replicas instances; cost = billed time)
     * @param verdict        meets_slos, misses_slos, infeasible or skipped
     * @param reason         why it is not recommendable (null when it meets the SLOs)
     * @param bottleneck     what limits it just above its max QPS
     * @param runCommand     the {@code ./simfaasinfer run} line reproducing its verification run at its max QPS
     * @param simulations    simulations its search took
     */
    public record Configuration(String label, String gpuType, int numGpusPerReplica, int tensorParallel,
                                int pipelineParallel, String deployment, String lifecycle, int numReplicas,
                                int prefillReplicas,
                                int decodeReplicas, int totalGpus, String scheduler, int maxBatchSize,
                                Performance performance, Cost cost, SloCompliance sloCompliance, String verdict,
                                String reason, String bottleneck, String runCommand, int simulations) {
    }

    /**
     * At the max sustainable QPS, from its verification run (latencies in ms).
     *
     * @param maxSustainableQps the largest rate that passed (0 if even the lowest failed)
     * @param verified          whether a full-length run at that rate confirmed it
     */
    public record Performance(double maxSustainableQps, boolean verified,
                              @JsonProperty("p50_latency_ms") double p50LatencyMs,
                              @JsonProperty("p95_latency_ms") double p95LatencyMs,
                              @JsonProperty("p99_latency_ms") double p99LatencyMs,
                              @JsonProperty("p95_ttft_ms") double p95TtftMs,
                              @JsonProperty("p99_tbt_ms") double p99TbtMs,
                              @JsonProperty("p99_tpot_ms") double p99TpotMs,
                              double meanMfu, double meanMemoryUtil) {
    }

    /** Always-on cost of the deployment at its max sustainable QPS. */
    public record Cost(double costPerHour, @JsonProperty("cost_per_1k_requests") double costPer1kRequests,
                       double qpsPerDollar) {
    }

    /** Each constraint set, at the max sustainable QPS (null for one not set). */
    public record SloCompliance(boolean meetsAllSlos, Boolean ttftSloMet, Boolean tbtSloMet, Boolean tpotSloMet,
                                Boolean latencySloMet, Boolean minQpsMet, Boolean budgetMet) {
    }

    public record Alternatives(Configuration budgetOption, Configuration premiumOption) {
    }

    /**
     * @param numConfigsConsidered   consistent candidates of the config space
     * @param numConfigsEvaluated    of those, simulated
     * @param numConfigsMeetingSlos  of those, meeting every SLO at some rate in range
     * @param numSkipped             skipped without simulation (with their reason)
     * @param simulations            simulations run
     * @param totalSimulationTimeS   wall-clock time of the search, s
     * @param jobs                   candidates searched at once
     */
    public record Summary(int numConfigsConsidered, int numConfigsEvaluated, int numConfigsMeetingSlos, int numSkipped,
                          long simulations, double totalSimulationTimeS, int jobs, String recommendation) {
    }
}
