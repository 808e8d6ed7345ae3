/**
 * Example SimFaaSInfer plug-in: the {@code serial} scheduler and the {@code longest-first} local
 * policy, registered through {@code META-INF/services} and found by {@link java.util.ServiceLoader}.
 */
package org.example.simfaasinfer.plugin;
