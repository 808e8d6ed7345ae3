package io.simfaasinfer.planner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.ConfigLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@link PlanRequest}: built-in defaults, then the request file, then split
 * {@code --workload} / {@code --constraints} files (a file holding the section's keys, or a
 * document with that section), then {@code key.path=value} overrides (flags), bound strictly and
 * checked. Every problem is one line naming the file or flag, the key and what was expected.
 */
public final class PlanRequestLoader {

    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final ObjectMapper BINDER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private final ObjectNode tree;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private String mainSource = "defaults";

    public PlanRequestLoader() {
        try (InputStream in = PlanRequestLoader.class.getResourceAsStream("/planner/defaults.yaml")) {
            tree = (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("built-in planner/defaults.yaml unreadable", e);
        }
    }

    /** Merges a whole request file; relative paths in it (profile, telemetry, trace) resolve against its folder. */
    public PlanRequestLoader request(Path file) {
        ObjectNode user = new ConfigLoader().readObject(file);
        resolvePaths(user, file);
        mainSource = file.toString();
        merge(tree, user, "", file.toString());
        return this;
    }

    /** Merges a file holding one section ({@code workload} or {@code constraints}), bare or under its name. */
    public PlanRequestLoader section(String section, Path file) {
        ObjectNode user = new ConfigLoader().readObject(file);
        JsonNode body = user.has(section) && user.size() == 1 ? user.get(section) : user;
        if (!(body instanceof ObjectNode o)) {
            throw new ConfigException(file + ": " + section + ": expected a mapping");
        }
        ObjectNode wrapped = YAML.createObjectNode();
        wrapped.set(section, o.deepCopy());
        resolvePaths(wrapped, file);
        merge(tree, wrapped, "", file.toString());
        return this;
    }

    /** Sets {@code key.path} to {@code yamlValue}; {@code label} names the flag in errors. */
    public PlanRequestLoader set(String keyPath, String yamlValue, String label) {
        JsonNode value;
        try {
            value = YAML.readTree(yamlValue);
        } catch (JsonProcessingException e) {
            throw new ConfigException(label + ": value is not valid YAML");
        }
        String[] parts = keyPath.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode o)) {
                throw new ConfigException(label + ": unknown key " + keyPath);
            }
            node = o;
        }
        node.set(parts[parts.length - 1], value);
        sources.put(keyPath, label);
        return this;
    }

    private String sourceOf(String path) {
        String best = mainSource;
        for (Map.Entry<String, String> e : sources.entrySet()) {
            if (path.equals(e.getKey()) || path.startsWith(e.getKey() + ".")) {
                best = e.getValue();
            }
        }
        return best;
    }

    private ConfigException err(String path, String problem) {
        return new ConfigException(sourceOf(path), path, problem);
    }

    private static void resolvePaths(ObjectNode user, Path file) {
        Path base = file.toAbsolutePath().getParent();
        for (String key : List.of("profile", "telemetry")) {
            if (user.path(key).isTextual()) {
                user.put(key, resolve(base, user.get(key).asText()));
            }
        }
        if (user.get("workload") instanceof ObjectNode w && w.path("trace").isTextual()) {
            w.put("trace", resolve(base, w.get("trace").asText()));
        }
    }

    private static String resolve(Path base, String p) {
        Path path = Path.of(p);
        return path.isAbsolute() || base == null ? p : base.resolve(path).normalize().toString();
    }

    private void merge(ObjectNode base, ObjectNode user, String prefix, String source) {
        var it = user.fields();
        while (it.hasNext()) {
            var e = it.next();
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode existing = base.get(e.getKey());
            boolean whole = path.endsWith("_length") || path.equals("workload.arrival");
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode uo && !whole) {
                merge(eo, uo, path, source);
            } else {
                base.set(e.getKey(), e.getValue().deepCopy());
                sources.put(path, source);
            }
        }
    }

    /** Binds and checks the request. */
    public PlanRequest load() {
        PlanRequest r;
        try {
            r = BINDER.treeToValue(tree, PlanRequest.class);
        } catch (UnrecognizedPropertyException e) {
            String path = path(e);
            Set<String> known = new TreeSet<>();
            if (e.getKnownPropertyIds() != null) {
                e.getKnownPropertyIds().forEach(k -> known.add(snake(String.valueOf(k))));
            }
            throw err(path, "unknown key; expected one of " + String.join(", ", known));
        } catch (JsonMappingException e) {
            String path = path(e);
            throw err(path, "expected a different value (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    .replaceAll("`[a-zA-Z.$]+`", "").replaceAll("\\(class [^)]*\\)", "").trim() + ")");
        } catch (JsonProcessingException e) {
            throw new ConfigException(mainSource + ": " + e.getOriginalMessage());
        }
        check(r);
        return r;
    }

    private void check(PlanRequest r) {
        var w = r.workload();
        List<Double> range = w.arrivalRateRange();
        if (range == null || range.size() != 2 || range.get(0) == null || range.get(1) == null
                || !(range.get(0) > 0) || !(range.get(1) > range.get(0)) || Double.isInfinite(range.get(1))) {
            throw err("workload.arrival_rate_range", "expected [low, high] requests/s with 0 < low < high, got " + range);
        }
        if (w.trace() == null && (w.promptLength() == null || w.outputLength() == null)) {
            throw err("workload.prompt_length", "a synthetic workload needs prompt_length and output_length");
        }
        var c = r.constraints();
        positive("constraints.max_ttft_p95_ms", c.maxTtftP95Ms());
        positive("constraints.max_tbt_p99_ms", c.maxTbtP99Ms());
        positive("constraints.max_tpot_p99_ms", c.maxTpotP99Ms());
        positive("constraints.max_latency_p99_ms", c.maxLatencyP99Ms());
        positive("constraints.max_cost_per_hour", c.maxCostPerHour());
        positive("constraints.min_qps", c.minQps());
        var s = r.configSpace();
        nonEmpty("config_space.gpu_types", s.gpuTypes());
        positiveInts("config_space.tensor_parallel", s.tensorParallel());
        positiveInts("config_space.pipeline_parallel", s.pipelineParallel());
        positiveInts("config_space.num_replicas", s.numReplicas());
        positiveInts("config_space.max_batch_sizes", s.maxBatchSizes());
        if (s.numGpus() == null) {
            throw err("config_space.num_gpus", "expected a list of GPU counts (empty = any)");
        }
        for (Integer g : s.numGpus()) {
            if (g == null || g < 1) {
                throw err("config_space.num_gpus", "expected positive integers, got " + s.numGpus());
            }
        }
        nonEmpty("config_space.schedulers", s.schedulers());
        nonEmpty("config_space.deployments", s.deployments());
        for (String d : s.deployments()) {
            if (!Set.of("aggregated", "disaggregated").contains(d)) {
                throw err("config_space.deployments", "expected aggregated or disaggregated, got '" + d + "'");
            }
        }
        nonEmpty("config_space.prefill_decode_splits", s.prefillDecodeSplits());
        for (String split : s.prefillDecodeSplits()) {
            CandidateSpace.split(split, () -> err("config_space.prefill_decode_splits",
                    "expected prefill:decode replica ratios such as \"1:1\" or \"1:3\", got '" + split + "'"));
        }
        nonEmpty("config_space.lifecycles", s.lifecycles());
        for (String l : s.lifecycles()) {
            if (!Set.of("always_on", "serverless").contains(l)) {
                throw err("config_space.lifecycles", "expected always_on or serverless, got '" + l + "'");
            }
        }
        var sim = r.simulation();
        if (!(sim.duration() > 0) || Double.isInfinite(sim.duration()) || sim.duration() > 1e6) {
            throw err("simulation.duration", "expected seconds in (0, 1e6], got " + sim.duration());
        }
        if (!(sim.warmupDuration() >= 0) || sim.warmupDuration() >= sim.duration()) {
            throw err("simulation.warmup_duration", "expected seconds in [0, duration), got " + sim.warmupDuration());
        }
    }

    private void positive(String path, Double v) {
        if (v != null && (!(v > 0) || Double.isInfinite(v))) {
            throw err(path, "expected a positive number, got " + v);
        }
    }

    private void nonEmpty(String path, List<?> l) {
        if (l == null || l.isEmpty() || l.contains(null)) {
            throw err(path, "expected a non-empty list, got " + l);
        }
    }

    private void positiveInts(String path, List<Integer> l) {
        nonEmpty(path, l);
        for (Integer i : l) {
            if (i < 1) {
                throw err(path, "expected positive integers, got " + l);
            }
        }
    }

    private static String path(JsonMappingException e) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            parts.add(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return parts.isEmpty() ? "(top level)" : String.join(".", parts);
    }

    private static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
