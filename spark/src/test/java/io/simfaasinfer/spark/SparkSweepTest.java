package io.simfaasinfer.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simfaasinfer.experiment.PointTask;
import io.simfaasinfer.experiment.ResultsDb;
import io.simfaasinfer.experiment.SweepExport;
import io.simfaasinfer.experiment.SweepGrid;
import io.simfaasinfer.experiment.SweepRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Spark executor in local[2] writes the rows the local executor writes. */
class SparkSweepTest {

    @TempDir
    Path tmp;

    private static List<PointTask> tasks() {
        LinkedHashMap<String, List<String>> grid = new LinkedHashMap<>();
        grid.put("workload.arrival.rate", List.of("2", "6"));
        grid.put("scheduler.name", List.of("vllm", "sarathi"));
        grid.put("cluster.tp", List.of("1", "3")); // tp=3 is a bad point: recorded with its error by both
        List<PointTask> out = new ArrayList<>();
        for (SweepGrid.Point p : SweepGrid.product(grid, List.of(5L))) {
            List<String[]> o = new ArrayList<>();
            o.add(new String[] {"workload.num_requests=300", "test"});
            p.overrides().forEach(x -> o.add(new String[] {x, "point " + p.index()}));
            out.add(new PointTask(p.index(), p.seed(), new LinkedHashMap<>(p.params()), null, null, o));
        }
        return out;
    }

    private JsonNode rows(String executor, String master) throws Exception {
        Path db = tmp.resolve(executor + ".duckdb");
        try (ResultsDb r = ResultsDb.open(db)) {
            SweepRunner.Summary s = SweepRunner.run(tasks(), r, SweepRunner.executor(executor), 2, master, false,
                    line -> { });
            assertThat(s.ran()).isEqualTo(8);
            assertThat(s.failed()).isEqualTo(4);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SweepExport.export(r, SweepExport.Format.JSON, "-", false, true, out);
            JsonNode j = new ObjectMapper().readTree(out.toByteArray());
            ObjectMapper m = new ObjectMapper();
            for (JsonNode row : j) {
                ObjectNode o = (ObjectNode) row;
                o.remove("wall_s"); // wall clock: the only field that differs between identical runs
                if (o.path("result_json").isTextual()) {
                    ObjectNode result = (ObjectNode) m.readTree(o.get("result_json").asText());
                    ((ObjectNode) result.path("simulation")).remove("wall_s");
                    o.set("result_json", result);
                }
            }
            return j;
        }
    }

    @Test
    void sparkLocalRowsEqualTheLocalExecutorsRows() throws Exception {
        JsonNode local = rows("local", null);
        JsonNode spark = rows("spark", "local[2]");
        assertThat(local).hasSize(8);
        assertThat(spark).isEqualTo(local);
        assertThat(spark.get(0).path("status").asText()).isEqualTo("ok");
        assertThat(spark.get(1).path("error").asText()).contains("tp=3 does not divide");
        assertThat(spark.get(0).path("result_json").has("ttft_ms")).isTrue();
    }
}
