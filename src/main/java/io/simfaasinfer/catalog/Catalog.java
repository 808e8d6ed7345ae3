package io.simfaasinfer.catalog;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable set of named {@link ModelSpec}s and {@link GpuSpec}s.
 *
 * <p>{@link #builtin()} holds the entries of the class-path resources {@code catalog/models.yaml}
 * and {@code catalog/gpus.yaml}; {@link #withUserFile(Path)} returns a new catalog in which the
 * entries of a user YAML or JSON file add to, or replace by name, those of this one. Every entry
 * is validated when it is loaded, so a spec obtained from a catalog is always usable: positive
 * sizes, {@code num_heads} dividing {@code hidden_size} and {@code num_kv_heads} dividing
 * {@code num_heads}.
 *
 * <p>User file schema (either section may be left out; fields as in the built-in files):
 * <pre>{@code
 * models:
 *   my-7b:
 *     num_layers: 32
 *     ...
 * gpus:
 *   h100-80gb:          # replaces the built-in entry
 *     price_per_hour: 2.10
 *     ...
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Catalog {

    /** Class-path resource of the built-in models. */
    public static final String MODELS_RESOURCE = "catalog/models.yaml";
    /** Class-path resource of the built-in GPUs. */
    public static final String GPUS_RESOURCE = "catalog/gpus.yaml";

    private final SortedMap<String, ModelSpec> models;
    private final SortedMap<String, GpuSpec> gpus;
    private final SortedSet<String> modelNames;
    private final SortedSet<String> gpuNames;

    private Catalog(Map<String, ModelSpec> models, Map<String, GpuSpec> gpus) {
        this.models = Collections.unmodifiableSortedMap(new TreeMap<>(models));
        this.gpus = Collections.unmodifiableSortedMap(new TreeMap<>(gpus));
        this.modelNames = Collections.unmodifiableSortedSet(new TreeSet<>(models.keySet()));
        this.gpuNames = Collections.unmodifiableSortedSet(new TreeSet<>(gpus.keySet()));
    }

    /** Loaded once, on first use; the value is immutable. */
    private static final class Builtin {
        static final Catalog INSTANCE = new Catalog(
                CatalogParser.builtinModels(MODELS_RESOURCE),
                CatalogParser.builtinGpus(GPUS_RESOURCE));
    }

    /** The catalog shipped with the simulator. */
    public static Catalog builtin() {
        return Builtin.INSTANCE;
    }

    /**
     * This catalog plus the entries of a user file, which replace entries of the same name.
     *
     * @param modelsOrGpusFile a YAML file (or JSON when its name ends in {@code .json}) whose top
     *                         level holds an optional {@code models:} map and an optional
     *                         {@code gpus:} map, keyed by catalog name
     * @throws CatalogException if the file cannot be read or parsed, has a key other than
     *                          {@code models} and {@code gpus} at the top level, or holds an entry
     *                          that fails validation; nothing is added in that case
     */
    public Catalog withUserFile(Path modelsOrGpusFile) {
        Objects.requireNonNull(modelsOrGpusFile, "modelsOrGpusFile");
        CatalogParser.Sections user = CatalogParser.userFile(modelsOrGpusFile);
        Map<String, ModelSpec> m = new TreeMap<>(models);
        m.putAll(user.models());
        Map<String, GpuSpec> g = new TreeMap<>(gpus);
        g.putAll(user.gpus());
        return new Catalog(m, g);
    }

    /**
     * The model of that name.
     *
     * @throws CatalogException if there is none; the message lists the known names
     */
    public ModelSpec model(String name) {
        ModelSpec m = models.get(Objects.requireNonNull(name, "name"));
        if (m == null) {
            m = models.get(MODEL_ALIASES.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), name));
        }
        if (m == null) {
            throw unknown("model", "models", name, modelNames, MODEL_ALIASES);
        }
        return m;
    }

    /**
     * The GPU of that name.
     *
     * @throws CatalogException if there is none; the message lists the known names
     */
    public GpuSpec gpu(String name) {
        GpuSpec g = gpus.get(Objects.requireNonNull(name, "name"));
        if (g == null) {
            // "NVIDIA A100", "a100 sxm": vendor prefix dropped, spaces read as dashes
            String lower = name.toLowerCase(java.util.Locale.ROOT).strip().replaceFirst("^nvidia[ -]+", "")
                    .replaceAll("\\s+", "-");
            g = gpus.get(GPU_ALIASES.getOrDefault(lower, lower));
        }
        if (g == null) {
            throw unknown("GPU", "GPUs", name, gpuNames, GPU_ALIASES);
        }
        return g;
    }

    /**
     * Other spellings of built-in names (case-insensitive), as the LLM Inference Simulator and the
     * capacity-planning guide write them: {@code llama2-70b}, {@code h100}, {@code A100}, ...
     */
    private static final java.util.Map<String, String> MODEL_ALIASES = java.util.Map.ofEntries(
            java.util.Map.entry("llama2-7b", "llama-2-7b"), java.util.Map.entry("llama2-13b", "llama-2-13b"),
            java.util.Map.entry("llama2-70b", "llama-2-70b"), java.util.Map.entry("llama3-8b", "llama-3-8b"),
            java.util.Map.entry("llama3-70b", "llama-3-70b"), java.util.Map.entry("llama3.1-8b", "llama-3.1-8b"),
            java.util.Map.entry("llama3.1-70b", "llama-3.1-70b"),
            // FaaSInfer's llama-7b (LLaMA 1): the shape of llama-2-7b (32 layers, 4096 hidden, 32 heads)
            java.util.Map.entry("llama-7b", "llama-2-7b"));
    private static final java.util.Map<String, String> GPU_ALIASES = java.util.Map.of(
            "a100", "a100-80gb", "h100", "h100-80gb", "h200", "h200-141gb", "b200", "b200-192gb",
            "h100-sxm", "h100-80gb", "a100-sxm", "a100-80gb");

    /** The model of that name, or empty. */
    public Optional<ModelSpec> findModel(String name) {
        try {
            return Optional.of(model(name));
        } catch (CatalogException e) {
            return Optional.empty();
        }
    }

    /** The GPU of that name, or empty. */
    public Optional<GpuSpec> findGpu(String name) {
        try {
            return Optional.of(gpu(name));
        } catch (CatalogException e) {
            return Optional.empty();
        }
    }

    /** Names of all models, sorted; unmodifiable. */
    public SortedSet<String> modelNames() {
        return modelNames;
    }

    /** Names of all GPUs, sorted; unmodifiable. */
    public SortedSet<String> gpuNames() {
        return gpuNames;
    }

    /** All models by name, sorted; unmodifiable. */
    public SortedMap<String, ModelSpec> models() {
        return models;
    }

    /** All GPUs by name, sorted; unmodifiable. */
    public SortedMap<String, GpuSpec> gpus() {
        return gpus;
    }

    private static CatalogException unknown(String kind, String kinds, String name, SortedSet<String> known,
                                            java.util.Map<String, String> aliases) {
        java.util.Set<String> spellings = new java.util.TreeSet<>(known);
        spellings.addAll(aliases.keySet());
        String hint = io.simfaasinfer.spi.Spelling.nearest(name, spellings)
                .map(n -> " (did you mean '" + aliases.getOrDefault(n, n) + "'?)").orElse("");
        return new CatalogException("unknown " + kind + " '" + name + "'" + hint
                + "; known " + kinds + ": "
                + (known.isEmpty() ? "(none)" : String.join(", ", known)));
    }

    @Override
    public String toString() {
        return "Catalog[models=" + modelNames + ", gpus=" + gpuNames + "]";
    }
}
