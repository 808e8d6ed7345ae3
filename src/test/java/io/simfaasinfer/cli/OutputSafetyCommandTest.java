package io.simfaasinfer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Outputs of the commands never destroy an input, never replace a special file, and appear all or not at all. */
class OutputSafetyCommandTest {

    private static final String CONFIG = "simulation: {random_seed: 7}\n"
            + "workload:\n  num_requests: 40\n  arrival: {process: poisson, rate: 4.0}\n"
            + "  prompt_tokens: {distribution: fixed, value: 200}\n  output_tokens: {distribution: fixed, value: 20}\n"
            + "model: {name: llama-2-7b}\ncluster: {gpu: h100-80gb, tp: 1, replicas: 1}\n";

    @TempDir
    Path dir;

    private static CliRun exec(String... args) {
        return CliRun.exec(args);
    }

    private Path config() throws IOException {
        Path c = dir.resolve("c.yaml");
        Files.writeString(c, CONFIG);
        return c;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theConfigAsOutputIsRefusedAndStaysByteForByte() throws IOException {
        Path c = config();
        byte[] before = Files.readAllBytes(c);
        CliRun r = exec("run", "-q", "--config", c.toString(), "--output", c.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errors()).containsExactly("error: --output " + c + ": is the config (--config) of this run;"
                + " refusing to overwrite an input (give the output another path)");
        assertThat(Files.readAllBytes(c)).isEqualTo(before);
        assertThat(names()).containsExactly("c.yaml");
    }

    @Test
    void theTraceAsAnyOutputIsRefused() throws IOException {
        Path trace = dir.resolve("t.csv");
        Files.copy(Path.of("src/test/resources/traces/azure_conv_head200.csv"), trace);
        byte[] before = Files.readAllBytes(trace);
        CliRun r = exec("run", "-q", "--config", config().toString(), "--trace", trace.toString(),
                "--output", dir.resolve("r.json").toString(), "--requests-out", trace.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errors()).singleElement().asString()
                .startsWith("error: --requests-out " + trace + ": is the trace (workload.trace.file) of this run");
        assertThat(Files.readAllBytes(trace)).isEqualTo(before);
        assertThat(names()).containsExactly("c.yaml", "t.csv");
    }

    @Test
    void twoOutputsOnOnePathAreRefusedNamingBothFlags() throws IOException {
        Path same = dir.resolve("out");
        CliRun r = exec("run", "-q", "--config", config().toString(), "--output", same.toString(),
                "--timeseries-out", dir.resolve("./out").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errors()).singleElement().asString().contains("--timeseries-out").contains("--output")
                .contains("name the same file");
        assertThat(names()).containsExactly("c.yaml");
    }

    @Test
    void aFailureDiscoveredDuringTheRunLeavesNoOutputAndNoTemporaryFile() throws IOException {
        Path trace = dir.resolve("bad.csv");
        List<String> rows = new ArrayList<>(Files.readAllLines(Path.of("src/test/resources/traces/azure_conv_head200.csv")));
        rows.add("2023-11-16 18:30:00.0000000,not-a-number,12"); // found only when the replay reaches it
        Files.write(trace, rows);
        Path results = dir.resolve("results.json");
        Files.writeString(results, "previous results\n");
        CliRun r = exec("run", "-q", "--config", config().toString(), "--trace", trace.toString(),
                "--output", results.toString(), "--requests-out", dir.resolve("req.csv").toString(),
                "--timeseries-out", dir.resolve("ts.csv").toString(), "--plots-dir", dir.resolve("plots").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errors()).singleElement().asString().contains("not-a-number");
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(names()).containsExactly("bad.csv", "c.yaml", "results.json");
        assertThat(results).hasContent("previous results");
    }

    @Test
    void aSuccessfulRunWritesEveryOutputAndAnOutputThroughALinkKeepsTheLink() throws IOException {
        Path target = dir.resolve("target.json");
        Files.writeString(target, "old");
        Path link = dir.resolve("results.json");
        Files.createSymbolicLink(link, target.getFileName());
        CliRun r = exec("run", "-q", "--config", config().toString(), "--output", link.toString(),
                "--requests-out", dir.resolve("req.csv").toString(), "--plots-dir", dir.resolve("plots").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(target).content().startsWith("{");
        assertThat(names()).containsExactly("c.yaml", "plots", "req.csv", "results.json", "target.json");
        try (Stream<Path> s = Files.list(dir.resolve("plots"))) {
            assertThat(s.count()).isEqualTo(6);
        }
    }

    @Test
    void aFifoOutputIsWrittenThroughAndStaysAFifo() throws Exception {
        Path fifo = dir.resolve("rows");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo unavailable");
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        CliRun r = exec("run", "-q", "--config", config().toString(), "--requests-out", fifo.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(read.get(30, TimeUnit.SECONDS)).startsWith("id,replica,").hasLineCount(41);
        assertThat(Files.isRegularFile(fifo)).isFalse();
        assertThat(Files.exists(fifo)).isTrue();
        assertThat(names()).containsExactly("c.yaml", "rows");
    }

    @Test
    void anOutputUnderAFileSaysNotADirectoryInOneLine() throws IOException {
        Path c = config();
        CliRun r = exec("run", "-q", "--config", c.toString(), "--output", dir.resolve("c.yaml/r.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errors()).containsExactly("error: --output " + dir.resolve("c.yaml/r.json")
                + ": not a directory: " + c.toRealPath());
        CliRun plots = exec("run", "-q", "--config", c.toString(), "--plots-dir", c.toString());
        assertThat(plots.errors()).containsExactly("error: --plots-dir " + c + ": not a directory");
        assertThat(names()).containsExactly("c.yaml");
    }

    @Test
    void otherCommandsRefuseAnInputAsOutputToo() throws IOException {
        Path c = config();
        CliRun compare = exec("compare", "--config", c.toString(), "--schedulers", "vllm,orca", "--output", c.toString());
        assertThat(compare.code()).isEqualTo(2);
        assertThat(compare.errors()).singleElement().asString().contains("is the config (--config)");
        Path trace = Path.of("src/test/resources/traces/azure_conv_head200.csv");
        CliRun stats = exec("trace", "stats", trace.toString(), "--plot", trace.toString());
        assertThat(stats.code()).isEqualTo(2);
        assertThat(stats.errors()).singleElement().asString().contains("is the trace (FILE)");
        assertThat(Files.readString(c)).isEqualTo(CONFIG);
    }
}
