package io.simfaasinfer.workload.trace;

import io.simfaasinfer.cli.CliRun;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile traces through the command line ({@code trace stats} and {@code run --trace}): each is a
 * one-line error naming the file and the line or field (exit 2, no stack trace, no output file), a
 * counted skip reported as a one-line warning, or accepted as the legitimate input it is.
 */
class HostileTraceTest {

    /** Vidur's header: detected without a column mapping. */
    private static final String CSV = "arrived_at,num_prefill_tokens,num_decode_tokens\n";
    private static final String ROW0 = "0.0,100,10\n";
    private static final String ROW1 = "0.5,200,20\n";
    private static final String ROW2 = "1.0,300,30\n";

    @TempDir
    Path tmp;

    static CliRun exec(String... args) {
        return CliRun.exec(args);
    }

    /**
     * One hostile trace.
     *
     * @param name     what is wrong
     * @param fileName the trace's file name
     * @param content  its bytes
     * @param expected fragments the error line must hold besides the file name (e.g. ":3:", a field)
     */
    record Case(String name, String fileName, byte[] content, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case text(String name, String fileName, String content, String... expected) {
        return new Case(name, fileName, content.getBytes(StandardCharsets.UTF_8), List.of(expected));
    }

    private static Case bytes(String name, String fileName, byte[] content, String... expected) {
        return new Case(name, fileName, content, List.of(expected));
    }

    private static byte[] gzip(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(b)) {
            z.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static Stream<Case> refused() {
        byte[] binary = new byte[512];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 37 + 11);
        }
        byte[] gz = gzip(CSV + ROW0 + ROW1 + ROW2);
        byte[] truncatedGz = java.util.Arrays.copyOf(gz, gz.length / 2);
        return Stream.of(
                text("header only", "t.csv", CSV, "no rows", "header line"),
                text("header only, blank lines after", "t.csv", CSV + "\n\n", "no rows"),
                text("extra field", "t.csv", CSV + ROW0 + "0.5,200,20,7\n", ":3:", "expected 3 comma-separated fields"),
                text("missing field", "t.csv", CSV + ROW0 + "0.5,200\n", ":3:", "expected at least 3"),
                text("non-numeric prompt", "t.csv", CSV + ROW0 + "0.5,many,20\n", ":3:", "num_prefill_tokens", "'many'"),
                text("negative output", "t.csv", CSV + ROW0 + "0.5,200,-20\n", ":3:", "num_decode_tokens", "negative"),
                text("fractional tokens", "t.csv", CSV + ROW0 + "0.5,200.5,20\n", ":3:", "num_prefill_tokens"),
                text("token count overflows", "t.csv", CSV + ROW0 + "0.5,99999999999,20\n", ":3:", "num_prefill_tokens"),
                text("non-numeric time", "t.csv", CSV + ROW0 + "soon,200,20\n", ":3:", "arrived_at", "'soon'"),
                text("time goes backwards", "t.csv", CSV + ROW0 + ROW2 + ROW1, ":4:", "arrived_at", "time goes backwards"),
                text("empty field", "t.csv", CSV + ROW0 + "0.5,,20\n", ":3:", "num_prefill_tokens", "missing"),
                text("missing column", "t.csv", "arrived_at,num_prefill_tokens\n0,1\n", "csv trace needs",
                        "columns.arrival"),
                text("duplicate JSONL field", "t.jsonl", "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 2}\n"
                        + "{\"timestamp\": 5, \"input_length\": 10, \"output_length\": 2, \"input_length\": 11}\n",
                        ":2:", "'input_length'", "given twice"),
                text("duplicate JSON-array field", "t.json", "[\n{\"timestamp\": 0, \"input_length\": 10,"
                        + " \"output_length\": 2, \"timestamp\": 3}\n]\n", "'timestamp'", "given twice",
                        "--trace-format=json"),
                text("JSONL row not JSON", "t.jsonl", "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 2}\n"
                        + "{\"timestamp\": 5, \"input_length\": 10,\n", ":2:", "not valid JSON"),
                text("JSONL field missing", "t.jsonl", "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 2}\n"
                        + "{\"timestamp\": 5, \"input_length\": 10}\n", ":2:", "'output_length'", "missing"),
                text("JSONL string tokens", "t.jsonl", "{\"timestamp\": 0, \"input_length\": \"ten\", \"output_length\": 2}\n",
                        ":1:", "'input_length'", "'ten'"),
                text("JSONL negative time", "t.jsonl", "{\"timestamp\": -4, \"input_length\": 10, \"output_length\": 2}\n",
                        ":1:", "'timestamp'", "negative"),
                text("JSON array without rows", "t.json", "[ ]\n", "no rows", "--trace-format=json"),
                text("empty file", "t.csv", "", "empty trace file"),
                text("only blank lines", "t.csv", "\n  \n\r\n", "empty trace file", "only blank lines"),
                bytes("binary file", "t.csv", binary, "not a text trace", "binary data"),
                bytes("invalid UTF-8", "t.csv", concat(CSV.getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xa0, '\n'}), "not a text trace", "invalid UTF-8"),
                bytes("zstd file", "t.csv.zst", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 4, 0, 1, 2},
                        "zstd-compressed trace is not supported"),
                bytes("bzip2 file", "t.csv.bz2", "BZh91AY&SY...".getBytes(StandardCharsets.US_ASCII),
                        "bzip2-compressed trace is not supported"),
                bytes("truncated gzip", "t.csv.gz", truncatedGz, "cannot read"),
                text("all rows malformed, skip mode", "t.csv", CSV + "x,1,1\ny,2,2\n", "no valid rows",
                        "all 2 rows are malformed", "line 2", "--skip"));
    }

    /** The arguments of {@code command} (stats or run) over {@code trace}; extra flags from the case's expectations. */
    private List<String> args(String command, Path trace, Case c, Path out) {
        List<String> a = new ArrayList<>();
        boolean skip = c.expected().contains("--skip");
        String format = c.expected().stream().filter(e -> e.startsWith("--trace-format=")).findFirst().orElse(null);
        if (command.equals("stats")) {
            a.addAll(List.of("trace", "stats", trace.toString()));
            if (skip) {
                a.add("--skip-malformed");
            }
            if (format != null) {
                a.addAll(List.of("--format=json", "--column", "arrival=timestamp", "--column",
                        "prompt_tokens=input_length", "--column", "output_tokens=output_length"));
            }
        } else {
            a.addAll(List.of("run", "-q", "--model", "llama-2-7b", "--gpu", "h100-80gb", "--trace", trace.toString(),
                    "-o", out.toString()));
            if (skip) {
                a.addAll(List.of("--set", "workload.trace.on_malformed=skip"));
            }
            if (format != null) {
                a.addAll(List.of("--trace-format=json", "--set", "workload.trace.columns.arrival=timestamp", "--set",
                        "workload.trace.columns.prompt_tokens=input_length", "--set",
                        "workload.trace.columns.output_tokens=output_length"));
            }
        }
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void isOneLineNamingTheFileAndWhereWithExitCode2(Case c) throws IOException {
        Path trace = tmp.resolve(c.fileName());
        Files.write(trace, c.content());
        for (String command : List.of("stats", "run")) {
            Path out = tmp.resolve("out-" + command + ".json");
            CliRun r = exec(args(command, trace, c, out).toArray(String[]::new));
            String why = command + ": " + r.err();
            assertThat(r.code()).as(why).isEqualTo(2);
            assertOneLine(r.err(), why);
            assertThat(r.err()).as(why).startsWith("error: ").contains(trace.getFileName().toString());
            for (String e : c.expected()) {
                if (!e.startsWith("--")) {
                    assertThat(r.err()).as(why).contains(e);
                }
            }
            assertThat(r.out()).as(why).isEmpty();
            assertThat(out).as(why).doesNotExist();
        }
    }

    static void assertOneLine(String err, String why) {
        assertThat(err.strip()).as(why).doesNotContain("\n").doesNotContain("\r");
        assertThat(err).as(why).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("java.");
    }

    /** A bad row after thousands of good ones, found mid-run: no results, request or time-series file is left. */
    @Test
    void aRowFoundBadMidRunLeavesNoPartialOutput() throws IOException {
        StringBuilder b = new StringBuilder(CSV);
        for (int i = 0; i < 2000; i++) {
            b.append(i * 0.05).append(",100,10\n");
        }
        b.append("100.0,100,-1\n");
        Path trace = tmp.resolve("late.csv");
        Files.writeString(trace, b);
        Path out = tmp.resolve("o.json");
        Path requests = tmp.resolve("requests.csv");
        Path series = tmp.resolve("series.csv");
        CliRun r = exec("run", "-q", "--trace", trace.toString(), "-o", out.toString(), "--requests-out",
                requests.toString(), "--timeseries-out", series.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertOneLine(r.err(), r.err());
        assertThat(r.err()).contains("late.csv:2002:", "num_decode_tokens", "negative");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("late.csv");
        }
    }

    @Test
    void aMissingTraceAndADirectoryAreNamed() throws IOException {
        Path missing = tmp.resolve("nope.csv");
        Path dir = Files.createDirectories(tmp.resolve("traces"));
        for (String[] args : List.of(new String[] {"trace", "stats", missing.toString()},
                new String[] {"run", "-q", "--trace", missing.toString(), "-o", tmp.resolve("o.json").toString()},
                new String[] {"run", "-q", "--trace", dir.toString(), "-o", tmp.resolve("o.json").toString()})) {
            CliRun r = exec(args);
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertOneLine(r.err(), r.err());
            assertThat(r.err()).containsAnyOf("nope.csv: trace file not found", "traces: is a directory");
        }
        assertThat(tmp.resolve("o.json")).doesNotExist();
    }

    static Stream<Case> accepted() {
        String rows = CSV + ROW0 + ROW1 + ROW2;
        String jsonl = "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 2}\n"
                + "{\"timestamp\": 500, \"input_length\": 20, \"output_length\": 3}\n"
                + "{\"timestamp\": 1000, \"input_length\": 30, \"output_length\": 4}\n";
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        return Stream.of(
                bytes("UTF-8 BOM before a CSV header", "t.csv", concat(bom, rows.getBytes(StandardCharsets.UTF_8))),
                bytes("UTF-8 BOM before JSONL", "t.jsonl", concat(bom, jsonl.getBytes(StandardCharsets.UTF_8))),
                text("CRLF line ends", "t.csv", rows.replace("\n", "\r\n")),
                text("blank lines between rows", "t.csv", CSV + "\n" + ROW0 + "   \n" + ROW1 + "\n\n" + ROW2 + "\n"),
                text("CRLF JSONL with blank lines", "t.jsonl", jsonl.replace("\n", "\r\n\r\n")),
                bytes("gzip named .gz", "t.csv.gz", gzip(rows)),
                bytes("gzip not named .gz", "t.csv", gzip(rows)),
                text("equal timestamps", "t.csv", CSV + ROW0 + ROW0 + ROW0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void legitimateVariantsAreAcceptedSilently(Case c) throws IOException {
        Path trace = tmp.resolve(c.fileName());
        Files.write(trace, c.content());
        CliRun r = exec("trace", "stats", trace.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("\"rows\" : 3", "\"malformed_rows\" : 0");
        Path out = tmp.resolve("out.json");
        CliRun run = exec("run", "-q", "--model", "llama-2-7b", "--gpu", "h100-80gb", "--trace", trace.toString(),
                "-o", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(Files.readString(out)).contains("\"trace_requests\" : 3");
    }

    @Test
    void skippedRowsAreCountedAndReportedAsOneWarningWithTheFirstLine() throws IOException {
        Path trace = tmp.resolve("t.csv");
        Files.writeString(trace, CSV + ROW0 + "0.2,lots,3\n" + ROW1 + "0.7,4\n" + ROW2);
        CliRun stats = exec("trace", "stats", trace.toString(), "--skip-malformed");
        assertThat(stats.code()).as(stats.err()).isZero();
        assertOneLine(stats.err(), stats.err());
        assertThat(stats.err()).startsWith("warning: ").contains("t.csv", "2 malformed rows skipped", "line 3");
        assertThat(stats.out()).contains("rows: 3 (2 malformed skipped");

        Path out = tmp.resolve("out.json");
        CliRun run = exec("run", "-q", "--model", "llama-2-7b", "--gpu", "h100-80gb", "--trace", trace.toString(),
                "--set", "workload.trace.on_malformed=skip", "-o", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertOneLine(run.err(), run.err());
        assertThat(run.err()).startsWith("warning: ").contains("t.csv", "2 malformed rows skipped", "line 3");
        String json = Files.readString(out);
        assertThat(json).contains("\"trace_malformed_rows_skipped\" : 2", "\"trace_first_malformed_line\" : 3",
                "2 malformed rows skipped");
    }

    /** A FIFO (as {@code --trace <(cat x.csv)} gives): read once, format detected, no hang. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFifoTraceIsReadOnceWithItsFormatDetected() throws Exception {
        for (String command : List.of("stats", "run")) {
            Path fifo = tmp.resolve("pipe-" + command);
            Process mk;
            try {
                mk = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                Assumptions.abort("mkfifo is not available: " + e.getMessage());
                return;
            }
            Assumptions.assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo failed");
            String rows = CSV + ROW0 + ROW1 + ROW2;
            Thread writer = new Thread(() -> {
                try (OutputStream o = Files.newOutputStream(fifo)) { // blocks until the reader opens it
                    o.write(rows.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the reader went away: the assertions below report it
                }
            });
            writer.setDaemon(true);
            writer.start();
            Path out = tmp.resolve("fifo-out.json");
            CliRun r = command.equals("stats") ? exec("trace", "stats", fifo.toString(), "--json")
                    : exec("run", "-q", "--model", "llama-2-7b", "--gpu", "h100-80gb", "--trace", fifo.toString(),
                    "--set", "workload.trace.repeat=2", "-o", out.toString());
            writer.join(10_000);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
            if (command.equals("stats")) {
                assertThat(r.out()).contains("\"format\" : \"vidur\"", "\"rows\" : 3");
            } else {
                assertThat(Files.readString(out)).contains("\"trace_requests\" : 6"); // two passes of the one read
            }
        }
    }
}
