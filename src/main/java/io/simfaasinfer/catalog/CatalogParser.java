package io.simfaasinfer.catalog;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads catalog files into validated {@link ModelSpec} and {@link GpuSpec} maps.
 *
 * <p>Every failure is a {@link CatalogException} with a one-line message of the form
 * {@code FILE: SECTION.ENTRY.FIELD: expected ..., got ...}. Stateless; the two mappers are
 * configured once and never changed, which Jackson documents as thread-safe.
 */
final class CatalogParser {

    /** Keys of a model entry, in {@link ModelSpec} component order (minus {@code name}). */
    static final List<String> MODEL_FIELDS = List.of(
            "num_layers", "hidden_size", "num_heads", "num_kv_heads", "intermediate_size",
            "vocab_size", "max_model_len", "gated_mlp", "tied_embeddings", "bytes_per_param",
            "source");

    /** Keys of a GPU entry, in {@link GpuSpec} component order (minus {@code name}); peak_fp8_tflops and those after it are optional. */
    static final List<String> GPU_FIELDS = List.of(
            "peak_bf16_tflops", "memory_gb", "memory_bandwidth_tb_s", "interconnect_gb_s",
            "interconnect_latency_us", "price_per_hour", "price_source", "source", "peak_fp8_tflops",
            "fabric", "allreduce_bus_gb_s", "allreduce_latency_us", "gemm_efficiency", "sustained_bf16_tflops",
            "custom_allreduce_stage_us", "custom_allreduce_one_shot_gb_s", "custom_allreduce_two_shot_gb_s",
            "l2_bandwidth_tb_s");

    static final String MODELS = "models";
    static final String GPUS = "gpus";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private CatalogParser() {
    }

    /** Both sections of one file; either may be empty. Maps keep the file's order. */
    record Sections(Map<String, ModelSpec> models, Map<String, GpuSpec> gpus) {
    }

    // ---------------------------------------------------------------- built-in resources

    /** A built-in resource: a map keyed by catalog name, holding entries of one section. */
    static Map<String, ModelSpec> builtinModels(String resource) {
        String file = resource + " (built-in)";
        return models(readResource(resource, file), file);
    }

    static Map<String, GpuSpec> builtinGpus(String resource) {
        String file = resource + " (built-in)";
        return gpus(readResource(resource, file), file);
    }

