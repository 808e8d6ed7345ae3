package io.simfaasinfer.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {

    static final List<String> REQUIRED_MODELS = List.of(
            "llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3-8b", "llama-3-70b",
            "llama-3.1-8b", "llama-3.1-70b", "mistral-7b", "qwen2-7b", "codellama-34b", "gpt3-175b");

    static final List<String> REQUIRED_GPUS = List.of(
            "a100-40gb", "a100-80gb", "h100-80gb", "h100-pcie", "h200-141gb", "b200-192gb",
            "mi300x", "a10g", "l4", "l40s", "tpu-v4");

    /** A valid model entry, indented for a {@code models:} section, with one line replaceable. */
    static String modelEntry(String name, String... overrides) {
        StringBuilder sb = new StringBuilder("  " + name + ":\n");
        String[][] fields = {
                {"num_layers", "32"}, {"hidden_size", "4096"}, {"num_heads", "32"},
                {"num_kv_heads", "8"}, {"intermediate_size", "14336"}, {"vocab_size", "32000"},
                {"max_model_len", "8192"}, {"gated_mlp", "true"}, {"tied_embeddings", "false"},
                {"bytes_per_param", "2"}, {"source", "\"test entry\""}};
        for (String[] f : fields) {
            String line = f[0] + ": " + f[1];
            for (String o : overrides) {
                if (o.startsWith(f[0] + ":") || o.equals("-" + f[0])) {
                    line = o.startsWith("-") ? null : o;
                }
            }
            if (line != null) {
                sb.append("    ").append(line).append('\n');
            }
        }
        for (String o : overrides) {
            String key = o.split(":")[0];
            if (!o.startsWith("-") && List.of(fields).stream().noneMatch(f -> f[0].equals(key))) {
                sb.append("    ").append(o).append('\n');
            }
        }
        return sb.toString();
    }

    static Path write(Path dir, String fileName, String text) throws IOException {
        Path p = dir.resolve(fileName);
        Files.writeString(p, text);
        return p;
    }

    // ------------------------------------------------------------------ built-in data

    @Test
    void llama2_7bMatchesMeasuredParamsAndKv() {
        ModelSpec m = Catalog.builtin().model("llama-2-7b");
        assertThat(m.totalParams()).isEqualTo(6_738_415_616L);
        assertThat(m.kvBytesPerToken()).isEqualTo(524_288L);
        assertThat(m.tiedEmbeddings()).isFalse();
    }

    @Test
    void llama3_8bMatchesMeasuredParamsAndKv() {
        ModelSpec m = Catalog.builtin().model("llama-3-8b");
        assertThat(m.totalParams()).isEqualTo(8_030_261_248L);
        assertThat(m.kvBytesPerToken()).isEqualTo(131_072L);
        assertThat(m.tiedEmbeddings()).isFalse();
    }

    @Test
    void otherModelsHaveKnownParameterCounts() {
        Catalog c = Catalog.builtin();
        assertThat(c.model("llama-2-13b").totalParams()).isEqualTo(13_015_864_320L);
        assertThat(c.model("llama-2-70b").totalParams()).isEqualTo(68_976_648_192L);
        assertThat(c.model("llama-3-70b").totalParams()).isEqualTo(70_553_706_496L);
        assertThat(c.model("mistral-7b").totalParams()).isEqualTo(7_241_732_096L);
        assertThat(c.model("codellama-34b").totalParams()).isEqualTo(33_743_970_304L);
        assertThat(c.model("gpt3-175b").totalParams()).isBetween(174_000_000_000L, 175_500_000_000L);
        assertThat(c.model("gpt3-175b").tiedEmbeddings()).isTrue();
        assertThat(c.model("gpt3-175b").gatedMlp()).isFalse();
        // Qwen2 Q/K/V biases (129,024) are not counted: published 7,615,616,512.
        assertThat(c.model("qwen2-7b").totalParams()).isEqualTo(7_615_616_512L - 129_024L);
    }

    @Test
    void everyRequiredModelAndGpuIsPresent() {
        Catalog c = Catalog.builtin();
        assertThat(c.modelNames()).containsAll(REQUIRED_MODELS);
        assertThat(c.gpuNames()).containsAll(REQUIRED_GPUS);
        for (String name : c.modelNames()) {
            ModelSpec m = c.model(name);
            assertThat(m.name()).isEqualTo(name);
            assertThat(m.bytesPerParam()).isEqualTo(2);
            assertThat(m.source()).isNotBlank();
        }
    }

    @Test
    void everyGpuHasPositivePriceAndPriceSource() {
        Catalog c = Catalog.builtin();
        for (String name : c.gpuNames()) {
            GpuSpec g = c.gpu(name);
            assertThat(g.name()).isEqualTo(name);
            assertThat(g.pricePerHour()).as(name).isPositive();
            assertThat(g.priceSource()).as(name).isNotBlank();
            assertThat(g.source()).as(name).isNotBlank();
            assertThat(g.peakBf16Tflops()).as(name).isPositive();
        }
    }

    @Test
    void h100FiguresMatchDatasheet() {
        GpuSpec g = Catalog.builtin().gpu("h100-80gb");
        assertThat(g.peakBf16Tflops()).isEqualTo(989.0);
        assertThat(g.memoryBytes()).isEqualTo(81559.0 * 1024 * 1024); // nvidia-smi memory.total, 81559 MiB
        assertThat(g.memoryBandwidthTbS()).isEqualTo(3.35);
        assertThat(g.interconnectGbS()).isEqualTo(450.0);
    }

    /**
     * Device memory is what the driver reports (nvidia-smi memory.total in MiB, rocm-smi VRAM total in
     * bytes), the total vLLM's gpu_memory_utilization multiplies: an "80 GB" part exposes ~80 GiB.
     */
    @Test
    void sustainedGemmFiguresAreTheMeasuredOnes() {
        Catalog c = Catalog.builtin();
        // MAMF, stas00/ml-engineering: A100 SXM 271.2 of 312, H100 SXM 794.5 of 989 ("H200 is the same")
        assertThat(c.gpu("a100-80gb").sustainedComputeFraction()).isCloseTo(0.869, within(0.001));
        assertThat(c.gpu("h100-80gb").sustainedComputeFraction()).isCloseTo(0.803, within(0.001));
        assertThat(c.gpu("h200-141gb").sustainedBf16Tflops()).isEqualTo(c.gpu("h100-80gb").sustainedBf16Tflops());
        assertThat(c.gpu("l4").sustainedComputeFraction()).isNaN();
        for (GpuSpec g : c.gpus().values()) {
            assertThat(g.sustainedBf16Tflops()).as(g.name()).isLessThanOrEqualTo(g.peakBf16Tflops());
        }
    }

    @Test
    void gpuMemoryIsWhatTheDriverReports() {
        Catalog c = Catalog.builtin();
        java.util.Map<String, Double> mib = java.util.Map.of("a100-40gb", 40960.0, "a100-80gb", 81920.0,
                "h100-80gb", 81559.0, "h100-pcie", 81559.0, "h200-141gb", 143771.0, "b200-192gb", 183359.0,
                "a10g", 23028.0, "l4", 23034.0, "l40s", 46068.0);
        mib.forEach((name, m) -> assertThat(c.gpu(name).memoryBytes()).as(name).isCloseTo(m * 1024 * 1024, within(1.0)));
        assertThat(c.gpu("mi300x").memoryBytes()).isCloseTo(205_822_885_888.0, within(1.0)); // rocm-smi
        assertThat(c.gpu("tpu-v4").memoryBytes()).isCloseTo(32.0 * (1L << 30), within(1e7)); // 32 GiB HBM2
    }

    @Test
    void builtinIsSharedAndUnmodifiable() {
        Catalog c = Catalog.builtin();
        assertThat(Catalog.builtin()).isSameAs(c);
        assertThatThrownBy(() -> c.modelNames().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.gpus().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------ look-ups

    @Test
    void unknownModelListsKnownNamesSorted() {
        assertThatThrownBy(() -> Catalog.builtin().model("llama-9b"))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("unknown model 'llama-9b' (did you mean 'llama-2-7b'?); known models: codellama-34b,"
                        + " gpt3-175b, llama-2-13b, ")
                .hasMessageContaining("qwen2-7b");
    }

    @Test
    void unknownGpuListsKnownNamesSorted() {
        assertThatThrownBy(() -> Catalog.builtin().gpu("h900"))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("unknown GPU 'h900' (did you mean 'h100-80gb'?); known GPUs: a100-40gb, a100-80gb,"
                        + " a10g, b200-192gb, ")
                .hasMessageContaining("tpu-v4");
    }

    // ------------------------------------------------------------------ user files

    @Test
    void userFileAddsAndOverridesEntries(@TempDir Path dir) throws IOException {
        Path f = write(dir, "extra.yaml", "models:\n"
                + modelEntry("my-7b")
                + modelEntry("llama-2-7b", "max_model_len: 2048", "source: \"my fork\"")
                + "gpus:\n"
                + "  h100-80gb:\n"
                + "    peak_bf16_tflops: 989\n    memory_gb: 80\n    memory_bandwidth_tb_s: 3.35\n"
                + "    interconnect_gb_s: 450\n    interconnect_latency_us: 5\n    price_per_hour: 2.1\n"
                + "    price_source: \"our contract\"\n    source: \"datasheet\"\n");
        Catalog base = Catalog.builtin();
        Catalog c = base.withUserFile(f);

        assertThat(c.modelNames()).contains("my-7b").hasSize(base.modelNames().size() + 1);
        assertThat(c.model("my-7b").numKvHeads()).isEqualTo(8);
        assertThat(c.model("llama-2-7b").maxModelLen()).isEqualTo(2048);
        assertThat(c.model("llama-2-7b").source()).isEqualTo("my fork");
        assertThat(c.gpu("h100-80gb").pricePerHour()).isEqualTo(2.1);
        assertThat(c.gpu("a100-80gb")).isEqualTo(base.gpu("a100-80gb"));
        // The original catalog is unchanged.
        assertThat(base.modelNames()).doesNotContain("my-7b");
        assertThat(base.model("llama-2-7b").maxModelLen()).isEqualTo(4096);
        assertThat(base.gpu("h100-80gb").pricePerHour()).isEqualTo(2.99);
    }

    @Test
    void userJsonFileWithOnlyGpus(@TempDir Path dir) throws IOException {
        Path f = write(dir, "gpus.json", "{\"gpus\": {\"my-gpu\": {\"peak_bf16_tflops\": 100,"
                + " \"memory_gb\": 16, \"memory_bandwidth_tb_s\": 0.5, \"interconnect_gb_s\": 32,"
                + " \"interconnect_latency_us\": 10, \"price_per_hour\": 0.5,"
                + " \"price_source\": \"owned\", \"source\": \"spec\"}}}");
        Catalog c = Catalog.builtin().withUserFile(f);
        assertThat(c.gpu("my-gpu").memoryBytes()).isEqualTo(16e9);
        assertThat(c.modelNames()).isEqualTo(Catalog.builtin().modelNames());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            negative layers      | num_layers: -3                | models.foo-7b.num_layers: expected a positive integer, got -3
            zero hidden size     | hidden_size: 0                | models.foo-7b.hidden_size: expected a positive integer, got 0
            missing field        | -vocab_size                   | models.foo-7b.vocab_size: missing required field; expected a positive integer
            unknown key          | num_layer: 32                 | models.foo-7b.num_layer: unknown key; expected one of num_layers, hidden_size,
            heads vs kv heads    | num_kv_heads: 5               | models.foo-7b.num_kv_heads: expected a divisor of num_heads (32), got 5
            hidden vs heads      | num_heads: 30                 | models.foo-7b.num_heads: expected a divisor of hidden_size (4096), got 30
            non-numeric value    | intermediate_size: lots       | models.foo-7b.intermediate_size: expected a positive integer, got "lots"
            fractional integer   | max_model_len: 4096.5         | models.foo-7b.max_model_len: expected a positive integer, got 4096.5
            non-boolean flag     | gated_mlp: 1                  | models.foo-7b.gated_mlp: expected true or false, got 1
            empty source         | source: "  "                  | models.foo-7b.source: expected a non-empty string, got "  "
            """)
    void badModelEntryGivesOneLineErrorNamingFileEntryAndField(String label, String override, String expected,
                                                               @TempDir Path dir) throws IOException {
        Path f = write(dir, "my-models.yaml", "models:\n" + modelEntry("foo-7b", override));
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(f))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(f + ": " + expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void badGpuEntryNamesField(@TempDir Path dir) throws IOException {
        Path f = write(dir, "g.yaml", "gpus:\n  x1:\n    peak_bf16_tflops: 100\n    memory_gb: 16\n"
                + "    memory_bandwidth_tb_s: fast\n");
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(f))
                .isInstanceOf(CatalogException.class)
                .hasMessage(f + ": gpus.x1.memory_bandwidth_tb_s: expected a positive number, got \"fast\"");
        Path g = write(dir, "g2.yaml", "gpus:\n  x1:\n    peak_bf16_tflops: 100\n    memory_gb: -16\n");
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(g))
                .hasMessage(g + ": gpus.x1.memory_gb: expected a positive number, got -16");
    }

    @Test
    void sustainedGemmFigureIsOptionalAndAtMostThePeak(@TempDir Path dir) throws IOException {
        String entry = "gpus:\n  x1:\n    peak_bf16_tflops: 100\n    memory_gb: 16\n    memory_bandwidth_tb_s: 1\n"
                + "    interconnect_gb_s: 32\n    interconnect_latency_us: 10\n    price_per_hour: 1\n"
                + "    price_source: p\n    source: s\n";
        assertThat(Catalog.builtin().withUserFile(write(dir, "ok.yaml", entry)).gpu("x1").sustainedBf16Tflops()).isZero();
        assertThat(Catalog.builtin().withUserFile(write(dir, "s.yaml", entry + "    sustained_bf16_tflops: 80\n"))
                .gpu("x1").sustainedComputeFraction()).isEqualTo(0.8);
        Path bad = write(dir, "bad.yaml", entry + "    sustained_bf16_tflops: 120\n");
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(bad))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(bad + ": gpus.x1.sustained_bf16_tflops: expected at most peak_bf16_tflops");
    }

    @Test
    void customAllReduceFiguresAreOptionalEachDefaultedAndPositive(@TempDir Path dir) throws IOException {
        String entry = "gpus:\n  x1:\n    peak_bf16_tflops: 100\n    memory_gb: 16\n    memory_bandwidth_tb_s: 1\n"
                + "    interconnect_gb_s: 300\n    interconnect_latency_us: 5\n    price_per_hour: 1\n"
                + "    price_source: p\n    source: s\n";
        assertThat(Catalog.builtin().withUserFile(write(dir, "ok.yaml", entry)).gpu("x1").customAllReduce())
                .isEqualTo(CustomAllReduceSpec.NONE);
        assertThat(Catalog.builtin().withUserFile(write(dir, "one.yaml", entry + "    custom_allreduce_two_shot_gb_s: 200\n"))
                .gpu("x1").customAllReduce()).isEqualTo(new CustomAllReduceSpec(0, 0, 200));
        assertThat(Catalog.builtin().gpu("h100-80gb").customAllReduce()).isEqualTo(new CustomAllReduceSpec(6, 360, 240));
        assertThat(Catalog.builtin().gpu("h200-141gb").customAllReduce()).isEqualTo(new CustomAllReduceSpec(6, 360, 240));
        Path bad = write(dir, "bad.yaml", entry + "    custom_allreduce_one_shot_gb_s: -1\n");
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(bad))
                .isInstanceOf(CatalogException.class)
                .hasMessage(bad + ": gpus.x1.custom_allreduce_one_shot_gb_s: expected a positive number, got -1");
    }

    @Test
    void badFileStructureIsReported(@TempDir Path dir) throws IOException {
        Path top = write(dir, "top.yaml", "model:\n" + modelEntry("foo-7b"));
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(top))
                .hasMessage(top + ": model: unknown top-level key; expected 'models' and/or 'gpus'");

        Path notMap = write(dir, "notmap.yaml", "models:\n  foo-7b: 7\n");
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(notMap))
                .hasMessage(notMap + ": models.foo-7b: expected a map of fields, got 7");

        Path dup = write(dir, "dup.yaml", "models:\n" + modelEntry("foo-7b") + modelEntry("foo-7b"));
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(dup))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(dup + ": line ")
                .hasMessageContaining("foo-7b")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        Path broken = write(dir, "broken.yaml", "models: [unclosed\n");
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(broken))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(broken + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        Path empty = write(dir, "empty.yaml", "");
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(empty))
                .hasMessageStartingWith(empty + ": file is empty");

        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> Catalog.builtin().withUserFile(missing))
                .isInstanceOf(CatalogException.class)
                .hasMessage(missing + ": file not found");
    }
}
