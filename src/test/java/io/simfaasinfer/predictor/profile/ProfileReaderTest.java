package io.simfaasinfer.predictor.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileReaderTest {

    @TempDir
    Path tmp;

    private static final String META = """
            {"model_name": "llama-2-7b", "fitted_profile": "fitted_profile.json",
             "hardware": {"gpu": "NVIDIA H100 80GB HBM3", "gpu_memory_gb": 79.2, "sm_count": 132},
             "software": {"torch": "2.11.0+cu130", "cuda": "13.0"},
             "profiling_date": "2026-11-23T07:14:52Z", "notes": "test"}
            """;

    private static final String PREFILL_0 = """
            {"type": "prefill", "seq_len": 128, "batch_size": 1, "mean_ms": 9.28, "median_ms": 9.27,
             "std_ms": 0.02, "min_ms": 9.26, "n": 15, "eager_median_ms": 15.2}""";
    private static final String PREFILL_1 = """
            {"type": "prefill", "seq_len": 256, "batch_size": 1, "mean_ms": 11.2, "median_ms": 11.2,
             "std_ms": 0.01, "min_ms": 11.1, "n": 15}""";
    private static final String DECODE_2 = """
            {"type": "decode", "kv_cache": 128, "new_tokens": 1, "batch_size": 1, "mean_ms": 7.43,
             "median_ms": 7.43, "std_ms": 0.01, "min_ms": 7.41, "n": 15}""";

    private Path write(String dirName, String meta, String grid, String memory) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(dirName));
        if (meta != null) {
            Files.writeString(d.resolve("metadata.json"), meta);
        }
        if (grid != null) {
            Files.writeString(d.resolve("fitted_profile.json"), grid);
        }
        if (memory != null) {
            Files.writeString(d.resolve("model_memory.json"), memory);
        }
        return d;
    }

    private static String grid(String... entries) {
        return "[" + String.join(",\n", entries) + "]";
    }

    @Test
    void readsShippedProfilesWithAllFields() {
        FaaSInferProfile p = Fixtures.llama2();
        assertThat(p.modelName()).isEqualTo("llama-2-7b");
        assertThat(p.entries()).hasSize(76);
        assertThat(p.prefillEntries()).hasSize(32);
        assertThat(p.decodeEntries()).hasSize(44);
        assertThat(p.metadata().gpu()).isEqualTo("NVIDIA H100 80GB HBM3");
        assertThat(p.metadata().software()).containsEntry("attention", "torch SDPA");
        assertThat(p.tensorParallel()).isEqualTo(1);
        assertThat(p.modelMemory()).get().satisfies(m -> {
            assertThat(m.modelParams()).isEqualTo(6738415616L);
            assertThat(m.kvCachePerTokenBytes()).isEqualTo(Fixtures.LLAMA_2_7B.kvBytesPerToken());
            assertThat(m.architecture()).containsEntry("num_kv_heads", 32L);
        });
        ProfileEntry first = p.entries().get(0);
        assertThat(first.phase()).isEqualTo(ProfileEntry.Phase.PREFILL);
        assertThat(first.seqLen()).isEqualTo(128);
        assertThat(first.medianMs()).isEqualTo(9.2767);
        assertThat(first.eagerMedianMs()).hasValue(15.2668);
        assertThat(p.entries().get(1).eagerMedianMs()).isEmpty();
        ProfileEntry decode = p.decodeEntries().get(0);
        assertThat(decode.kvCache()).isEqualTo(128);
        assertThat(decode.newTokens()).isEqualTo(1);
        assertThat(decode.toBatch().numDecodes()).isEqualTo(1);
        assertThat(decode.toBatch().decodeContext(0)).isEqualTo(128);

        FaaSInferProfile p3 = Fixtures.llama3();
        assertThat(p3.entries()).hasSize(83);
        assertThat(p3.modelMemory().get().architecture()).containsEntry("num_kv_heads", 8L);
    }

    @Test
    void readsTheRepositoryDataCopyAndTheFileDirectly() {
        FaaSInferProfile byDir = FaaSInferProfile.read(Path.of("data/profiling/compute/h100/llama-3-8b"));
        FaaSInferProfile byFile = FaaSInferProfile.read(
                Path.of("data/profiling/compute/h100/llama-3-8b/fitted_profile.json"));
        assertThat(byDir.entries()).isEqualTo(byFile.entries()).isEqualTo(Fixtures.llama3().entries());
    }

    @Test
    void minimalProfileWithoutOptionalFields() throws IOException {
        Path d = write("llama-2-7b", "{\"model_name\": \"llama-2-7b\"}", grid(
                "{\"type\":\"prefill\",\"seq_len\":128,\"batch_size\":1,\"mean_ms\":9.3,\"median_ms\":9.2}",
                "{\"type\":\"decode\",\"kv_cache\":0,\"batch_size\":4,\"mean_ms\":7.5,\"median_ms\":7.4}"), null);
        FaaSInferProfile p = FaaSInferProfile.read(d, Fixtures.LLAMA_2_7B);
        assertThat(p.modelMemory()).isEmpty();
        assertThat(p.entries().get(1).newTokens()).isEqualTo(1);
        assertThat(p.entries().get(0).stdMs()).isNaN();
        assertThat(p.metadata().gpu()).isEmpty();
    }

    @Test
    void missingFieldNamesFileEntryAndField() throws IOException {
        String bad = DECODE_2.replace("\"median_ms\": 7.43,", "");
        Path d = write("llama-2-7b", META, grid(PREFILL_0, PREFILL_1, bad), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining(d.resolve("fitted_profile.json").toString())
                .hasMessageContaining("entry 2")
                .hasMessageContaining("'median_ms'")
                .hasMessageContaining("missing")
                .hasMessageNotContaining("\n");
    }

    @Test
    void missingSizeField() throws IOException {
        Path d = write("llama-2-7b", META, grid(PREFILL_0, PREFILL_1.replace("\"seq_len\": 256,", "")), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("fitted_profile.json: entry 1: field 'seq_len' is missing");
    }

    @Test
    void negativeTime() throws IOException {
        Path d = write("llama-2-7b", META, grid(PREFILL_0, PREFILL_1.replace("\"mean_ms\": 11.2", "\"mean_ms\": -1"),
                DECODE_2), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("fitted_profile.json: entry 1: field 'mean_ms' must be > 0");
    }

    @Test
    void nonFiniteTime() throws IOException {
        Path d = write("llama-2-7b", META, grid(PREFILL_0, DECODE_2.replace("\"median_ms\": 7.43", "\"median_ms\": NaN")),
                null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("fitted_profile.json: entry 1: field 'median_ms' must be finite");
    }

    @Test
    void nonNumericTime() throws IOException {
        Path d = write("llama-2-7b", META, grid(PREFILL_0.replace("\"median_ms\": 9.27", "\"median_ms\": \"fast\"")),
                null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("entry 0: field 'median_ms' must be a number");
    }

    @Test
    void duplicateGridPoint() throws IOException {
        String dup = PREFILL_1.replace("11.2", "11.3");
        Path d = write("llama-2-7b", META, grid(PREFILL_0, PREFILL_1, DECODE_2, dup), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("fitted_profile.json: entry 3: duplicate grid point")
                .hasMessageContaining("prefill seq_len=256 batch=1")
                .hasMessageContaining("entry 1");
    }

    @Test
    void unknownType() throws IOException {
        Path d = write("llama-2-7b", META, grid(PREFILL_0, PREFILL_1.replace("\"prefill\"", "\"verify\"")), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("fitted_profile.json: entry 1: field 'type' has unknown value 'verify'");
    }

    @Test
    void nonIntegerSize() throws IOException {
        Path d = write("llama-2-7b", META, grid(PREFILL_0.replace("\"batch_size\": 1", "\"batch_size\": 1.5")), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("entry 0: field 'batch_size' must be an integer");
    }

    @Test
    void metadataModelDoesNotMatchDirectory() throws IOException {
        Path d = write("llama-3-8b", META, grid(PREFILL_0, PREFILL_1, DECODE_2), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining(d.resolve("metadata.json").toString())
                .hasMessageContaining("field 'model_name' is 'llama-2-7b'")
                .hasMessageContaining("directory name is 'llama-3-8b'")
                .hasMessageContaining("mismatched model");
    }

    @Test
    void metadataModelDoesNotMatchExpectedModel() throws IOException {
        Path d = write("any-name", META, grid(PREFILL_0, PREFILL_1, DECODE_2), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(d, Fixtures.LLAMA_3_8B))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("metadata.json: field 'model_name' is 'llama-2-7b' but the model is 'llama-3-8b'");
        // The expected model replaces the directory-name check.
        assertThat(FaaSInferProfile.read(d, Fixtures.LLAMA_2_7B).entries()).hasSize(3);
    }

    @Test
    void huggingFaceStyleNamesMatch() {
        assertThat(ProfileReader.namesMatch("meta-llama/Llama-2-7b-hf", "llama-2-7b")).isTrue();
        assertThat(ProfileReader.namesMatch("llama-2-7b", "llama-2-70b")).isFalse();
        assertThat(ProfileReader.namesMatch("llama-3-8b", "llama-2-7b")).isFalse();
    }

    @Test
    void modelMemoryArchitectureDoesNotMatchModelSpec() throws IOException {
        String memory = Files.readString(Fixtures.profileDir("llama-3-8b").resolve("model_memory.json"));
        String meta = META.replace("llama-2-7b", "llama-3-8b");
        Path d = write("llama-3-8b", meta, grid(PREFILL_0, PREFILL_1, DECODE_2), memory);
        assertThat(FaaSInferProfile.read(d, Fixtures.LLAMA_3_8B).modelMemory()).isPresent();
        // Same name, wrong architecture (a llama-2-7b spec renamed): the KV head count differs.
        var renamed = new io.simfaasinfer.catalog.ModelSpec("llama-3-8b", 32, 4096, 32, 32, 14336, 128256, 8192,
                true, false, 2, "wrong");
        assertThatThrownBy(() -> FaaSInferProfile.read(d, renamed))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining(d.resolve("model_memory.json").toString())
                .hasMessageContaining("field 'architecture.num_kv_heads' is 8 but model llama-3-8b has 32");
    }

    @Test
    void missingMetadataAndBrokenJson() throws IOException {
        Path noMeta = write("llama-2-7b", null, grid(PREFILL_0), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(noMeta))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("metadata.json: file not found");
        Path broken = write("b/llama-2-7b", META, "[{\"type\": \"prefill\",", null);
        assertThatThrownBy(() -> FaaSInferProfile.read(broken))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("fitted_profile.json: invalid JSON")
                .hasMessageNotContaining("\n");
        Path notArray = write("c/llama-2-7b", META, "{}", null);
        assertThatThrownBy(() -> FaaSInferProfile.read(notArray))
                .hasMessageContaining("fitted_profile.json: expected a JSON array");
        Path noName = write("d/llama-2-7b", "{\"hardware\": {}}", grid(PREFILL_0), null);
        assertThatThrownBy(() -> FaaSInferProfile.read(noName))
                .hasMessageContaining("metadata.json: field 'model_name' is missing");
        assertThatThrownBy(() -> FaaSInferProfile.read(tmp.resolve("nowhere")))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("no such profile");
    }

    @Test
    void badModelMemory() throws IOException {
        Path d = write("llama-2-7b", META, grid(PREFILL_0), "{\"model_params\": 6738415616}");
        assertThatThrownBy(() -> FaaSInferProfile.read(d))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("model_memory.json: field 'kv_cache_per_token_bytes' is missing");
    }

    @Test
    void multiTokenDecodeEntriesBecomePrefillChunks() throws IOException {
        Path d = write("llama-2-7b", META, grid(DECODE_2.replace("\"new_tokens\": 1", "\"new_tokens\": 4")), null);
        ProfileEntry e = FaaSInferProfile.read(d).entries().get(0);
        assertThat(e.toBatch().numPrefills()).isEqualTo(1);
        assertThat(e.toBatch().prefillTokens(0)).isEqualTo(4);
        assertThat(e.toBatch().prefillContext(0)).isEqualTo(128);
        assertThat(e.label()).isEqualTo("decode kv=128 batch=1 new=4");
    }
}
