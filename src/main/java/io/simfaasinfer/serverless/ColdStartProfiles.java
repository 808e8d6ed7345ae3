package io.simfaasinfer.serverless;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in default cold-start figures per GPU, read from
 * {@code resources/serverless/cold_start_profiles.yaml} (measured for h100-80gb, documented
 * assumptions elsewhere; GPUs not listed use the {@code default} entry).
 */
public final class ColdStartProfiles {

    /** Default figures of one GPU type; seconds and GB/s. */
    public record Profile(double containerStartS, double frameworkInitS, double engineWarmupS, double remoteGbS,
                          double localNvmeGbS, double pageCacheGbS, double pinnedGbS, String source) {
    }

    private final Map<String, Profile> byGpu;

    private ColdStartProfiles(Map<String, Profile> byGpu) {
        this.byGpu = byGpu;
    }

    /** The profiles shipped in the jar. */
    public static ColdStartProfiles builtin() {
        ObjectMapper m = YAMLMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
        try (InputStream in = ColdStartProfiles.class.getResourceAsStream("/serverless/cold_start_profiles.yaml")) {
            if (in == null) {
                throw new IllegalStateException("built-in serverless/cold_start_profiles.yaml missing from the jar");
            }
            Map<String, Profile> raw = m.readValue(in,
                    m.getTypeFactory().constructMapType(TreeMap.class, String.class, Profile.class));
            if (!raw.containsKey("default")) {
                throw new IllegalStateException("cold_start_profiles.yaml has no 'default' entry");
            }
            return new ColdStartProfiles(Map.copyOf(raw));
        } catch (IOException e) {
            throw new UncheckedIOException("built-in cold_start_profiles.yaml unreadable", e);
        }
    }

    /** The profile of {@code gpu}, or the default one. */
    public Profile forGpu(String gpu) {
        Profile p = byGpu.get(gpu);
        return p != null ? p : byGpu.get("default");
    }

    /** Whether {@code gpu} has its own entry (rather than the default). */
    public boolean has(String gpu) {
        return byGpu.containsKey(gpu);
    }
}
