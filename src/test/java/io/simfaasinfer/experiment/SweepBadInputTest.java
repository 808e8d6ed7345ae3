package io.simfaasinfer.experiment;

import io.simfaasinfer.cli.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad sweeps: one line, exit 2, and the database untouched. */
class SweepBadInputTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key|--param schedular.name=vllm|new|--param schedular.name: no such configuration key ('schedular' is"
            + " not a section",
        "unknown subkey|--param scheduler.nme=vllm|new|--param scheduler.nme: no such configuration key ('nme' is not a"
            + " key of scheduler",
        "empty value|--param scheduler.name=vllm,|new|--param scheduler.name=vllm,: an empty value",
        "no values|--param scheduler.name|new|--param scheduler.name: expected KEY=v1,v2,...",
        "not a results db|--param scheduler.name=vllm|text|not a valid DuckDB database file",
        "unwritable path|--param scheduler.name=vllm|missing-dir|cannot open as a DuckDB results database",
        "twice|--param scheduler.name=vllm --param scheduler.name=sarathi|new|scheduler.name is swept twice",
        "bad shard|--param scheduler.name=vllm --shard 3/2|new|--shard 3/2: expected I/N with 0 <= I < N",
        "no spark|--param scheduler.name=vllm --executor spark|new|--executor: unknown executor 'spark'; on the class"
            + " path: local (the spark executor is the optional simfaasinfer-spark module"})
    void aBadSweepIsOneLineAndExitTwoAndLeavesTheDatabaseAlone(String name, String flags, String db, String expected)
            throws Exception {
        Path file = switch (db) {
            case "text" -> Files.writeString(tmp.resolve("notes.duckdb"), "my notes\n");
            case "missing-dir" -> tmp.resolve("no/such/dir/r.duckdb");
            default -> tmp.resolve("r.duckdb");
        };
        byte[] before = Files.exists(file) ? Files.readAllBytes(file) : null;
        List<String> args = new ArrayList<>(List.of("sweep", "--num-requests", "20", "--db", file.toString()));
        args.addAll(List.of(flags.split(" ")));
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(new StringWriter()); PrintWriter e = new PrintWriter(err)) {
            code = Main.execute(args.toArray(new String[0]), o, e);
        }
        assertThat(code).as(err.toString()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString().strip()).doesNotContain("\n").startsWith("error: ").contains(expected);
        if (before != null) {
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
        } else {
            assertThat(file).doesNotExist();
        }
    }
}
