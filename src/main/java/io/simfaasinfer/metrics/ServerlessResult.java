package io.simfaasinfer.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * What a serverless run measured, the {@code serverless} section of the JSON results (snake_case).
 *
 * @param autoscaler           the policy's registry name
 * @param coldStarts           instances started during the run (the warm pool at t = 0 excluded)
 * @param coldStartsByTier     those starts by the checkpoint tier they loaded from
 * @param requestsCold         requests that waited in the global queue while an instance was starting
 * @param requestsColdShare    requestsCold / requests that reached the fleet
 * @param coldStartMs          cold-start wait of each such (measured) request
 * @param instanceStartMs      duration of each cold start
 * @param coldStartModel       the cold-start parts and totals per tier
 * @param instancesPeak        most instances alive (starting or ready) at once
 * @param warmPool             instances ready at t = 0 and never released (min_instances)
 * @param releases             instances released after their keep-alive
 * @param instancesAliveAtEnd  instances alive at the end of the run (billed up to it)
 * @param queuePeak            most requests in the global queue at once
 * @param rejectedQueueFull    requests rejected because the global queue was full
 * @param instanceSeconds      instance time by state, s
 * @param gpuSeconds           the same times TP: GPU time by state, s
 * @param ttftBreakdownMs      each measured TTFT split into queueing, cold-start wait and prefill
 * @param billing              billed time and derived costs
 * @param instancesOverTime    instance counts after each lifecycle change
 */
public record ServerlessResult(
        String autoscaler,
        long coldStarts,
        Map<String, Long> coldStartsByTier,
        long requestsCold,
        double requestsColdShare,
        LatencySummary coldStartMs,
        LatencySummary instanceStartMs,
        ColdStartParts coldStartModel,
        int instancesPeak,
        int warmPool,
        long releases,
        int instancesAliveAtEnd,
        int queuePeak,
        long rejectedQueueFull,
        StateSeconds instanceSeconds,
        StateSeconds gpuSeconds,
        TtftBreakdown ttftBreakdownMs,
        BillingSummary billing,
        List<Point> instancesOverTime) {

    /** Time by instance state, s. */
    public record StateSeconds(double busy, double idle, double starting, double total) {
    }

    /** TTFT = queueing + cold-start wait + prefill, per measured request. */
    public record TtftBreakdown(LatencySummary queueing, LatencySummary coldStartWait, LatencySummary prefill) {
    }

    /**
     * @param checkpointTier  the configured tier
     * @param containerStartS container start, s
     * @param frameworkInitS  framework and CUDA init, s
     * @param engineWarmupS   engine warm-up, s
     * @param weightGb        weights loaded, GB
     * @param loadS           weight loading time by tier, s
     * @param totalS          whole cold start by tier, s
     * @param source          where the default figures come from
     */
    public record ColdStartParts(String checkpointTier, double containerStartS, double frameworkInitS,
                                 double engineWarmupS, double weightGb, Map<String, Double> loadS,
                                 Map<String, Double> totalS, String source) {
    }

    /**
     * @param pricePerGpuHour   USD per GPU-hour used
     * @param billedGpuSeconds  billed GPU time after rounding and minimums, s
     * @param costUsd           billed GPU-hours x price
     * @param costPerHour       costUsd per hour of the run
     * @param costPer1kRequests costUsd per 1000 completed requests
     * @param qpsPerDollar      completed requests per second / costPerHour
     * @param granularityS      billing granularity, s
     * @param minimumS          least billed time per instance lifetime, s
     * @param billColdStart     whether starting time was billed
     * @param idlePriceFactor   fraction of the price charged while idle
     * @param horizonS          end of the run (last completion, or last lifecycle change if later), s
     */
    public record BillingSummary(double pricePerGpuHour, double billedGpuSeconds, double costUsd, double costPerHour,
                                 @JsonProperty("cost_per_1k_requests") double costPer1kRequests,
                                 double qpsPerDollar, double granularityS, double minimumS,
                                 boolean billColdStart, double idlePriceFactor, double horizonS) {
    }

    /** Instance counts from time {@code tS} on. */
    public record Point(double tS, int starting, int ready) {
    }
}
