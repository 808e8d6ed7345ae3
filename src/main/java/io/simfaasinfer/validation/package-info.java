/**
 * Validation: a loaded configuration checked once against the catalog and the runtime's registries
 * (schedulers, routers, policies, autoscalers, predictors), with one-line errors naming the file,
 * line and key; warnings for keys with no effect; and {@link io.simfaasinfer.validation.ValidatedConfig},
 * which only validation makes and a simulation takes as given. {@link
 * io.simfaasinfer.validation.ConfigResolution} is the one path every command takes from flags to a
 * validated configuration.
 */
package io.simfaasinfer.validation;
