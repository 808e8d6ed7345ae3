package io.simfaasinfer.predictor.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simfaasinfer.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile profiles (through {@code run --profile} and {@code profile inspect}) and telemetry
 * ({@code run --telemetry}, {@code --calibrate-from}): each is one line naming the file and the
 * entry/field, exit 2, no stack trace, no output file; a profile of one prefill and one decode point
 * is usable, with a warning.
 */
class HostileProfileTest {

    private static final Path SOURCE = Path.of("data/profiling/compute/h100/llama-2-7b");
    private static final Path TELEMETRY = Path.of("examples/telemetry/prod_samples.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static CliRun exec(List<String> args) {
        return CliRun.exec(args);
    }

    /** Changes a copy of a good input (a profile directory, or a telemetry file). */
    @FunctionalInterface
    interface Mutation {
        void apply(Path target) throws IOException;
    }

    /**
     * @param name     what is wrong
     * @param mutation applied to the copy
     * @param file     the file the error must name
     * @param expected further fragments of the error line
     */
    record Case(String name, Mutation mutation, String file, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, String file, Mutation m, String... expected) {
        return new Case(name, m, file, List.of(expected));
    }

    /** Sets {@code field} of every entry (or of entry {@code only}, if >= 0) of the grid to the JSON {@code value}. */
    private static Mutation entries(int only, String field, String value) {
        return dir -> {
            Path f = dir.resolve("fitted_profile.json");
            ArrayNode grid = (ArrayNode) JSON.readTree(f.toFile());
            JsonNode v = JSON.readTree(value);
            for (int i = 0; i < grid.size(); i++) {
                if (only < 0 || i == only) {
                    ((ObjectNode) grid.get(i)).set(field, v);
                }
            }
            JSON.writeValue(f.toFile(), grid);
        };
    }

    private static Mutation write(String file, String content) {
        return dir -> Files.writeString(dir.resolve(file), content);
    }

    private static Mutation delete(String file) {
        return dir -> Files.delete(dir.resolve(file));
    }

    static Stream<Case> badProfiles() {
        return Stream.of(
                c("all-zero times", "fitted_profile.json", d -> {
                    entries(-1, "mean_ms", "0").apply(d);
                    entries(-1, "median_ms", "0").apply(d);
                    entries(-1, "min_ms", "0").apply(d);
                }, "entry 0", "'mean_ms'", "must be > 0"),
                c("one zero median", "fitted_profile.json", entries(3, "median_ms", "0"), "entry 3", "'median_ms'",
                        "> 0"),
                c("negative time", "fitted_profile.json", entries(5, "median_ms", "-2.5"), "entry 5", "'median_ms'"),
                c("NaN time", "fitted_profile.json", d -> {
                    Path f = d.resolve("fitted_profile.json");
                    Files.writeString(f, Files.readString(f).replaceFirst("\"median_ms\"\\s*:\\s*[0-9.eE+-]+",
                            "\"median_ms\": NaN"));
                }, "entry 0", "'median_ms'", "finite"),
                c("string time", "fitted_profile.json", entries(2, "mean_ms", "\"fast\""), "entry 2", "'mean_ms'",
                        "must be a number"),
                c("string size", "fitted_profile.json", entries(1, "batch_size", "\"eight\""), "entry 1",
                        "'batch_size'", "integer"),
                c("zero batch", "fitted_profile.json", entries(0, "batch_size", "0"), "entry 0", "'batch_size'"),
                c("unknown entry type", "fitted_profile.json", entries(4, "type", "\"prefil\""), "entry 4", "'type'",
                        "prefill or decode"),
                c("missing median", "fitted_profile.json", d -> {
                    Path f = d.resolve("fitted_profile.json");
                    ArrayNode grid = (ArrayNode) JSON.readTree(f.toFile());
                    ((ObjectNode) grid.get(6)).remove("median_ms");
                    JSON.writeValue(f.toFile(), grid);
                }, "entry 6", "'median_ms' is missing"),
                c("duplicate field", "fitted_profile.json", d -> {
                    Path f = d.resolve("fitted_profile.json");
                    Files.writeString(f, Files.readString(f).replaceFirst("\"median_ms\"", "\"median_ms\": 1, \"median_ms\""));
                }, "Duplicate field 'median_ms'"),
                c("invalid JSON", "fitted_profile.json", write("fitted_profile.json", "[{\"type\": \"prefill\","),
                        "invalid JSON"),
                c("empty grid file", "fitted_profile.json", write("fitted_profile.json", ""), "empty file"),
                c("empty grid", "fitted_profile.json", write("fitted_profile.json", "[]"), "no entries"),
                c("missing metadata.json", "metadata.json", delete("metadata.json"), "file not found"),
                c("missing fitted_profile.json", "fitted_profile.json", delete("fitted_profile.json"), "file not found"),
                c("metadata without model_name", "metadata.json", write("metadata.json",
                        "{\"hardware\": {\"gpu\": \"NVIDIA H100 80GB HBM3\"}}"), "'model_name' is missing"),
                c("model_memory of another model", "model_memory.json", d -> {
                    Path f = d.resolve("model_memory.json");
                    ObjectNode m = (ObjectNode) JSON.readTree(f.toFile());
                    m.put("kv_cache_per_token_bytes", 131072);
                    JSON.writeValue(f.toFile(), m);
                }, "'kv_cache_per_token_bytes'", "mismatched model"),
                c("empty directory", "prof", d -> {
                    for (String f : List.of("fitted_profile.json", "metadata.json", "model_memory.json")) {
                        Files.delete(d.resolve(f));
                    }
                }, "empty directory"));
    }

