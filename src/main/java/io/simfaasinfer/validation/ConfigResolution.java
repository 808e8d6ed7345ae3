package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.ConfigWarning;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.catalog.Catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Load, resolve paths, validate: a configuration file plus labelled overrides to a validated
 * configuration and its catalog. The one path every command (and a sweep's executors, wherever they
 * run) takes from flags to a simulation.
 *
 * @param config   the validated configuration
 * @param catalog  the built-in catalog plus {@code catalog.file} and the extra catalog file
 * @param source   the file or "command line"
 * @param warnings keys given by another name (aliases, once each) and keys the user set that have no effect
 */
public record ConfigResolution(SimulatorConfig config, Catalog catalog, String source, List<ConfigWarning> warnings) {

    /**
     * @param file          the configuration file, or null
     * @param overrides     in order, each with the label errors name it by
     * @param catalogFile   an extra catalog file, or null
     */
    public static ConfigResolution of(Path file, List<ConfigLoader.Override> overrides, Path catalogFile) {
        ConfigLoader.Loaded loaded = new ConfigLoader().loadWith(file, new ArrayList<>(overrides));
        Catalog catalog = Catalog.builtin();
        String cat = loaded.config().catalog() == null ? null : loaded.config().catalog().file();
        if (cat != null) {
            catalog = catalog.withUserFile(Path.of(cat));
        }
        if (catalogFile != null) {
            catalog = catalog.withUserFile(catalogFile);
        }
        // the loader resolved the file's relative paths against its folder already
        List<ConfigWarning> engineDefaults = new ArrayList<>();
        loaded = V0ChunkedPrefillDefault.apply(loaded, catalog, engineDefaults);
        SimulatorConfig validated = ConfigValidator.validate(loaded, catalog);
        List<ConfigWarning> warnings = new ArrayList<>(loaded.aliasNotes());
        warnings.addAll(engineDefaults);
        nameNote(warnings, loaded, "model.name", validated.model().name());
        nameNote(warnings, loaded, "cluster.gpu", validated.cluster().gpu());
        warnings.addAll(InapplicableKeys.warnings(loaded, validated, catalog));
        warnings.addAll(PrecisionChecks.warnings(loaded, validated, catalog));
        AsyncOutputScope.note(validated).ifPresent(warnings::add);
        return new ConfigResolution(validated, catalog, loaded.source(), List.copyOf(warnings));
    }

    /** The configuration as a simulation takes it: validated here, not again. */
    public ValidatedConfig validated() {
        return new ValidatedConfig(config, catalog);
    }

    /** A note when the name the user gave at {@code key} is another spelling of the catalog name it resolved to. */
    private static void nameNote(List<ConfigWarning> out, ConfigLoader.Loaded loaded, String key, String resolved) {
        var node = loaded.tree().at("/" + key.replace('.', '/'));
        if (node.isTextual() && !node.asText().equals(resolved)) {
            out.add(new ConfigWarning(key, loaded.sourceOf(key), "'" + node.asText() + "' is read as the catalog's "
                    + resolved));
        }
    }
}
