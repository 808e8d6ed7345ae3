package io.simfaasinfer.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A factory registered under a name, as used in configs and on the command line. Besides making
 * its implementation, it owns what configuration the implementation reads: the settings it
 * declares (checked against their types and bounds by validation, with "has no effect" warnings
 * for keys only other implementations read), what it supports (capabilities), and its own checks
 * of how its settings combine. Plug-ins get exactly the treatment built-ins get.
 */
public interface NamedFactory {

    /** The name users select it by, e.g. {@code vllm}. */
    String name();

    /** One line on what it does, for {@code --help} and reports. */
    String description();

    /**
     * The settings it reads, keys relative to its family's section; a plug-in's own keys start with
     * {@code options.} (the family's free-form map). Default: none.
     */
    default List<Setting> settings() {
        return List.of();
    }

    /** What it supports, by the family's capability names (e.g. {@code prefix_caching}); default none. */
    default Set<String> capabilities() {
        return Set.of();
    }

    /**
     * Its own checks of how its settings combine, over the family section's values by key (every
     * declared setting present, defaults filled, plus the family's common keys); throws a
     * {@link SettingException} naming the key. Default: none.
     */
    default void check(Map<String, Object> settings) {
    }
}
