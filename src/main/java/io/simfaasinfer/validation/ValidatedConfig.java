package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.catalog.Catalog;

import java.util.Objects;

/**
 * A configuration that has passed {@link ConfigValidator} against its catalog, with derived
 * defaults resolved: what a simulation takes as given, so it is validated once, where it was
 * loaded, and never again. Only validation makes one.
 */
public final class ValidatedConfig {

    private final SimulatorConfig config;
    private final Catalog catalog;

    ValidatedConfig(SimulatorConfig config, Catalog catalog) {
        this.config = Objects.requireNonNull(config, "config");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * Validates {@code config} against {@code catalog} (errors name {@code source}).
     *
     * @throws ConfigException naming the key and what was expected
     */
    public static ValidatedConfig of(SimulatorConfig config, Catalog catalog, String source) {
        return new ValidatedConfig(ConfigValidator.validate(config, catalog, source), catalog);
    }

    /** The configuration, validated, derived defaults resolved. */
    public SimulatorConfig config() {
        return config;
    }

    /** The models and GPUs its names resolve against. */
    public Catalog catalog() {
        return catalog;
    }
}
