package io.simfaasinfer.config;

/**
 * One class of a multi-class synthetic workload (e.g. chat and summarisation). Each class has its
 * own arrival process; the workload is their superposition. Unset fields are taken from the
 * workload's top level.
 *
 * @param name               class name used in the results ({@code classes[].name})
 * @param arrival            this class's arrival process (required)
 * @param promptTokens       prompt lengths (default: workload.prompt_tokens)
 * @param outputTokens       output lengths (default: workload.output_tokens)
 * @param ttftSloMs          time-to-first-token objective, ms after arrival (default: workload.ttft_slo_ms)
 * @param sharedPrefixTokens tokens of a prefix shared by every prompt of the class (default: workload.shared_prefix_tokens)
 * @param session            multi-turn sessions (default: workload.session)
 */
public record ClassConfig(String name, ArrivalConfig arrival, LengthConfig promptTokens, LengthConfig outputTokens,
                          Double ttftSloMs, Integer sharedPrefixTokens, SessionConfig session) {

    /** This class with other length distributions (paths resolved). */
    public ClassConfig withLengths(LengthConfig prompt, LengthConfig output) {
        return new ClassConfig(name, arrival, prompt, output, ttftSloMs, sharedPrefixTokens, session);
    }
}
