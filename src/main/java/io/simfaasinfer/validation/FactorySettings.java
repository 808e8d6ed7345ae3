package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.spi.NamedFactory;
import io.simfaasinfer.spi.Setting;
import io.simfaasinfer.spi.SettingException;
import io.simfaasinfer.spi.Spelling;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Checks a family section's values against what its implementations declare
 * ({@link NamedFactory#settings()}, {@link NamedFactory#check}): every declared key's type and
 * bounds (whichever implementation declares it, so a bad value is refused even when the chosen one
 * ignores it), the chosen implementations' own checks, and a plug-in's {@code options}: each given
 * option must be one the chosen implementations declare, and omitted ones get their defaults. The
 * same code checks built-ins and plug-ins.
 */
final class FactorySettings {

    static final String OPTIONS = "options.";

    private FactorySettings() {
    }

    /**
     * @param section  the section's key path, e.g. {@code scheduler} or {@code deployment.pools.0.scheduler}
     * @param values   the section's values by key (options as {@code options.NAME})
     * @param all      every implementation of the families whose keys live in this section
     * @param chosen   the configured implementations (e.g. the scheduler and the local policy)
     * @param err      makes the error for a key path and a problem
     * @return the options with the chosen implementations' defaults filled in
     */
    static Map<String, Object> check(String section, Map<String, Object> values, Collection<? extends NamedFactory> all,
                                     List<? extends NamedFactory> chosen, BiFunction<String, String, ConfigException> err) {
        for (NamedFactory f : all) {
            for (Setting s : f.settings()) {
                Object v = values.get(s.key());
                if (v != null || values.containsKey(s.key())) {
                    s.problem(v).ifPresent(p -> {
                        throw err.apply(section + "." + s.key(), p);
                    });
                }
            }
        }
        Map<String, Setting> declaredOptions = new LinkedHashMap<>();
        for (NamedFactory f : chosen) {
            for (Setting s : f.settings()) {
                if (s.key().startsWith(OPTIONS)) {
                    declaredOptions.putIfAbsent(s.key(), s);
                }
            }
        }
        Map<String, Object> options = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (!e.getKey().startsWith(OPTIONS)) {
                continue;
            }
            Setting s = declaredOptions.get(e.getKey());
            if (s == null) {
                List<String> names = new ArrayList<>(new TreeSet<>(declaredOptions.keySet()));
                throw err.apply(section + "." + e.getKey(), "unknown option of " + label(chosen)
                        + Spelling.hint(e.getKey(), names) + (names.isEmpty() ? "; it reads no options"
                        : "; it reads " + String.join(", ", names)));
            }
            s.problem(e.getValue()).ifPresent(p -> {
                throw err.apply(section + "." + e.getKey(), p);
            });
            options.put(e.getKey().substring(OPTIONS.length()), e.getValue());
        }
        for (Setting s : declaredOptions.values()) {
            options.putIfAbsent(s.key().substring(OPTIONS.length()), s.defaultValue());
        }
        Map<String, Object> filled = new LinkedHashMap<>(values);
        for (Setting s : declaredOptions.values()) {
            filled.putIfAbsent(s.key(), s.defaultValue());
        }
        for (NamedFactory f : chosen) {
            try {
                f.check(java.util.Collections.unmodifiableMap(filled));
            } catch (SettingException e) {
                throw err.apply(section + "." + e.key(), e.getMessage());
            }
        }
        return options;
    }

    /** The implementations in {@code all} that declare {@code key}, by name. */
    static List<String> usersOf(String key, Collection<? extends NamedFactory> all) {
        return all.stream().filter(f -> f.settings().stream().anyMatch(s -> s.key().equals(key)))
                .map(NamedFactory::name).toList();
    }

    private static String label(List<? extends NamedFactory> chosen) {
        return String.join(" and ", chosen.stream().map(f -> "'" + f.name() + "'").toList());
    }
}