    private Path copyProfile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("prof")); // not the model's name: run accepts that
        for (String f : List.of("fitted_profile.json", "metadata.json", "model_memory.json")) {
            Files.copy(SOURCE.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    private static List<String> run(Path out, String... flags) {
        List<String> a = new ArrayList<>(List.of("run", "-q", "--model", "llama-2-7b", "--gpu", "h100-80gb",
                "--num-requests", "5", "-o", out.toString()));
        a.addAll(List.of(flags));
        return a;
    }

    static void assertBadInput(CliRun r, Path out, String file, List<String> expected) {
        String why = r.err();
        assertThat(r.code()).as(why).isEqualTo(2);
        assertThat(r.err().strip()).as(why).startsWith("error: ").doesNotContain("\n");
        assertThat(r.err()).as(why).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("java.");
        assertThat(r.err()).as(why).contains(file);
        for (String e : expected) {
            assertThat(r.err()).as(why).contains(e);
        }
        assertThat(r.out()).as(why).isEmpty();
        if (out != null) {
            assertThat(out).as(why).doesNotExist();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProfiles")
    void aBadProfileIsOneLineNamingFileAndFieldInRunAndInspect(Case c) throws IOException {
        Path dir = copyProfile();
        c.mutation().apply(dir);
        Path out = tmp.resolve("out.json");
        assertBadInput(exec(run(out, "--profile", dir.toString())), out, c.file(), c.expected());
        assertBadInput(exec(List.of("profile", "inspect", dir.toString())), null, c.file(), c.expected());
        assertBadInput(exec(List.of("profile", "inspect", dir.toString(), "--json")), null, c.file(), c.expected());
    }

    @Test
    void aMissingProfileIsNamed() {
        Path out = tmp.resolve("out.json");
        Path none = tmp.resolve("nowhere");
        assertBadInput(exec(run(out, "--profile", none.toString())), out, "nowhere", List.of());
        assertBadInput(exec(List.of("profile", "inspect", none.toString())), null, "nowhere", List.of());
    }

    /** The guide's smallest profile: one prefill and one decode point. Usable in run and inspect, with a warning. */
    @Test
    void aProfileOfOnePrefillAndOneDecodePointIsUsableWithAWarning() throws IOException {
        Path dir = copyProfile();
        Path f = dir.resolve("fitted_profile.json");
        ArrayNode grid = (ArrayNode) JSON.readTree(f.toFile());
        ArrayNode two = JSON.createArrayNode();
        for (String type : List.of("prefill", "decode")) {
            for (JsonNode e : grid) {
                if (e.path("type").asText().equals(type)) {
                    two.add(e);
                    break;
                }
            }
        }
        JSON.writeValue(f.toFile(), two);
        Path out = tmp.resolve("out.json");
        CliRun r = exec(run(out, "--profile", dir.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(out)).contains("1 prefill and 1 decode entries", "roofline is calibrated on them");
        for (List<String> inspect : List.of(List.of("profile", "inspect", dir.toString()),
                List.of("profile", "inspect", f.toString(), "--json"))) {
            CliRun i = exec(inspect);
            assertThat(i.code()).as(i.err()).isZero();
            assertThat(i.err().strip()).startsWith("warning: ").doesNotContain("\n")
                    .contains("1 prefill and 1 decode entries", "roofline");
            assertThat(i.out()).contains("roofline calibrated on the profile's points");
        }
    }

    // ---- telemetry ---------------------------------------------------------------------------

    private static Mutation json(String from, String to) {
        return f -> {
            String s = Files.readString(f);
            assertThat(s).contains(from);
            Files.writeString(f, s.replaceFirst(java.util.regex.Pattern.quote(from), to));
        };
    }

    static Stream<Case> badTelemetry() {
        return Stream.of(
                c("misspelt section", "t.json", json("\"iterations\"", "\"iteratons\""), "'iteratons' is unknown",
                        "did you mean 'iterations'?"),
                c("misspelt iteration field", "t.json", json("\"measured_ms\"", "\"mesured_ms\""), "iterations[0]",
                        "'mesured_ms' is unknown", "did you mean 'measured_ms'?"),
                c("misspelt request field", "t.json", json("\"ttft_ms\"", "\"ttft\""), "requests[0]",
                        "'ttft' is unknown", "did you mean 'ttft_ms'?"),
                c("wrong-case field", "t.json", json("\"prefill_tokens\"", "\"Prefill_Tokens\""), "iterations[0]",
                        "did you mean 'prefill_tokens'?"),
                c("empty file", "t.json", f -> Files.writeString(f, ""), "empty file"),
                c("no samples", "t.json", f -> Files.writeString(f, "{\"_comment\": \"nothing\"}"), "no samples"),
                c("negative measured time", "t.json", json("\"measured_ms\": 10.668", "\"measured_ms\": -10.668"),
                        "iterations[0]", "'measured_ms'"),
                c("string measured time", "t.json", json("\"measured_ms\": 10.668", "\"measured_ms\": \"10.668\""),
                        "iterations[0]", "'measured_ms'"),
                c("duplicate field", "t.json", json("\"measured_ms\": 10.668", "\"measured_ms\": 1, \"measured_ms\": 2"),
                        "Duplicate field 'measured_ms'"),
                c("not JSON", "t.json", f -> Files.writeString(f, "iterations: []\n"), "invalid JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTelemetry")
    void badTelemetryIsOneLineNamingFileAndField(Case c) throws IOException {
        Path f = tmp.resolve("t.json");
        Files.copy(TELEMETRY, f);
        c.mutation().apply(f);
        Path out = tmp.resolve("out.json");
        assertBadInput(exec(run(out, "--telemetry", f.toString())), out, c.file(), c.expected());
    }

    @Test
    void aMissingOrDirectoryTelemetryFileIsNamed() throws IOException {
        Path out = tmp.resolve("out.json");
        assertBadInput(exec(run(out, "--telemetry", tmp.resolve("none.json").toString())), out, "none.json",
                List.of("telemetry file not found"));
        Path dir = Files.createDirectories(tmp.resolve("samples"));
        assertBadInput(exec(run(out, "--telemetry", dir.toString())), out, "samples", List.of("is a directory"));
    }

    @Test
    void anEmptyCalibrateFromIsAnErrorNeverSilence() throws IOException {
        Path out = tmp.resolve("out.json");
        Path dir = Files.createDirectories(tmp.resolve("calib"));
        assertBadInput(exec(run(out, "--calibrate-from", dir.toString())), out, "calib", List.of("empty directory"));
        Path empty = Files.createFile(tmp.resolve("fitted_profile.json"));
        assertBadInput(exec(run(out, "--calibrate-from", empty.toString())), out, "fitted_profile.json",
                List.of("empty file"));
        assertBadInput(exec(run(out, "--calibrate-from=")), out, "predictor.calibrate_from", List.of("empty path"));
        assertBadInput(exec(run(out, "--predictor", "calibrated", "--set", "predictor.calibrate_from=[]")), out,
                "predictor.calibrate_from", List.of());
    }
}
