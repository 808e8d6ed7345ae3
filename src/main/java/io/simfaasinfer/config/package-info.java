/**
 * Configuration: typed records bound from YAML/JSON over built-in defaults, command-line overrides, and validation with one-line errors naming the file, key path and expectation.
 */
package io.simfaasinfer.config;
