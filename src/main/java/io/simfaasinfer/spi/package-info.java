/**
 * Plug-in plumbing shared by every pluggable family (schedulers, routers, ...): a named factory
 * contract (with the settings, capabilities and checks each implementation owns) and a registry of
 * built-ins plus {@link java.util.ServiceLoader} discoveries; and the helpers every reader of user
 * input shares ({@link io.simfaasinfer.spi.Spelling}, {@link io.simfaasinfer.spi.IoReasons}).
 */
package io.simfaasinfer.spi;
