package io.simfaasinfer.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simfaasinfer.cli.CliRun;
import io.simfaasinfer.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Sweeps end to end: the grid, the database, failures, resume after kill -9, exports. */
class SweepTest {

    @TempDir
    Path tmp;

    private static final String[] SWEEP = {"sweep", "--num-requests", "200", "--arrival-rate", "2,6",
        "--param", "scheduler.name=vllm,sarathi", "--param", "cluster.replicas=1,2", "-q"};

    private static String[] with(String[] base, String... more) {
        List<String> a = new ArrayList<>(List.of(base));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    /** The JSON export of {@code db}, without the wall-clock column. */
    private JsonNode export(Path db) throws IOException {
        Path out = tmp.resolve(db.getFileName() + ".json");
        Files.deleteIfExists(out);
        CliRun r = CliRun.exec("sweep", "export", "--db", db.toString(), "--format", "json", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        j.forEach(row -> ((ObjectNode) row).remove("wall_s"));
        return j;
    }

    @Test
    void theGridIsTheProductOfTheParametersFirstSlowestAndYamlValuesKeepTheirCommas() {
        LinkedHashMap<String, List<String>> p = new LinkedHashMap<>();
        p.put("a", List.of("1", "2"));
        p.put("b", List.of("x", "y", "z"));
        var points = SweepGrid.product(p, List.of(7L, 8L));
        assertThat(points).hasSize(12);
        assertThat(points.get(0).label()).isEqualTo("a=1 b=x seed=7");
        assertThat(points.get(1).label()).isEqualTo("a=1 b=x seed=8");
        assertThat(points.get(2).label()).isEqualTo("a=1 b=y seed=7");
        assertThat(points.get(11).label()).isEqualTo("a=2 b=z seed=8");
        assertThat(SweepGrid.param("workload.arrival={process: gamma, rate: 2, cv: 3},{process: poisson, rate: 2}")
                .getValue()).containsExactly("{process: gamma, rate: 2, cv: 3}", "{process: poisson, rate: 2}");
    }

    @Test
    void everyPointIsOneRowWithItsParametersAndFiguresWhateverTheJobs() throws IOException {
        Path one = tmp.resolve("one.duckdb");
        Path two = tmp.resolve("four.duckdb");
        assertThat(CliRun.exec(with(SWEEP, "--jobs", "1", "--db", one.toString())).code()).isZero();
        CliRun r = CliRun.exec(with(SWEEP, "--jobs", "4", "--db", two.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("sweep: 8 points, 8 run (0 failed");
        JsonNode a = export(one);
        JsonNode b = export(two);
        assertThat(a).hasSize(8);
        assertThat(b).isEqualTo(a);
        JsonNode first = a.get(0);
        assertThat(first.path("workload.arrival.rate").asText()).isEqualTo("2.0");
        assertThat(first.path("scheduler.name").asText()).isEqualTo("vllm");
        assertThat(first.path("cluster.replicas").asText()).isEqualTo("1");
        assertThat(first.path("status").asText()).isEqualTo("ok");
        assertThat(first.path("requests_completed").asLong()).isEqualTo(200);
        assertThat(first.path("ttft_p99_ms").asDouble()).isPositive();
        // a single run of the same point gives the same figures
        Path rj = tmp.resolve("single.json");
        assertThat(CliRun.exec("run", "--num-requests", "200", "--arrival-rate", "2", "--scheduler", "vllm", "--replicas", "1",
                "-o", rj.toString(), "-q").code()).isZero();
        JsonNode single = new ObjectMapper().readTree(rj.toFile());
        assertThat(first.path("ttft_p99_ms").asDouble()).isEqualTo(single.path("ttft_ms").path("p99").asDouble());
        assertThat(first.path("e2e_mean_ms").asDouble()).isEqualTo(single.path("e2e_ms").path("mean").asDouble());
    }

    @Test
    void shardsPartitionTheGridByPointIndex() throws IOException {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path db = tmp.resolve("shard" + i + ".duckdb");
            assertThat(CliRun.exec(with(SWEEP, "--shard", i + "/3", "--db", db.toString())).code()).isZero();
            for (JsonNode row : export(db)) {
                assertThat(row.path("point").asInt() % 3).isEqualTo(i);
                seen.add(row.path("point").asInt());
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void rowsATraceReplaySkippedAreReportedOnceWithThePointsTheyCameFromEvenWhenQuiet() throws IOException {
        Path cfg = io.simfaasinfer.TestTraces.oneMalformedRowSkipped(tmp);
        Path trace = tmp.resolve("t.csv");
        Path db = tmp.resolve("skips.duckdb");
        CliRun r = CliRun.exec("sweep", "--config", cfg.toString(), "--param", "scheduler.name=vllm,sarathi", "--db",
                db.toString(), "-q");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err().lines()).containsExactly("warning: " + trace
                + ": 1 malformed row skipped (on_malformed: skip); the first on line 3 (2 of 2 points run)");
        Path clean = tmp.resolve("clean.duckdb");
        CliRun none = CliRun.exec(with(SWEEP, "--db", clean.toString()));
        assertThat(none.err()).doesNotContain("warning");
    }

    @Test
    void aBadPointIsRecordedWithItsErrorAndTheSweepGoesOn() throws IOException {
        Path db = tmp.resolve("bad.duckdb");
        CliRun r = CliRun.exec("sweep", "--num-requests", "50", "--param", "cluster.tp=1,3", "--db", db.toString(), "-q");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 points, 2 run (1 failed");
        JsonNode j = export(db);
        assertThat(j.get(0).path("status").asText()).isEqualTo("ok");
        assertThat(j.get(1).path("status").asText()).isEqualTo("error");
        assertThat(j.get(1).path("error").asText()).contains("tp=3 does not divide the 32 attention heads");
        assertThat(j.get(1).path("ttft_p99_ms").isNull()).isTrue();
    }

    @Test
    void anExistingDatabaseIsNeverOverwrittenWithoutResume() throws IOException {
        Path db = tmp.resolve("keep.duckdb");
        assertThat(CliRun.exec(with(SWEEP, "--db", db.toString())).code()).isZero();
        JsonNode before = export(db);
        CliRun again = CliRun.exec(with(SWEEP, "--db", db.toString()));
        assertThat(again.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(again.err().strip()).doesNotContain("\n").contains("already holds 8 points; pass --resume");
        assertThat(export(db)).isEqualTo(before);
        CliRun resumed = CliRun.exec(with(SWEEP, "--db", db.toString(), "--resume"));
        assertThat(resumed.out()).contains("8 points, 0 run (0 failed, recorded with their error), 8 already done");
        assertThat(export(db)).isEqualTo(before);
    }

    @Test
    void aSweepKilledWithSigkillAndResumedHasEveryPointOnceWithTheUninterruptedFigures() throws Exception {
        String[] sweep = {"sweep", "--num-requests", "3000", "--arrival-rate", "2,4,6,8",
            "--param", "scheduler.name=vllm,sarathi", "--param", "cluster.replicas=1,2", "--jobs", "1"};
        Path whole = tmp.resolve("whole.duckdb");
        assertThat(CliRun.exec(with(sweep, "--db", whole.toString(), "-q")).code()).isZero();
        Path killed = tmp.resolve("killed.duckdb");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.simfaasinfer.cli.Main"));
        cmd.addAll(List.of(with(sweep, "--db", killed.toString())));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int seen = 0;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                if (line.contains("] ") && ++seen == 5) {
                    p.destroyForcibly(); // SIGKILL mid-sweep
                    break;
                }
            }
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).as("killed after some points, before the end").isEqualTo(5);
        CliRun r = CliRun.exec(with(sweep, "--db", killed.toString(), "--resume", "-q"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("16 points, \\d+ run .*, \\d+ already done");
        JsonNode a = export(whole);
        JsonNode b = export(killed);
        assertThat(b).hasSize(16);
        Map<Integer, JsonNode> byPoint = new LinkedHashMap<>();
        b.forEach(row -> assertThat(byPoint.put(row.path("point").asInt(), row)).as("point once").isNull());
        assertThat(b).isEqualTo(a);
    }

    @Test
    void seedsReplicateEveryPointAndTheAggregateExportHasMeansAndConfidenceIntervals() throws IOException {
        Path db = tmp.resolve("seeds.duckdb");
        assertThat(CliRun.exec("sweep", "--num-requests", "200", "--param", "scheduler.name=vllm,sarathi", "--seeds", "1,2,3",
                "--db", db.toString(), "-q").code()).isZero();
        Path csv = tmp.resolve("agg.csv");
        CliRun r = CliRun.exec("sweep", "export", "--db", db.toString(), "--aggregate", "-o", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("scheduler.name,seeds,requests_arrived_mean,requests_arrived_ci95");
        assertThat(lines.get(1)).startsWith("vllm,3,");
        Path parquet = tmp.resolve("all.parquet");
        assertThat(CliRun.exec("sweep", "export", "--db", db.toString(), "--format", "parquet", "-o", parquet.toString())
                .code()).isZero();
        assertThat(Files.size(parquet)).isPositive();
        CliRun bad = CliRun.exec("sweep", "export", "--db", db.toString(), "--format", "xlsx", "-o", "x");
        assertThat(bad.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(bad.err()).contains("--format: unknown format 'xlsx'; expected csv, parquet or json");
    }
}
