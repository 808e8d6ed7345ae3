package io.simfaasinfer.predictor.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.simfaasinfer.catalog.ModelSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Parses and validates the three FaaSInfer profile files. Stateless. */
final class ProfileReader {

    static final String FITTED_PROFILE = "fitted_profile.json";
    static final String METADATA = "metadata.json";
    static final String MODEL_MEMORY = "model_memory.json";

    /** Opens a file of a profile by name; null when it does not exist. */
    @FunctionalInterface
    interface Opener {
        InputStream open(String fileName) throws IOException;
    }

    /**
     * Immutable, thread-safe JSON reader; lenient about NaN/Infinity tokens so that they are
     * reported as non-finite times rather than as syntax errors; strict about a field given twice in
     * one object (which value would be meant?).
     */
    static final ObjectReader JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build()
            .reader();

    private ProfileReader() {
    }

    static FaaSInferProfile read(Path path, String expectedModel, ModelSpec spec) {
        return read(path, expectedModel, spec, true);
    }

    /**
     * @param dirNameMustMatch without {@code expectedModel}, whether metadata's model must match the
     *                         directory's name
     */
    static FaaSInferProfile read(Path path, String expectedModel, ModelSpec spec, boolean dirNameMustMatch) {
        if (path.toString().isBlank()) {
            throw new ProfileException("profile path is empty; expected a FaaSInfer profile directory or its "
                    + FITTED_PROFILE);
        }
        Path dir;
        String fittedName;
        if (Files.isDirectory(path)) {
            dir = path;
            fittedName = null;
        } else if (Files.isRegularFile(path)) {
            if (size(path) == 0) {
                throw new ProfileException(path + ": empty file; expected a FaaSInfer " + FITTED_PROFILE
                        + " (or the profile directory holding it)");
            }
            dir = path.getParent() != null ? path.getParent() : path.toAbsolutePath().getParent();
            fittedName = path.getFileName().toString();
        } else {
            throw new ProfileException(path + ": no such profile directory or file");
        }
        if (fittedName == null && isEmptyDirectory(dir)) {
            throw new ProfileException(dir + ": empty directory; expected a FaaSInfer profile (" + FITTED_PROFILE + ", "
                    + METADATA + " and optionally " + MODEL_MEMORY + ")");
        }
        Path dirName = dir.toAbsolutePath().normalize().getFileName();
        String expected = expectedModel != null ? expectedModel
                : dirNameMustMatch && dirName != null ? dirName.toString() : null;
        Opener opener = name -> {
            try {
                return Files.newInputStream(dir.resolve(name));
            } catch (NoSuchFileException e) {
                return null;
            }
        };
        return read(dir.toString(), opener, fittedName, expected,
                expectedModel != null ? "model" : "directory name", spec);
    }

