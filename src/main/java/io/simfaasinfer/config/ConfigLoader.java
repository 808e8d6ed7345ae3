package io.simfaasinfer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a configuration: built-in defaults, then the user's YAML or JSON file, then
 * {@code key.path=value} overrides, bound to {@link SimulatorConfig} with strict typing. Every
 * problem becomes a one-line {@link ConfigException} naming the file or flag, the key path and
 * what was expected. Semantic checks follow in the validation package (ConfigValidator).
 */
public final class ConfigLoader {

    /** Objects a user replaces whole rather than merges into defaults: their fields depend on their kind. */
    private static final Set<String> REPLACED_WHOLE =
            Set.of("workload.arrival", "workload.prompt_tokens", "workload.output_tokens");

    /*
     * One configured mapper of each kind per JVM, shared by every loader (configured once, then only
     * read: thread-safe). A mapper per loader rebuilt the deserializers of the ~40 configuration
     * records by introspection for every configuration: a third of a capacity search's CPU, which
     * loads one per trial.
     */
    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final ObjectMapper BINDER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    /**
     * A command-line override.
     *
     * @param assignment {@code key.path=value}
     * @param label      how to name it in errors, e.g. {@code --tp 3} or {@code --set cluster.tp=3}
     */
    public record Override(String assignment, String label) {
        public static Override set(String assignment) {
            return new Override(assignment, "--set " + assignment);
        }
    }

    /**
     * The tree of a loaded configuration and where each part came from.
     *
     * @param userKeys the leaf key paths the user set (in the file, by a flag or by --set), in that
     *                 order; every other key holds its built-in default
     * @param lines    the line of each key in the file (key paths as canonical keys)
     * @param aliasNotes one note per key given by another name ({@link ConfigAliases}), in order
     */
    public record Loaded(SimulatorConfig config, ObjectNode tree, String source, Path baseDir,
                         Map<String, String> overrideLabels, Set<String> userKeys, Map<String, Integer> lines,
                         List<ConfigWarning> aliasNotes) {

        /** A configuration whose keys' lines are not known. */
        public Loaded(SimulatorConfig config, ObjectNode tree, String source, Path baseDir,
                      Map<String, String> overrideLabels, Set<String> userKeys) {
            this(config, tree, source, baseDir, overrideLabels, userKeys, Map.of(), List.of());
        }

        /** A configuration whose user-set keys are not known (none is taken as set). */
        public Loaded(SimulatorConfig config, ObjectNode tree, String source, Path baseDir,
                      Map<String, String> overrideLabels) {
            this(config, tree, source, baseDir, overrideLabels, Set.of(), Map.of(), List.of());
        }

        /** This configuration with {@code newConfig} in place of its bound one (same tree and sources). */
        public Loaded withConfig(SimulatorConfig newConfig) {
            return new Loaded(newConfig, tree, source, baseDir, overrideLabels, userKeys, lines, aliasNotes);
        }

        /**
         * Where the value at {@code keyPath} came from: the override that set it, or the file and the
         * line of the key (or of its nearest enclosing key) there, as {@code file:line}.
         */
        public String sourceOf(String keyPath) {
            return where(source, overrideLabels, keyPath, lines);
        }
    }

    /**
     * Loads {@code file} (null for defaults only) and applies {@code overrides} ("a.b.c=value", in
     * order; the value is parsed as a YAML scalar, list or map).
     */
    public Loaded load(Path file, List<String> overrides) {
        return loadWith(file, overrides.stream().map(Override::set).toList());
    }

