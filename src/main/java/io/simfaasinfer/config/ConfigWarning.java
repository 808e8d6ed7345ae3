package io.simfaasinfer.config;

/**
 * A configuration key the user set that has no effect in this configuration (see validation.InapplicableKeys).
 * A warning does not stop the run.
 *
 * @param key     the key path, e.g. {@code scheduler.chunk_size}
 * @param source  where it was set: the file, or the flag or --set that set it
 * @param problem why it has no effect, e.g. {@code has no effect with scheduler 'vllm' (used by: sarathi)}
 */
public record ConfigWarning(String key, String source, String problem) {

    /** The one-line text: {@code SOURCE: KEY PROBLEM}, as errors name their source. */
    public String text() {
        return source + ": " + key + " " + problem;
    }

    @Override
    public String toString() {
        return text();
    }
}
