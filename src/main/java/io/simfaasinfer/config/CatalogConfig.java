package io.simfaasinfer.config;

/**
 * User extension of the built-in model and GPU catalogs.
 *
 * @param file a YAML/JSON file with {@code models:} and/or {@code gpus:} entries (relative to the config file); null for none
 */
public record CatalogConfig(String file) {
}
