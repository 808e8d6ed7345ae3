package io.simfaasinfer.predictor.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.profile.ProfileEntry.Phase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model profiler of the SimFaaSInfer architecture, done by the simulator's own predictor: a
 * FaaSInfer-format profile ({@code fitted_profile.json}, {@code metadata.json},
 * {@code model_memory.json}) on the grid a user asks for, each entry the predictor's time of that
 * shape (a prefill of {@code batch_size} prompts of {@code seq_len} tokens; a decode step of
 * {@code batch_size} sequences with {@code kv_cache} tokens cached), marked synthetic in its
 * metadata with the predictor it came from. Read back as a profile, it reproduces the predictor
 * (the profile predictor's fit of these points). Grid points whose KV cache does not fit the GPUs
 * are left out, as a real profiler cannot measure them, and counted.
 */
public final class ProfileSynthesizer {

    /** The grid: prefill sequence lengths, decode cache lengths, batch sizes. */
    public record Grid(List<Integer> seqLens, List<Integer> kvCaches, List<Integer> batchSizes) {

        /** The grid of the built-in H100 profiles: 128..8192 prompts, 128..4096 caches, batches 1..256. */
        public static final Grid DEFAULT = new Grid(List.of(128, 256, 512, 1024, 2048, 4096, 8192),
                List.of(128, 256, 512, 1024, 2048, 4096), List.of(1, 2, 4, 8, 16, 32, 64, 128, 256));
    }

    /**
     * What was made.
     *
     * @param entries the profile's entries, prefills first
     * @param skipped grid points left out because their KV cache does not fit
     */
    public record Result(List<ProfileEntry> entries, int skipped) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ProfileSynthesizer() {
    }

    /**
     * The entries of {@code grid} predicted by {@code predictor}, leaving out shapes whose tokens
     * exceed {@code kvTokens} (the KV capacity in tokens) or the model's context.
     */
    public static Result synthesize(ExecutionTimePredictor predictor, ModelSpec model, Grid grid, long kvTokens) {
        List<ProfileEntry> out = new ArrayList<>();
        int skipped = 0;
        for (int s : grid.seqLens()) {
            for (int b : grid.batchSizes()) {
                if (s > model.maxModelLen() || (long) s * b > kvTokens) {
                    skipped++;
                    continue;
                }
                out.add(entry(predictor, out.size(), Phase.PREFILL, s, 0, s, b));
            }
        }
        for (int k : grid.kvCaches()) {
            for (int b : grid.batchSizes()) {
                if (k + 1 > model.maxModelLen() || (long) (k + 1) * b > kvTokens) {
                    skipped++;
                    continue;
                }
                out.add(entry(predictor, out.size(), Phase.DECODE, 0, k, 1, b));
            }
        }
        return new Result(List.copyOf(out), skipped);
    }

    private static ProfileEntry entry(ExecutionTimePredictor p, int index, Phase phase, int seqLen, int kvCache,
                                      int newTokens, int batch) {
        ProfileEntry shape = new ProfileEntry(index, phase, seqLen, kvCache, newTokens, batch, 1, 1, 0, 1, 1,
                java.util.OptionalDouble.empty());
        double ms = p.predict(shape.toBatch()).totalMs();
        return new ProfileEntry(index, phase, seqLen, kvCache, newTokens, batch, ms, ms, 0, ms, 1,
                java.util.OptionalDouble.empty());
    }

    /** Writes the three files of the profile into {@code files} (name to path; all staged by the caller). */
    public static void write(Result r, ModelSpec model, GpuSpec gpu, int tp, String predictorDescription,
                             java.util.function.Function<String, Path> files) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (ProfileEntry e : r.entries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", e.phase() == Phase.PREFILL ? "prefill" : "decode");
            if (e.phase() == Phase.PREFILL) {
                m.put("seq_len", e.seqLen());
            } else {
                m.put("kv_cache", e.kvCache());
                m.put("new_tokens", e.newTokens());
            }
            m.put("batch_size", e.batchSize());
            double ms = Math.round(e.meanMs() * 1e4) / 1e4;
            m.put("mean_ms", ms);
            m.put("median_ms", ms);
            m.put("std_ms", 0.0);
            m.put("min_ms", ms);
            m.put("n", 1);
            entries.add(m);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("model_name", model.name());
        meta.put("fitted_profile", "fitted_profile.json");
        meta.put("synthetic", true);
        meta.put("tensor_parallel", tp);
        meta.put("hardware", Map.of("gpu", gpu.name(), "gpu_memory_gb", String.valueOf(gpu.memoryGb())));
        meta.put("software", Map.of("generator", "simfaasinfer profile synthesize", "predictor", predictorDescription));
        meta.put("notes", "Synthetic: every entry is the simulator's predicted iteration time of that shape, not a"
                + " measurement (" + r.entries().size() + " points; " + r.skipped() + " grid points left out because their"
                + " KV cache does not fit).");
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("hidden_size", model.hiddenSize());
        arch.put("num_layers", model.numLayers());
        arch.put("num_heads", model.numHeads());
        arch.put("num_kv_heads", model.numKvHeads());
        arch.put("intermediate_size", model.intermediateSize());
        arch.put("vocab_size", model.vocabSize());
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("model_params", model.totalParams());
        mem.put("activation_memory_mb", null);
        mem.put("kv_cache_per_token_bytes", model.kvBytesPerToken());
        mem.put("total_model_memory_gb", Math.round(model.totalParams() * (double) model.bytesPerParam() / 1e7) / 100.0);
        mem.put("architecture", arch);
        try {
            JSON.writeValue(files.apply("fitted_profile.json").toFile(), entries);
            JSON.writeValue(files.apply("metadata.json").toFile(), meta);
            JSON.writeValue(files.apply("model_memory.json").toFile(), mem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The three files, in the order {@link #write} writes them. */
    public static final List<String> FILES = List.of("fitted_profile.json", "metadata.json", "model_memory.json");
}
