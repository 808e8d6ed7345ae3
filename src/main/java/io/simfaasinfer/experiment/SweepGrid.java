package io.simfaasinfer.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import io.simfaasinfer.config.ConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The points of a sweep: the product of every {@code --param KEY=v1,v2,...} (the first parameter
 * varies slowest), or the points listed in a grid file, each under every seed. A point is its
 * parameter values (config key to YAML value) and its seed.
 */
public final class SweepGrid {

    /** One point of a sweep. */
    public record Point(int index, Map<String, String> params, long seed) {

        /** Its configuration overrides, {@code key=value}, with the seed last. */
        public List<String> overrides() {
            List<String> o = new ArrayList<>();
            params.forEach((k, v) -> o.add(k + "=" + v));
            o.add("simulation.random_seed=" + seed);
            return o;
        }

        /** A short label: {@code key=value key=value seed=N}. */
        public String label() {
            StringBuilder b = new StringBuilder();
            params.forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
            return b.append("seed=").append(seed).toString();
        }
    }

    private SweepGrid() {
    }

    /** Parses {@code KEY=v1,v2,...}; values keep YAML flow syntax (a comma inside [...] or {...} does not split). */
    public static Map.Entry<String, List<String>> param(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--param " + spec + ": expected KEY=v1,v2,...");
        }
        String key = spec.substring(0, eq).trim();
        List<String> values = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char ch : spec.substring(eq + 1).toCharArray()) {
            if (ch == '[' || ch == '{') {
                depth++;
            } else if (ch == ']' || ch == '}') {
                depth--;
            }
            if (ch == ',' && depth == 0) {
                values.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        values.add(cur.toString().trim());
        if (values.stream().anyMatch(String::isEmpty)) {
            throw new ConfigException("--param " + spec + ": an empty value");
        }
        return Map.entry(key, values);
    }

    /** The product of {@code params} (insertion order; the first varies slowest) under every seed. */
    public static List<Point> product(LinkedHashMap<String, List<String>> params, List<Long> seeds) {
        List<Map<String, String>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> c : combos) {
                for (String v : e.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(c);
                    m.put(e.getKey(), v);
                    next.add(m);
                }
            }
            combos = next;
        }
        return withSeeds(combos, seeds);
    }

    /** The points of a grid file: a YAML/JSON list of mappings of config keys to values. */
    public static List<Point> file(Path file, List<Long> seeds) {
        JsonNode root;
        try {
            root = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(file.toFile());
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw new ConfigException(file + ": file not found");
        } catch (java.io.IOException e) {
            throw new ConfigException(file + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new ConfigException(file + ": expected a list of points (mappings of config keys to values)");
        }
        List<Map<String, String>> combos = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode p = root.get(i);
            if (!p.isObject() || p.isEmpty()) {
                throw new ConfigException(file + ": point " + (i + 1) + ": expected a mapping of config keys to values");
            }
            Map<String, String> m = new LinkedHashMap<>();
            p.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText()
                    : e.getValue().toString()));
            combos.add(m);
        }
        return withSeeds(combos, seeds);
    }

    private static List<Point> withSeeds(List<Map<String, String>> combos, List<Long> seeds) {
        List<Point> out = new ArrayList<>();
        for (Map<String, String> c : combos) {
            for (long s : seeds) {
                out.add(new Point(out.size(), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(c)), s));
            }
        }
        return out;
    }
}