    /**
     * @param display      directory shown in messages
     * @param fittedName   grid file name, or null to take metadata's {@code fitted_profile} (default
     *                     {@code fitted_profile.json})
     * @param expected     model name the metadata must match (null: no check)
     * @param expectedWhat what {@code expected} is, for the message ("model", "directory name")
     */
    static FaaSInferProfile read(String display, Opener opener, String fittedName, String expected,
                                 String expectedWhat, ModelSpec spec) {
        String metaFile = file(display, METADATA);
        JsonNode metaNode = parse(metaFile, opener, METADATA, true);
        ProfileMetadata metadata = parseMetadata(metaFile, metaNode);
        if (expected != null && !namesMatch(metadata.modelName(), expected)) {
            throw ProfileException.inFile(metaFile, "field 'model_name' is '" + metadata.modelName()
                    + "' but the " + expectedWhat + " is '" + expected + "' (mismatched model)");
        }
        String gridName = fittedName;
        if (gridName == null) {
            JsonNode f = metaNode.get("fitted_profile");
            gridName = f != null && f.isTextual() && !f.asText().isBlank() ? f.asText() : FITTED_PROFILE;
        }
        String gridFile = file(display, gridName);
        List<ProfileEntry> entries = parseEntries(gridFile, parse(gridFile, opener, gridName, true));
        String memFile = file(display, MODEL_MEMORY);
        JsonNode memNode = parse(memFile, opener, MODEL_MEMORY, false);
        Optional<ModelMemory> memory = memNode == null ? Optional.empty()
                : Optional.of(parseModelMemory(memFile, memNode));
        FaaSInferProfile profile = new FaaSInferProfile(display, metadata, memory, entries);
        if (spec != null) {
            checkModel(profile, spec);
        }
        return profile;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static String file(String display, String name) {
        return display.endsWith("/") ? display + name : display + "/" + name;
    }

    private static JsonNode parse(String file, Opener opener, String name, boolean required) {
        try (InputStream in = opener.open(name)) {
            if (in == null) {
                if (required) {
                    throw ProfileException.inFile(file, "file not found (a FaaSInfer profile directory holds "
                            + FITTED_PROFILE + ", " + METADATA + " and optionally " + MODEL_MEMORY + ")");
                }
                return null;
            }
            JsonNode node = JSON.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw ProfileException.inFile(file, "empty file; expected JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw new ProfileException(file + ": invalid JSON" + where + ": "
                    + oneLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---- metadata.json ------------------------------------------------------------------

    private static ProfileMetadata parseMetadata(String file, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw ProfileException.inFile(file, "expected a JSON object");
        }
        JsonNode name = root.get("model_name");
        if (name == null || name.isNull()) {
            throw ProfileException.inFile(file, "field 'model_name' is missing");
        }
        if (!name.isTextual() || name.asText().isBlank()) {
            throw ProfileException.inFile(file, "field 'model_name' must be a non-empty string");
        }
        Map<String, String> hardware = strings(file, root, "hardware");
        Map<String, String> software = strings(file, root, "software");
        int tp = 1;
        JsonNode tpNode = root.has("tensor_parallel") ? root.get("tensor_parallel")
                : root.path("hardware").get("num_gpus");
        if (tpNode != null && !tpNode.isNull()) {
            if (!tpNode.isIntegralNumber() || tpNode.asInt() < 1) {
                throw ProfileException.inFile(file, "field 'tensor_parallel' must be an integer >= 1, got " + tpNode);
            }
            tp = tpNode.asInt();
        }
        return new ProfileMetadata(name.asText(), hardware.getOrDefault("gpu", ""), tp, hardware, software,
                root.path("profiling_date").asText(""), root.path("notes").asText(""));
    }

    private static Map<String, String> strings(String file, JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw ProfileException.inFile(file, "field '" + field + "' must be an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
        });
        return out;
    }

    // ---- fitted_profile.json ------------------------------------------------------------

    private static List<ProfileEntry> parseEntries(String file, JsonNode root) {
        if (root == null || !root.isArray()) {
            throw ProfileException.inFile(file, "expected a JSON array of entries");
        }
        if (root.isEmpty()) {
            throw ProfileException.inFile(file, "no entries");
        }
        List<ProfileEntry> entries = new ArrayList<>(root.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < root.size(); i++) {
            ProfileEntry e = parseEntry(file, i, root.get(i));
            Integer prev = seen.putIfAbsent(e.gridKey(), i);
            if (prev != null) {
                throw ProfileException.atEntry(file, i, "duplicate grid point (" + e.label()
                        + ") already given by entry " + prev);
            }
            entries.add(e);
        }
        return entries;
    }

    private static ProfileEntry parseEntry(String file, int i, JsonNode n) {
        if (n == null || !n.isObject()) {
            throw ProfileException.atEntry(file, i, "expected a JSON object");
        }
        JsonNode typeNode = n.get("type");
        if (typeNode == null || typeNode.isNull()) {
            throw ProfileException.atEntry(file, i, "field 'type' is missing");
        }
        String type = typeNode.asText().toLowerCase(Locale.ROOT);
        ProfileEntry.Phase phase;
        int seqLen = 0;
        int kvCache = 0;
        int newTokens;
        if (type.equals("prefill")) {
            phase = ProfileEntry.Phase.PREFILL;
            seqLen = intField(file, i, n, "seq_len", 1, true, 0);
            newTokens = seqLen;
        } else if (type.equals("decode")) {
            phase = ProfileEntry.Phase.DECODE;
            kvCache = intField(file, i, n, "kv_cache", 0, true, 0);
            newTokens = intField(file, i, n, "new_tokens", 1, false, 1);
        } else {
            throw ProfileException.atEntry(file, i, "field 'type' has unknown value '" + typeNode.asText()
                    + "' (expected prefill or decode)");
        }
        int batch = intField(file, i, n, "batch_size", 1, true, 0);
        double mean = timeField(file, i, n, "mean_ms", true, true);
        double median = timeField(file, i, n, "median_ms", true, true);
        double std = timeField(file, i, n, "std_ms", false, false);
        double min = timeField(file, i, n, "min_ms", false, true);
        int reps = intField(file, i, n, "n", 1, false, 0);
        double eager = timeField(file, i, n, "eager_median_ms", false, true);
        return new ProfileEntry(i, phase, seqLen, kvCache, newTokens, batch, mean, median, std, min, reps,
                Double.isNaN(eager) ? OptionalDouble.empty() : OptionalDouble.of(eager));
    }

    private static int intField(String file, int i, JsonNode n, String field, int min, boolean required, int dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ProfileException.atEntry(file, i, "field '" + field + "' is missing");
            }
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || Math.abs(v.asDouble()) > Integer.MAX_VALUE) {
            throw ProfileException.atEntry(file, i, "field '" + field + "' must be an integer, got " + v);
        }
        int x = (int) v.asDouble();
        if (x < min) {
            throw ProfileException.atEntry(file, i, "field '" + field + "' must be >= " + min + ", got " + x);
        }
        return x;
    }

