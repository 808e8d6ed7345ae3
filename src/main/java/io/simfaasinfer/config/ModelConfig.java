package io.simfaasinfer.config;

/**
 * The model served.
 *
 * @param name catalog name, e.g. {@code llama-2-7b}
 */
public record ModelConfig(String name) {
}
