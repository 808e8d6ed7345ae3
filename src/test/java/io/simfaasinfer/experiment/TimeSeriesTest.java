package io.simfaasinfer.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simfaasinfer.cli.Main;
import io.simfaasinfer.report.RunPlots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run --timeseries-out} and {@code --plots-dir}: rows consistent with the run, PNGs that open. */
class TimeSeriesTest {

    @TempDir
    Path tmp;

    private static int exec(String... args) {
        try (PrintWriter o = new PrintWriter(new StringWriter()); PrintWriter e = new PrintWriter(new StringWriter())) {
            return Main.execute(args, o, e);
        }
    }

    @Test
    void theSampledTokensAddUpToEveryOutputTokenAndSamplingChangesNoFigure() throws Exception {
        Path ts = tmp.resolve("ts.csv");
        Path with = tmp.resolve("with.json");
        Path without = tmp.resolve("without.json");
        String[] base = {"run", "--num-requests", "1500", "--arrival-rate", "15", "--replicas", "2", "--seed", "9",
            "--set", "workload.output_tokens={distribution: uniform, min: 1, max: 300}", "-q"};
        assertThat(exec(concat(base, "--timeseries-out", ts.toString(), "--sample-interval-s", "0.5", "-o",
                with.toString()))).isZero();
        assertThat(exec(concat(base, "-o", without.toString()))).isZero();
        List<String> lines = Files.readAllLines(ts);
        assertThat(lines.get(0)).isEqualTo("time_s,pool,replica,state,waiting,running,preemptions,kv_blocks_used,kv_util,"
                + "batch_tokens,tokens,tokens_per_s");
        long tokens = 0;
        double lastT = 0;
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            double t = Double.parseDouble(f[0]);
            assertThat(t).isGreaterThanOrEqualTo(lastT);
            lastT = t;
            tokens += Long.parseLong(f[10]);
            assertThat(f[3]).isEqualTo("ready");
            assertThat(Double.parseDouble(f[8])).isBetween(0.0, 1.0);
        }
        ObjectMapper m = new ObjectMapper();
        JsonNode a = m.readTree(with.toFile());
        JsonNode b = m.readTree(without.toFile());
        // every output token of every request (warm-up or not) is in exactly one sample
        long outputTokens = 0;
        for (JsonNode c : a.path("classes")) {
            outputTokens += Math.round(c.path("mean_output_tokens").asDouble() * c.path("completed").asLong());
        }
        assertThat(tokens).isEqualTo(outputTokens);
        assertThat(lines).hasSizeGreaterThan(2 * 150); // 2 replicas, ~100 s at 0.5 s
        for (String k : new String[] {"ttft_ms", "tbt_ms", "e2e_ms", "throughput", "utilization", "replicas"}) {
            assertThat(a.path(k)).as(k).isEqualTo(b.path(k));
        }
    }

    @Test
    void thePlotsOpenAsPngsOfTheirSize() throws Exception {
        Path dir = tmp.resolve("plots");
        assertThat(exec("run", "--num-requests", "300", "--arrival-rate", "10", "--plots-dir", dir.toString(), "-q"))
                .isZero();
        for (String f : RunPlots.FILES) {
            BufferedImage img = ImageIO.read(dir.resolve(f).toFile());
            assertThat(img).as(f).isNotNull();
            assertThat(img.getWidth()).isEqualTo(900);
            assertThat(img.getHeight()).isEqualTo(560);
        }
    }

    @Test
    void compareDrawsTheCdfsOfEveryVariantSideBySide() throws Exception {
        Path dir = tmp.resolve("cmp");
        assertThat(exec("compare", "--num-requests", "200", "--arrival-rate", "8", "--schedulers", "vllm,sarathi",
                "--plots-dir", dir.toString())).isZero();
        for (String f : RunPlots.COMPARE_FILES) {
            BufferedImage img = ImageIO.read(dir.resolve(f).toFile());
            assertThat(img).as(f).isNotNull();
            assertThat(img.getWidth()).isEqualTo(900);
        }
    }

    @Test
    void aServerlessRunSamplesItsInstanceStates() throws Exception {
        Path ts = tmp.resolve("sl.csv");
        assertThat(exec("run", "--serverless", "--num-requests", "100", "--arrival-rate", "2", "--timeseries-out",
                ts.toString(), "-q")).isZero();
        List<String> states = Files.readAllLines(ts).stream().skip(1).map(l -> l.split(",")[3]).distinct().toList();
        assertThat(states).contains("starting", "busy").allSatisfy(st ->
                assertThat(st).isIn("cold", "starting", "idle", "busy"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