    /**
     * A finite time, > 0 when {@code positive} (an iteration never takes no time), else >= 0 (a
     * spread); NaN when optional and absent.
     */
    private static double timeField(String file, int i, JsonNode n, String field, boolean required,
                                    boolean positive) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ProfileException.atEntry(file, i, "field '" + field + "' is missing");
            }
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw ProfileException.atEntry(file, i, "field '" + field + "' must be a number, got " + v);
        }
        double x = v.asDouble();
        if (!Double.isFinite(x)) {
            throw ProfileException.atEntry(file, i, "field '" + field + "' must be finite, got " + x);
        }
        if (positive ? x <= 0 : x < 0) {
            throw ProfileException.atEntry(file, i, "field '" + field + "' must be " + (positive ? "> 0" : ">= 0")
                    + " (a time in ms), got " + v);
        }
        return x;
    }

    // ---- model_memory.json --------------------------------------------------------------

    private static ModelMemory parseModelMemory(String file, JsonNode root) {
        if (!root.isObject()) {
            throw ProfileException.inFile(file, "expected a JSON object");
        }
        long params = longField(file, root, "model_params");
        long kv = longField(file, root, "kv_cache_per_token_bytes");
        JsonNode total = root.get("total_model_memory_gb");
        double totalGb = total != null && total.isNumber() ? total.asDouble() : Double.NaN;
        Map<String, Long> arch = new LinkedHashMap<>();
        JsonNode a = root.get("architecture");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw ProfileException.inFile(file, "field 'architecture' must be an object");
            }
            a.fields().forEachRemaining(e -> {
                if (e.getValue().isIntegralNumber()) {
                    arch.put(e.getKey(), e.getValue().asLong());
                }
            });
        }
        return new ModelMemory(params, kv, totalGb, arch);
    }

    private static long longField(String file, JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw ProfileException.inFile(file, "field '" + field + "' is missing");
        }
        if (!v.isIntegralNumber() || v.asLong() < 1) {
            throw ProfileException.inFile(file, "field '" + field + "' must be a positive integer, got " + v);
        }
        return v.asLong();
    }

    // ---- model checks ---------------------------------------------------------------------

    static void checkModel(FaaSInferProfile p, ModelSpec spec) {
        String metaFile = file(p.source(), METADATA);
        if (!namesMatch(p.modelName(), spec.name())) {
            throw ProfileException.inFile(metaFile, "field 'model_name' is '" + p.modelName()
                    + "' but the model is '" + spec.name() + "' (mismatched model)");
        }
        if (p.modelMemory().isEmpty()) {
            return;
        }
        ModelMemory m = p.modelMemory().get();
        String memFile = file(p.source(), MODEL_MEMORY);
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("hidden_size", (long) spec.hiddenSize());
        expected.put("num_layers", (long) spec.numLayers());
        expected.put("num_heads", (long) spec.numHeads());
        expected.put("num_kv_heads", (long) spec.numKvHeads());
        expected.put("intermediate_size", (long) spec.intermediateSize());
        expected.put("vocab_size", (long) spec.vocabSize());
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            Long got = m.architecture().get(e.getKey());
            if (got != null && !got.equals(e.getValue())) {
                throw ProfileException.inFile(memFile, "field 'architecture." + e.getKey() + "' is " + got
                        + " but model " + spec.name() + " has " + e.getValue() + " (mismatched model)");
            }
        }
        if (m.kvCachePerTokenBytes() != spec.kvBytesPerToken()) {
            throw ProfileException.inFile(memFile, "field 'kv_cache_per_token_bytes' is " + m.kvCachePerTokenBytes()
                    + " but model " + spec.name() + " has " + spec.kvBytesPerToken() + " (mismatched model)");
        }
        double rel = Math.abs(m.modelParams() - (double) spec.totalParams()) / spec.totalParams();
        if (rel > 0.02) {
            throw ProfileException.inFile(memFile, "field 'model_params' is " + m.modelParams()
                    + " but model " + spec.name() + " has " + spec.totalParams() + " (mismatched model)");
        }
    }

    /**
     * Loose model-name equality: the part after the last '/', lower case, letters and digits only;
     * equal, or one contains the other ({@code meta-llama/Llama-2-7b-hf} matches {@code llama-2-7b}).
     */
    static boolean namesMatch(String a, String b) {
        String x = normalise(a);
        String y = normalise(b);
        return !x.isEmpty() && !y.isEmpty() && (x.equals(y) || x.contains(y) || y.contains(x));
    }

    private static String normalise(String s) {
        String t = s.substring(s.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return t.replaceAll("[^a-z0-9]", "");
    }
}
