package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.ConfigWarning;
import io.simfaasinfer.config.DeploymentConfig;
import io.simfaasinfer.config.ModelConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.Dtype;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.predictor.profile.PredictorFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Checks of {@code model.dtype} and {@code model.kv_cache_dtype}: known names, and fp8 weights only on
 * GPUs with fp8 tensor cores (every pool's GPU). An fp8 KV cache is storage only (the attention
 * kernels dequantize it, as vLLM does on Ampere too), so it needs no fp8 units. Also the warning
 * that a measured (16-bit) profile is not used as it is for an fp8 model.
 */
final class PrecisionChecks {

    static final String NAMES = "auto, bf16, fp16, fp8";

    private final UnaryOperator<String> sourceOf;

    PrecisionChecks(UnaryOperator<String> sourceOf) {
        this.sourceOf = sourceOf;
    }

    /** The canonical model section: names checked, null read as auto, lower case. */
    ModelConfig check(ModelConfig m, String canonicalName, SimulatorConfig c, Catalog catalog) {
        String dtype = name("model.dtype", m.dtype());
        String kv = name("model.kv_cache_dtype", m.kvCacheDtype());
        if (dtype.equals("fp8")) {
            for (String gpuName : gpus(c, catalog)) {
                GpuSpec g = catalog.gpu(gpuName);
                if (!g.hasFp8()) {
                    throw new ConfigException(sourceOf.apply("model.dtype"), "model.dtype", "fp8 weights need fp8"
                            + " tensor cores, but " + g.name() + " has none (no peak_fp8_tflops in the catalog; fp8"
                            + " weight-only kernels are not modelled); use bf16, or a GPU with fp8: "
                            + String.join(", ", catalog.gpus().values().stream().filter(GpuSpec::hasFp8)
                            .map(GpuSpec::name).sorted().toList()));
                }
            }
        }
        return new ModelConfig(canonicalName, dtype, kv);
    }

    private String name(String key, String v) {
        String s = v == null ? "auto" : v.strip().toLowerCase(java.util.Locale.ROOT);
        if (!s.equals("auto") && Dtype.parse(s).isEmpty()) {
            throw new ConfigException(sourceOf.apply(key), key, "unknown dtype '" + v + "'; expected one of " + NAMES);
        }
        return s;
    }

    /** The GPU of every pool: the cluster's, and each deployment pool's that names one in the catalog. */
    private static Set<String> gpus(SimulatorConfig c, Catalog catalog) {
        Set<String> out = new LinkedHashSet<>();
        out.add(c.cluster().gpu());
        if (c.deployment() != null && c.deployment().pools() != null) {
            for (DeploymentConfig.PoolConfig p : c.deployment().pools()) {
                if (p != null && p.gpu() != null && catalog.findGpu(p.gpu()).isPresent()) {
                    out.add(p.gpu());
                }
            }
        }
        out.removeIf(g -> catalog.findGpu(g).isEmpty());
        return out;
    }

    /**
     * One warning per GPU whose predictor would be a measured profile: with fp8 weights or KV cache the
     * profile (measured in 16 bits) is not used as it is; the roofline calibrated on it runs instead.
     */
    static List<ConfigWarning> warnings(ConfigLoader.Loaded loaded, SimulatorConfig validated, Catalog catalog) {
        ModelSpec model = validated.model().spec(catalog);
        List<ConfigWarning> out = new ArrayList<>();
        if (!model.usesFp8()) {
            return out;
        }
        String key = model.weightDtype() == Dtype.FP8 ? "model.dtype" : "model.kv_cache_dtype";
        for (String g : gpus(validated, catalog)) {
            if (PredictorFactory.mode(validated.predictor(), model.name(), g).equals("profile")) {
                out.add(new ConfigWarning(key, loaded.sourceOf(key), "fp8: the measured profile of " + model.name()
                        + " on " + g + " is bf16; the roofline calibrated on it is used instead (fp8 GEMMs at the fp8"
                        + " peak, fp8 bytes), not the profile's bf16 times"));
            }
        }
        return out;
    }
}
