package io.simfaasinfer.config;

/**
 * Multi-turn conversations: each arrival of the class's arrival process starts a session whose
 * turns follow one another; turn k's prompt is the whole conversation so far (shared prefix, earlier
 * prompts and answers) plus a new message drawn from the prompt length distribution, so with
 * prefix caching the history is reused. A session ends after its turns, or early when the next
 * turn would not fit the model's context window.
 *
 * @param turns      turns per session (a length distribution: fixed, uniform, ...)
 * @param thinkTimeS mean time between the arrivals of consecutive turns, s (exponentially distributed)
 */
public record SessionConfig(LengthConfig turns, Double thinkTimeS) {
}
