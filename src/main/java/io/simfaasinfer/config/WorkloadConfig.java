package io.simfaasinfer.config;

import java.util.List;

/**
 * The workload: a synthetic one (one class from {@code arrival} and the two length distributions,
 * or several {@code classes}) or the replay of a {@code trace}.
 *
 * @param numRequests        synthetic: requests to generate (null: until {@code simulation.duration_s});
 *                           ignored by trace replay (see {@link TraceConfig#maxRequests()})
 * @param arrival            arrival process
 * @param promptTokens       prompt length distribution
 * @param outputTokens       output length distribution
 * @param ttftSloMs          time-to-first-token SLO of every request, ms after its arrival (null: no
 *                           deadline); classes may set their own
 * @param trace              replay this trace instead of generating requests; null for synthetic
 * @param classes            synthetic request classes, each with its own arrival process, lengths and
 *                           SLO; empty for one class from the fields above
 * @param sharedPrefixTokens synthetic: every prompt starts with the same prefix of this many tokens
 *                           (a shared system prompt, added to the sampled prompt length), 0 for none
 * @param session            synthetic: multi-turn conversations, or null for independent requests
 */
public record WorkloadConfig(Integer numRequests, ArrivalConfig arrival, LengthConfig promptTokens,
                             LengthConfig outputTokens, Double ttftSloMs, TraceConfig trace, List<ClassConfig> classes,
                             Integer sharedPrefixTokens, SessionConfig session) {

    public WorkloadConfig {
        classes = classes == null ? List.of() : List.copyOf(classes);
        sharedPrefixTokens = sharedPrefixTokens == null ? 0 : sharedPrefixTokens;
    }

    /** One synthetic class, no trace. */
    public WorkloadConfig(Integer numRequests, ArrivalConfig arrival, LengthConfig promptTokens,
                          LengthConfig outputTokens, Double ttftSloMs) {
        this(numRequests, arrival, promptTokens, outputTokens, ttftSloMs, null, List.of(), 0, null);
    }

    /** A workload without TTFT deadlines. */
    public WorkloadConfig(Integer numRequests, ArrivalConfig arrival, LengthConfig promptTokens,
                          LengthConfig outputTokens) {
        this(numRequests, arrival, promptTokens, outputTokens, null);
    }

    /** This workload with {@code t} as its trace. */
    public WorkloadConfig withTrace(TraceConfig t) {
        return new WorkloadConfig(numRequests, arrival, promptTokens, outputTokens, ttftSloMs, t, classes,
                sharedPrefixTokens, session);
    }

    /** This workload with other length distributions and classes (paths resolved). */
    public WorkloadConfig withLengths(LengthConfig prompt, LengthConfig output, List<ClassConfig> newClasses) {
        return new WorkloadConfig(numRequests, arrival, prompt, output, ttftSloMs, trace, newClasses,
                sharedPrefixTokens, session);
    }
}