    /** As {@link #load(Path, List)}, with overrides that carry their own labels for error messages. */
    public Loaded loadWith(Path file, List<Override> overrides) {
        ObjectNode tree = defaults();
        String source = "command line";
        Path baseDir = Path.of(".");
        Set<String> userKeys = new java.util.LinkedHashSet<>();
        Map<String, Integer> lines = new java.util.HashMap<>();
        List<ConfigWarning> notes = new ArrayList<>();
        if (file != null) {
            source = file.toString();
            ConfigTreeReader.Document doc = ConfigTreeReader.read(file);
            ObjectNode user = mapping(doc, source);
            // extension keys (x-...) hold YAML anchors for reuse elsewhere in the file; they set nothing
            user.remove(user.properties().stream().map(Map.Entry::getKey).filter(k -> k.startsWith("x-")).toList());
            doc.lines().forEach((k, v) -> lines.put(ConfigAliases.clusterSection(k), v));
            Path parent = file.toAbsolutePath().getParent();
            baseDir = parent == null ? baseDir : parent;
            resolvePaths(user, baseDir);
            notes.addAll(ConfigAliases.rename(user, source, lines));
            user.fields().forEachRemaining(e ->
                    leafPaths(e.getValue(), e.getKey().equals("hardware") ? "cluster" : e.getKey(), userKeys));
            final String file0 = source;
            merge(tree, user, "", path -> where(file0, Map.of(), path, lines));
        }
        Map<String, String> setPaths = new LinkedHashMap<>();
        // later overrides of the same key win, and so does their label
        for (Override ov : overrides) {
            String o = ov.assignment();
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(ov.label() + ": expected key.path=value");
            }
            String given = o.substring(0, eq).trim();
            String key = ConfigAliases.canonical(given);
            String raw = o.substring(eq + 1).trim();
            JsonNode value;
            try {
                value = raw.isEmpty() ? JsonNodeFactory.instance.textNode("") : YAML.readTree(raw);
            } catch (JsonProcessingException e) {
                throw new ConfigException(ov.label() + ": value is not valid YAML");
            }
            if (!key.equals(given)) {
                JsonNode canonicalValue = ConfigAliases.value(given, ov.label(), value);
                notes.add(new ConfigWarning(given, ov.label(), "is read as " + key
                        + (canonicalValue.equals(value) ? "" : " = " + canonicalValue.asText())));
                value = canonicalValue;
            }
            set(tree, key, value, ov.label());
            setPaths.put(key, ov.label());
            String canonical = ConfigAliases.clusterSection(key);
            leafPaths(value, canonical, userKeys);
        }
        final String src = source;
        final Map<String, Integer> keyLines = Map.copyOf(lines);
        new DeploymentTree(path -> where(src, setPaths, path, keyLines)).shape(tree);
        if (userKeys.contains("simulation.duration_s") && !userKeys.contains("workload.num_requests")
                && tree.path("simulation").path("duration_s").isNumber() && tree.get("workload") instanceof ObjectNode w) {
            // a duration and no request count: the simulated time alone bounds the run (not the default count)
            w.putNull("num_requests");
        }
        noNullItems(tree, "", path -> where(src, setPaths, path, keyLines));
        SimulatorConfig bound = bind(tree, source, setPaths, keyLines);
        if (file != null) {
            // the file's own relative paths (trace, length files) are relative to it, for every caller
            bound = ConfigPaths.resolve(bound, baseDir);
        }
        return new Loaded(bound, tree, source, baseDir, Map.copyOf(setPaths),
                java.util.Collections.unmodifiableSet(userKeys), keyLines, List.copyOf(notes));
    }

    /** Refuses an empty list item ({@code - } or {@code - null}) anywhere: no list of ours takes one. */
    private static void noNullItems(JsonNode node, String path, java.util.function.UnaryOperator<String> where) {
        if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                String p = path + "." + i;
                if (arr.get(i) == null || arr.get(i).isNull()) {
                    throw new ConfigException(where.apply(p), p, "an empty list item; expected a value (or remove the item)");
                }
                noNullItems(arr.get(i), p, where);
            }
        } else if (node instanceof ObjectNode obj) {
            obj.fields().forEachRemaining(e -> noNullItems(e.getValue(), path.isEmpty() ? e.getKey()
                    : path + "." + e.getKey(), where));
        }
    }

    /** Adds to {@code out} the key path of every leaf under {@code node} (a list or an empty mapping is a leaf). */
    private static void leafPaths(JsonNode node, String path, Set<String> out) {
        if (node instanceof ObjectNode obj && !obj.isEmpty()) {
            obj.fields().forEachRemaining(e -> leafPaths(e.getValue(), path + "." + e.getKey(), out));
        } else {
            out.add(path);
        }
    }

    /** Keys holding file paths: relative paths in a config file are relative to that file. */
    private static final List<String> PATH_KEYS = List.of("catalog.file", "predictor.profile",
            "predictor.calibrate_from", "predictor.telemetry");

    private static void resolvePaths(ObjectNode user, Path baseDir) {
        for (String key : PATH_KEYS) {
            String[] parts = key.split("\\.");
            JsonNode parent = user.get(parts[0].equals("cluster") && !user.has("cluster") ? "hardware" : parts[0]);
            if (!(parent instanceof ObjectNode obj)) {
                continue;
            }
            JsonNode v = obj.get(parts[1]);
            if (v != null && v.isTextual()) {
                obj.put(parts[1], resolve(baseDir, v.asText()));
            } else if (v != null && v.isArray()) {
                var arr = (com.fasterxml.jackson.databind.node.ArrayNode) v;
                for (int i = 0; i < arr.size(); i++) {
                    if (arr.get(i).isTextual()) {
                        arr.set(i, JsonNodeFactory.instance.textNode(resolve(baseDir, arr.get(i).asText())));
                    }
                }
            }
        }
    }

    private static String resolve(Path baseDir, String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? path : baseDir.resolve(p).normalize().toString();
    }

    /**
     * Reads a YAML/JSON document that must be a mapping (duplicate keys refused, YAML aliases
     * expanded: {@link ConfigTreeReader}).
     */
    public ObjectNode readObject(Path file) {
        return mapping(ConfigTreeReader.read(file), file.toString());
    }

    private static ObjectNode mapping(ConfigTreeReader.Document doc, String name) {
        JsonNode node = doc.root();
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new ConfigException(name + ": empty configuration file");
        }
        if (!node.isObject()) {
            throw new ConfigException(name + ": expected a mapping of sections (simulation, workload, model, cluster, scheduler, ...)");
        }
        return (ObjectNode) node;
    }

    /** The built-in defaults, parsed once; never handed out, only deep copies of it (so never mutated). */
    private static final ObjectNode DEFAULTS = parseDefaults();

    private static ObjectNode parseDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("built-in defaults.yaml unreadable", e);
        }
    }

    private ObjectNode defaults() {
        return DEFAULTS.deepCopy();
    }

    /** Keys whose default is a value but which a user may unset with {@code null}. */
    private static final Set<String> NULLABLE = Set.of("workload.num_requests");

    /**
     * Deep merge of {@code user} into {@code base}; {@code hardware} is read as {@code cluster}. A
     * section left empty ({@code model:} with nothing under it) keeps its defaults; a null where the
     * default is a value is refused, never bound as null.
     */
    private void merge(ObjectNode base, ObjectNode user, String prefix, java.util.function.UnaryOperator<String> where) {
        Iterator<Map.Entry<String, JsonNode>> it = user.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() && e.getKey().equals("hardware") ? "cluster" : e.getKey();
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            JsonNode existing = base.get(key);
            boolean blank = e.getValue().isNull() || (e.getValue().isTextual() && e.getValue().asText().isEmpty());
            if (blank && existing instanceof ObjectNode) {
                continue; // an empty section: nothing set in it
            }
            if (existing instanceof ObjectNode && !e.getValue().isObject()) {
                throw new ConfigException(where.apply(path), path, "expected a mapping, got "
                        + (e.getValue().isValueNode() ? "'" + e.getValue().asText() + "'"
                        : e.getValue().getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
            }
            if (blank && existing != null && !existing.isNull() && !NULLABLE.contains(path)) {
                throw new ConfigException(where.apply(path), path, "no value given; expected "
                        + describe(existing) + " (delete the key to keep the default, " + existing + ")");
            }
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode uo && !REPLACED_WHOLE.contains(path)) {
                merge(eo, uo, path, where);
            } else {
                base.set(key, e.getValue().deepCopy());
            }
        }
    }

    private static String describe(JsonNode example) {
        if (example.isIntegralNumber()) {
            return "an integer";
        }
        if (example.isNumber()) {
            return "a number";
        }
        if (example.isBoolean()) {
            return "true or false";
        }
        if (example.isArray()) {
            return "a list";
        }
        if (example.isObject()) {
            return "a mapping";
        }
        return example.isTextual() ? "a string" : "a value";
    }

    private void set(ObjectNode tree, String dotted, JsonNode value, String source) {
        String[] parts = dotted.split("\\.");
        if (parts[0].equals("hardware")) {
            parts[0] = "cluster";
        }
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) {
                throw new ConfigException(source + ": empty key in '" + dotted + "'");
            }
            JsonNode child = node.get(parts[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            } else if (!child.isObject()) {
                throw new ConfigException(source + ": '" + String.join(".", List.of(parts).subList(0, i + 1))
                        + "' is a value, not a section");
            }
            node = (ObjectNode) child;
        }
        String path = String.join(".", parts);
        JsonNode existing = node.get(parts[parts.length - 1]);
        if (value.isNull() && existing != null && !existing.isNull() && !NULLABLE.contains(path)) {
            throw new ConfigException(source + ": " + path + ": no value given; expected " + describe(existing)
                    + (existing.isContainerNode() ? "" : " (leave it out to keep the default, " + existing + ")"));
        }
        node.set(parts[parts.length - 1], value);
    }

    private SimulatorConfig bind(ObjectNode tree, String source, Map<String, String> setPaths,
                                 Map<String, Integer> lines) {
        try {
            return BINDER.treeToValue(tree, SimulatorConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String path = path(e);
            Set<String> known = new TreeSet<>();
            if (e.getKnownPropertyIds() != null) {
                e.getKnownPropertyIds().forEach(k -> known.add(snake(String.valueOf(k))));
            }
            throw new ConfigException(where(source, setPaths, path, lines), path,
                    "unknown key" + io.simfaasinfer.spi.Spelling.hint(path.substring(path.lastIndexOf('.') + 1), known)
                            + "; expected one of " + String.join(", ", known));
        } catch (InvalidFormatException e) {
            String path = path(e);
            throw new ConfigException(where(source, setPaths, path, lines), path,
                    "expected " + typeName(e.getTargetType()) + ", got '" + e.getValue() + "'");
        } catch (MismatchedInputException e) {
            String path = path(e);
            throw new ConfigException(where(source, setPaths, path, lines), path,
                    "expected " + typeName(e.getTargetType()) + valueHint(tree, path));
        } catch (JsonMappingException e) {
            String path = path(e);
            String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (m.startsWith("Numeric value")) {
                // an integer key given a number beyond the Java int range
                throw new ConfigException(where(source, setPaths, path, lines), path, "expected an integer in ["
                        + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]" + valueHint(tree, path));
            }
            throw new ConfigException(where(source, setPaths, path, lines), path,
                    m.isEmpty() ? "invalid value" : ConfigTreeReader.plain(m));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage());
        }
    }

    private static String valueHint(ObjectNode tree, String path) {
        JsonNode n = tree;
        for (String p : path.split("\\.")) {
            if (n == null) {
                return "";
            }
            n = n.isArray() && p.matches("\\d+") ? n.get(Integer.parseInt(p)) : n.get(p);
        }
        if (n == null) {
            return "";
        }
        return n.isNull() ? ", got null" : ", got " + (n.isValueNode() ? "'" + n.asText() + "'" : n.getNodeType().name().toLowerCase());
    }

    /**
     * The override that set {@code path} (or a key above or below it), else {@code source} with the
     * line of {@code path}, or of its nearest enclosing key, when known.
     */
    static String where(String source, Map<String, String> setPaths, String path, Map<String, Integer> lines) {
        String best = null;
        String exact = null; // the override of exactly this key wins over one of a key above it (a whole object)
        for (Map.Entry<String, String> e : setPaths.entrySet()) {
            String k = ConfigAliases.clusterSection(e.getKey());
            if (path.equals(k)) {
                exact = e.getValue();
            } else if (path.startsWith(k + ".") || k.startsWith(path + ".")) {
                best = e.getValue();
            }
        }
        if (exact != null || best != null) {
            return exact != null ? exact : best;
        }
        for (String p = path; !p.isEmpty(); p = p.contains(".") ? p.substring(0, p.lastIndexOf('.')) : "") {
            Integer line = lines.get(p);
            if (line != null) {
                return source + ":" + line;
            }
        }
        return source;
    }

    private static String path(JsonMappingException e) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference r : e.getPath()) {
            parts.add(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
        }
        return parts.isEmpty() ? "(top level)" : String.join(".", parts);
    }

    private static String snake(String camel) {
        return camel.chars().mapToObj(c -> Character.isUpperCase(c) ? "_" + Character.toLowerCase((char) c)
                : String.valueOf((char) c)).collect(Collectors.joining());
    }

    private static String typeName(Class<?> t) {
        if (t == null) {
            return "a different value";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "an integer";
        }
        if (t == double.class || t == Double.class) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (Map.class.isAssignableFrom(t) || t.isRecord()) {
            return "a mapping";
        }
        if (List.class.isAssignableFrom(t)) {
            return "a list";
        }
        return t.getSimpleName();
    }
}
