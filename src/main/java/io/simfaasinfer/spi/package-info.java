/**
 * Plug-in plumbing shared by every pluggable family (schedulers, routers, ...): a named factory
 * contract and a registry of built-ins plus {@link java.util.ServiceLoader} discoveries.
 */
package io.simfaasinfer.spi;
