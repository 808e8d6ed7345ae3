package io.simfaasinfer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Other names of configuration keys, as the SimFaaSInfer README, FaaSInfer and the LLM Inference
 * Simulator write them ({@code simulation.duration}, {@code workload.type},
 * {@code workload.arrival_rate}, {@code scheduler.type}, {@code scheduler.max_batch_size}, ...):
 * rewritten to the canonical key before defaults are merged, each reported once as a note (a
 * {@link ConfigWarning} saying what it was read as), never an error. Giving a key under both names
 * is an error.
 */
final class ConfigAliases {

    /**
     * One alias.
     *
     * @param from  the other name, dot-separated
     * @param to    the canonical key
     * @param value converts the value (source label, value) or null to keep it as given
     */
    record Alias(String from, String to, BiFunction<String, JsonNode, JsonNode> value) {
    }

    static final List<Alias> ALL = List.of(
            new Alias("simulation.duration", "simulation.duration_s", ConfigAliases::seconds),
            new Alias("simulation.seed", "simulation.random_seed", null),
            new Alias("workload.type", "workload.arrival.process", null),
            new Alias("workload.arrival_rate", "workload.arrival.rate", null),
            new Alias("scheduler.type", "scheduler.name", null),
            new Alias("scheduler.max_batch_size", "scheduler.max_num_seqs", null),
            new Alias("cluster.gpu_type", "cluster.gpu", null));

    private ConfigAliases() {
    }

    /** {@code keyPath} with the section {@code hardware} (the LLM Inference Simulator's name) read as {@code cluster}. */
    static String clusterSection(String keyPath) {
        return keyPath.equals("hardware") || keyPath.startsWith("hardware.")
                ? "cluster" + keyPath.substring("hardware".length()) : keyPath;
    }

    /** The canonical key of {@code key} (itself when it is no alias). */
    static String canonical(String key) {
        String k = clusterSection(key);
        for (Alias a : ALL) {
            if (a.from().equals(k)) {
                return a.to();
            }
        }
        return key;
    }

    /** {@code value} as the canonical key of {@code key} takes it (unchanged for most aliases). */
    static JsonNode value(String key, String source, JsonNode value) {
        String k = clusterSection(key);
        for (Alias a : ALL) {
            if (a.from().equals(k) && a.value() != null) {
                return a.value().apply(source + ": " + key, value);
            }
        }
        return value;
    }

    /**
     * Rewrites every alias in {@code user} (a file's tree, top-level {@code hardware} not yet read as
     * {@code cluster}) to its canonical key; records the canonical key's line; returns one note per alias.
     */
    static List<ConfigWarning> rename(ObjectNode user, String source, Map<String, Integer> lines) {
        List<ConfigWarning> notes = new ArrayList<>();
        boolean hadArrival = user.get("workload") instanceof ObjectNode w && w.get("arrival") instanceof ObjectNode;
        for (Alias a : ALL) {
            String[] from = a.from().split("\\.");
            String section = from[0].equals("cluster") && !user.has("cluster") ? "hardware" : from[0];
            if (!(user.get(section) instanceof ObjectNode sec) || !sec.has(from[1])) {
                continue;
            }
            Integer line = lines.get(a.from());
            String where = line == null ? source : source + ":" + line;
            String[] to = a.to().split("\\.");
            ObjectNode parent = sec;
            for (int i = 1; i < to.length - 1; i++) {
                JsonNode child = parent.get(to[i]);
                if (child == null || child.isNull()) {
                    child = parent.putObject(to[i]);
                } else if (!(child instanceof ObjectNode)) {
                    throw new ConfigException(where, a.from(), "is another name for " + a.to() + ", but "
                            + String.join(".", List.of(to).subList(0, i + 1)) + " is a value, not a section");
                }
                parent = (ObjectNode) child;
            }
            String leaf = to[to.length - 1];
            if (parent.has(leaf)) {
                throw new ConfigException(where, a.from(), "is another name for " + a.to() + "; give only one of them");
            }
            JsonNode v = sec.remove(from[1]);
            JsonNode converted = a.value() == null ? v : a.value().apply(where + ": " + a.from(), v);
            parent.set(leaf, converted);
            if (line != null) {
                lines.putIfAbsent(a.to(), line);
            }
            notes.add(new ConfigWarning(a.from(), where, "is read as " + a.to()
                    + (converted.equals(v) ? "" : " = " + converted.asText())));
        }
        if (!hadArrival && user.get("workload") instanceof ObjectNode w && w.get("arrival") instanceof ObjectNode arr
                && !arr.has("process")) {
            arr.put("process", "poisson"); // arrival_rate alone: the default process, as workload.arrival.rate alone would be
        }
        return notes;
    }

    private static final Pattern DURATION =
            Pattern.compile("\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(ms|s|sec|m|min|h|hr)?\\s*");

    /** A duration: a number of seconds, or text with a unit (500ms, 90s, 30m, 1h); seconds. */
    static JsonNode seconds(String where, JsonNode v) {
        if (v.isNumber() || v.isNull()) {
            return v;
        }
        Matcher m = DURATION.matcher(v.isTextual() ? v.asText().toLowerCase(Locale.ROOT) : "");
        if (!m.matches()) {
            throw new ConfigException(where + ": expected seconds or a duration such as 90s, 30m or 1h, got '"
                    + (v.isTextual() ? v.asText() : v.getNodeType().name().toLowerCase(Locale.ROOT)) + "'");
        }
        double x = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double s = switch (unit) {
            case "ms" -> x / 1e3;
            case "m", "min" -> x * 60;
            case "h", "hr" -> x * 3600;
            default -> x;
        };
        return JsonNodeFactory.instance.numberNode(s);
    }
}