    private static JsonNode readResource(String resource, String file) {
        try (InputStream in = CatalogParser.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new CatalogException(file + ": resource not found on the class path");
            }
            return checkedRoot(YAML.readTree(in), file, "a map of entries keyed by name");
        } catch (JsonProcessingException e) {
            throw parseError(file, e);
        } catch (IOException e) {
            throw new CatalogException(file + ": cannot read: " + oneLine(String.valueOf(e.getMessage())), e);
        }
    }

    // ---------------------------------------------------------------- user files

    /** A user file: a map with optional {@code models:} and {@code gpus:} sections. */
    static Sections userFile(Path path) {
        String file = path.toString();
        JsonNode root;
        try {
            ObjectMapper mapper = file.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
            root = checkedRoot(mapper.readTree(Files.readAllBytes(path)), file, "a map with 'models' and/or 'gpus'");
        } catch (JsonProcessingException e) {
            throw parseError(file, e);
        } catch (IOException e) {
            throw new CatalogException(file + ": " + io.simfaasinfer.spi.IoReasons.of(path, e), e);
        }
        Iterator<String> keys = root.fieldNames();
        while (keys.hasNext()) {
            String key = keys.next();
            if (!key.equals(MODELS) && !key.equals(GPUS)) {
                throw new CatalogException(file + ": " + key
                        + ": unknown top-level key; expected 'models' and/or 'gpus'");
            }
        }
        return new Sections(models(root.get(MODELS), file), gpus(root.get(GPUS), file));
    }

    private static JsonNode checkedRoot(JsonNode root, String file, String expected) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new CatalogException(file + ": file is empty; expected " + expected);
        }
        if (!root.isObject()) {
            throw new CatalogException(file + ": expected " + expected + " at the top level, got " + describe(root));
        }
        return root;
    }

    private static CatalogException parseError(String file, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 0 ? ""
                : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
        return new CatalogException(file + ": " + where + "cannot parse: "
                + oneLine(String.valueOf(e.getOriginalMessage())), e);
    }

    // ---------------------------------------------------------------- sections

    static Map<String, ModelSpec> models(JsonNode section, String file) {
        return section(section, file, MODELS, MODEL_FIELDS, CatalogParser::model);
    }

    static Map<String, GpuSpec> gpus(JsonNode section, String file) {
        return section(section, file, GPUS, GPU_FIELDS, CatalogParser::gpu);
    }

    private static <T> Map<String, T> section(JsonNode section, String file, String sectionName,
                                              List<String> fields, BiFunction<String, Entry, T> build) {
        Map<String, T> out = new LinkedHashMap<>();
        if (section == null || section.isNull()) {
            return out;
        }
        if (!section.isObject()) {
            throw new CatalogException(file + ": " + sectionName
                    + ": expected a map of entries keyed by name, got " + describe(section));
        }
        for (Map.Entry<String, JsonNode> e : section.properties()) {
            String name = e.getKey();
            String where = file + ": " + sectionName + "." + name;
            if (!NAME.matcher(name).matches()) {
                throw new CatalogException(where + ": expected a name of letters, digits, '.', '_' or '-'"
                        + " starting with a letter or digit");
            }
            if (!e.getValue().isObject()) {
                throw new CatalogException(where + ": expected a map of fields, got " + describe(e.getValue()));
            }
            Entry entry = new Entry(where, e.getValue());
            entry.rejectUnknownKeys(fields);
            out.put(name, build.apply(name, entry));
        }
        return out;
    }

    /** Most weight bytes a catalog model may have (10 PB: a thousand times today's largest models). */
    static final double MAX_MODEL_BYTES = 1e16;

    private static ModelSpec model(String name, Entry e) {
        int numLayers = e.positiveInt("num_layers");
        int hiddenSize = e.positiveInt("hidden_size");
        int numHeads = e.positiveInt("num_heads");
        int numKvHeads = e.positiveInt("num_kv_heads");
        int intermediateSize = e.positiveInt("intermediate_size");
        int vocabSize = e.positiveInt("vocab_size");
        int maxModelLen = e.positiveInt("max_model_len");
        boolean gatedMlp = e.bool("gated_mlp");
        boolean tiedEmbeddings = e.bool("tied_embeddings");
        int bytesPerParam = e.positiveInt("bytes_per_param");
        String source = e.text("source");
        if (hiddenSize % numHeads != 0) {
            throw e.error("num_heads", "a divisor of hidden_size (" + hiddenSize + ")", e.node.get("num_heads"));
        }
        if (numHeads % numKvHeads != 0) {
            throw e.error("num_kv_heads", "a divisor of num_heads (" + numHeads + ")", e.node.get("num_kv_heads"));
        }
        // in double, so the bound itself cannot overflow; below it every long product of the sizes fits
        double params = (double) numLayers * (4.0 * hiddenSize * hiddenSize + 3.0 * hiddenSize * intermediateSize)
                + 2.0 * vocabSize * hiddenSize;
        if (params * bytesPerParam > MAX_MODEL_BYTES) {
            throw e.error("num_layers", String.format(Locale.ROOT, "sizes giving at most %.0e bytes of weights"
                    + " (these give %.2e parameters)", MAX_MODEL_BYTES, params), e.node.get("num_layers"));
        }
        return new ModelSpec(name, numLayers, hiddenSize, numHeads, numKvHeads, intermediateSize,
                vocabSize, maxModelLen, gatedMlp, tiedEmbeddings, bytesPerParam, source);
    }

    private static GpuSpec gpu(String name, Entry e) {
        if (e.has("sustained_bf16_tflops")
                && e.positiveNumber("sustained_bf16_tflops") > e.positiveNumber("peak_bf16_tflops")) {
            throw e.error("sustained_bf16_tflops", "at most peak_bf16_tflops (" + e.positiveNumber("peak_bf16_tflops")
                    + "): a measured GEMM cannot beat the datasheet peak", e.node.get("sustained_bf16_tflops"));
        }
        return new GpuSpec(name,
                e.positiveNumber("peak_bf16_tflops"),
                e.positiveNumber("memory_gb"),
                e.positiveNumber("memory_bandwidth_tb_s"),
                e.positiveNumber("interconnect_gb_s"),
                e.positiveNumber("interconnect_latency_us"),
                e.positiveNumber("price_per_hour"),
                e.text("price_source"),
                e.text("source"),
                e.has("peak_fp8_tflops") ? e.positiveNumber("peak_fp8_tflops") : 0,
                e.has("fabric") ? e.choice("fabric", GpuSpec.FABRICS) : null,
                e.has("allreduce_bus_gb_s") ? e.positiveNumber("allreduce_bus_gb_s") : 0,
                e.has("allreduce_latency_us") ? e.positiveNumber("allreduce_latency_us") : 0,
                e.has("gemm_efficiency") ? e.fraction("gemm_efficiency") : 0,
                e.has("sustained_bf16_tflops") ? e.positiveNumber("sustained_bf16_tflops") : 0,
                new CustomAllReduceSpec(
                        e.has("custom_allreduce_stage_us") ? e.positiveNumber("custom_allreduce_stage_us") : 0,
                        e.has("custom_allreduce_one_shot_gb_s") ? e.positiveNumber("custom_allreduce_one_shot_gb_s") : 0,
                        e.has("custom_allreduce_two_shot_gb_s") ? e.positiveNumber("custom_allreduce_two_shot_gb_s") : 0),
                e.has("l2_bandwidth_tb_s") ? e.positiveNumber("l2_bandwidth_tb_s") : 0);
    }

    // ---------------------------------------------------------------- one entry

    /** One entry's map of fields, with {@code where} = {@code FILE: SECTION.NAME}. */
    private static final class Entry {
        final String where;
        final JsonNode node;

        Entry(String where, JsonNode node) {
            this.where = where;
            this.node = node;
        }

        void rejectUnknownKeys(List<String> known) {
            Iterator<String> keys = node.fieldNames();
            while (keys.hasNext()) {
                String key = keys.next();
                if (!known.contains(key)) {
                    throw new CatalogException(where + "." + key + ": unknown key; expected one of "
                            + String.join(", ", known));
                }
            }
        }

        CatalogException error(String field, String expected, JsonNode got) {
            return new CatalogException(where + "." + field + ": expected " + expected + ", got " + describe(got));
        }

        private JsonNode required(String field, String expected) {
            JsonNode v = node.get(field);
            if (v == null) {
                throw new CatalogException(where + "." + field + ": missing required field; expected " + expected);
            }
            return v;
        }

        boolean has(String field) {
            JsonNode v = node.get(field);
            return v != null && !v.isNull();
        }

        int positiveInt(String field) {
            String expected = "a positive integer";
            JsonNode v = required(field, expected);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() <= 0) {
                throw error(field, expected, v);
            }
            return v.intValue();
        }

        double positiveNumber(String field) {
            String expected = "a positive number";
            JsonNode v = required(field, expected);
            if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() <= 0) {
                throw error(field, expected, v);
            }
            return v.doubleValue();
        }

        boolean bool(String field) {
            String expected = "true or false";
            JsonNode v = required(field, expected);
            if (!v.isBoolean()) {
                throw error(field, expected, v);
            }
            return v.booleanValue();
        }

        double fraction(String field) {
            double v = positiveNumber(field);
            if (v > 1) {
                throw error(field, "a number in (0, 1]", node.get(field));
            }
            return v;
        }

        String choice(String field, List<String> allowed) {
            String expected = "one of " + String.join(", ", allowed);
            JsonNode v = required(field, expected);
            if (!v.isTextual() || !allowed.contains(v.textValue().strip())) {
                throw error(field, expected, v);
            }
            return v.textValue().strip();
        }

        String text(String field) {
            String expected = "a non-empty string";
            JsonNode v = required(field, expected);
            if (!v.isTextual() || v.textValue().isBlank()) {
                throw error(field, expected, v);
            }
            return v.textValue().strip();
        }
    }

    // ---------------------------------------------------------------- formatting

    /** A short one-line rendering of an offending value. */
    static String describe(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "null";
        }
        if (v.isObject()) {
            return "a map";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isTextual()) {
            String s = v.textValue().replaceAll("[\\r\\n\\t]+", " ");
            return "\"" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "\"";
        }
        return v.asText();
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }
}
