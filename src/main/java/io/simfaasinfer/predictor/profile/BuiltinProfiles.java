package io.simfaasinfer.predictor.profile;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Profiles shipped in the jar under {@code profiles/<gpu-folder>/<model>/} (listed in
 * {@code profiles/index.txt}), measured on real hardware. Catalog GPU names map to folders:
 * {@code h100-80gb} (and other H100 80GB names) to {@code h100}; any other name is used as the
 * folder name itself.
 */
public final class BuiltinProfiles {

    private static final String ROOT = "profiles/";

    private static final Map<String, String> GPU_FOLDERS = Map.of(
            "h100-80gb", "h100",
            "h100-sxm", "h100",
            "h100-sxm-80gb", "h100",
            "h100-sxm5-80gb", "h100");

    private BuiltinProfiles() {
    }

    /** Folder of a catalog GPU name: {@code h100-80gb -> h100}. */
    public static String gpuFolder(String gpuName) {
        String g = gpuName.toLowerCase(Locale.ROOT);
        return GPU_FOLDERS.getOrDefault(g, g);
    }

    /**
     * Profiles read so far, by {@code <gpu-folder>/<model>|<model as asked>}: a shipped profile is an
     * immutable resource and a profile is immutable, so each is read and validated once per JVM.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, FaaSInferProfile> READ =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Every shipped profile as {@code <gpu-folder>/<model>}. */
    public static List<String> available() {
        return Index.AVAILABLE;
    }

    /** The index, read once (on first use). */
    private static final class Index {
        static final List<String> AVAILABLE = readIndex();
    }

    private static List<String> readIndex() {
        InputStream in = loader().getResourceAsStream(ROOT + "index.txt");
        if (in == null) {
            return List.of();
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shipped profile of {@code model} on {@code gpu} (catalog names), read and validated.
     *
     * @return empty when none is shipped
     */
    public static Optional<FaaSInferProfile> find(String model, String gpu) {
        String key = key(model, gpu);
        if (!available().contains(key)) {
            return Optional.empty();
        }
        return Optional.of(READ.computeIfAbsent(key + "|" + model, k -> {
            String dir = ROOT + key + "/";
            ProfileReader.Opener opener = name -> loader().getResourceAsStream(dir + name);
            return ProfileReader.read("classpath:" + ROOT + key, opener, null, model, "model", null);
        }));
    }

    /** Whether a profile of {@code model} on {@code gpu} ships, without reading it. */
    public static boolean has(String model, String gpu) {
        return available().contains(key(model, gpu));
    }

    private static String key(String model, String gpu) {
        return gpuFolder(gpu) + "/" + model.toLowerCase(Locale.ROOT);
    }

    /** Measured ceilings of a GPU when shipped ({@code profiles/<gpu-folder>/device_ceilings.json}). */
    public static Optional<DeviceCeilings> deviceCeilings(String gpu) {
        String path = ROOT + gpuFolder(gpu) + "/device_ceilings.json";
        try (InputStream in = loader().getResourceAsStream(path)) {
            if (in == null) {
                return Optional.empty();
            }
            JsonNode n = ProfileReader.JSON.readTree(in);
            return Optional.of(new DeviceCeilings(n.path("gpu").asText(""),
                    num(n, "bf16_matmul_tflops"), num(n, "d2d_copy_tb_s_read_plus_write"),
                    num(n, "h2d_pageable_gb_s"), num(n, "h2d_pinned_gb_s"),
                    num(n, "disk_to_gpu_cold_gb_s"), num(n, "disk_to_gpu_page_cache_gb_s")));
        } catch (IOException e) {
            throw new ProfileException("classpath:" + path + ": " + ProfileReader.oneLine(e.getMessage()), e);
        }
    }

    private static double num(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }

    private static ClassLoader loader() {
        return BuiltinProfiles.class.getClassLoader();
    }
}
