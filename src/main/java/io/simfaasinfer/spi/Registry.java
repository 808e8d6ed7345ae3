package io.simfaasinfer.spi;

import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Named implementations of one pluggable family: the built-in ones plus any found by
 * {@link ServiceLoader} on the class path, so a user's jar adds a policy without touching the
 * core. Immutable once built; a plugin may not shadow a built-in name.
 *
 * @param <F> the factory type of the family
 */
public final class Registry<F extends NamedFactory> {

    private final String family;
    private final SortedMap<String, F> byName;

    public Registry(String family, Class<F> type, List<F> builtins) {
        this.family = family;
        SortedMap<String, F> m = new TreeMap<>();
        for (F f : builtins) {
            m.put(f.name(), f);
        }
        for (F f : ServiceLoader.load(type, Registry.class.getClassLoader())) {
            if (m.containsKey(f.name())) {
                throw new IllegalStateException("plugin " + f.getClass().getName() + " reuses the " + family
                        + " name '" + f.name() + "'");
            }
            m.put(f.name(), f);
        }
        this.byName = Collections.unmodifiableSortedMap(m);
    }

    public SortedMap<String, F> all() {
        return byName;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The factory named {@code name} (a validated configuration names only known ones); an
     * {@link IllegalArgumentException} listing the known names otherwise.
     */
    public F get(String keyPath, String name) {
        F f = byName.get(name);
        if (f == null) {
            throw new IllegalArgumentException(keyPath + ": unknown " + family + " '" + name + "'"
                    + Spelling.hint(name, byName.keySet()) + "; known: " + String.join(", ", byName.keySet()));
        }
        return f;
    }
}
