/**
 * Configuration: typed records bound from YAML/JSON over built-in defaults and command-line
 * overrides, read strictly (duplicate keys refused, YAML anchors expanded, each key's line kept for
 * messages; other simulators' key names read as ours and reported). Imports no runtime package:
 * semantic checks live in {@link io.simfaasinfer.validation}.
 */
package io.simfaasinfer.config;
