package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;

import java.nio.file.Path;

/** Catalog entries and profile locations used by the tests (the catalog loader lives elsewhere). */
public final class Fixtures {

    public static final ModelSpec LLAMA_2_7B = new ModelSpec("llama-2-7b", 32, 4096, 32, 32, 11008, 32000, 4096,
            true, false, 2, "test fixture");

    public static final ModelSpec LLAMA_3_8B = new ModelSpec("llama-3-8b", 32, 4096, 32, 8, 14336, 128256, 8192,
            true, false, 2, "test fixture");

    public static final GpuSpec H100 = new GpuSpec("h100-80gb", 989, 80, 3.35, 450, 5, 0, "test fixture",
            "test fixture");

    /** A sibling GPU: same compute, 4.8 TB/s HBM3e. */
    public static final GpuSpec H200 = new GpuSpec("h200-141gb", 989, 141, 4.8, 450, 5, 0, "test fixture",
            "test fixture");

    /** The shipped profiles, as source files in the repository (tests run from the project root). */
    public static final Path RESOURCE_PROFILES = Path.of("src/main/resources/profiles/h100");

    public static Path profileDir(String model) {
        return RESOURCE_PROFILES.resolve(model);
    }

    public static FaaSInferProfile llama2() {
        return FaaSInferProfile.read(profileDir("llama-2-7b"), LLAMA_2_7B);
    }

    public static FaaSInferProfile llama3() {
        return FaaSInferProfile.read(profileDir("llama-3-8b"), LLAMA_3_8B);
    }

    private Fixtures() {
    }
}
