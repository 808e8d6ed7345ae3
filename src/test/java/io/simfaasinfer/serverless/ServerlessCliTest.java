package io.simfaasinfer.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simfaasinfer.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The serverless flags, --plot, and {@code serverless compare} through the real command line. */
class ServerlessCliTest {

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    private static final String[] SMALL = {"--num-requests", "60", "--arrival", "gamma", "--cv", "4",
        "--arrival-rate", "1", "--output-tokens", "64", "--seed", "9"};

    private static String[] args(String[] head, String... tail) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(SMALL));
        all.addAll(List.of(tail));
        return all.toArray(new String[0]);
    }

    @Test
    void runWithServerlessFlagsWritesTheServerlessJsonAndAPngPlot(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("results.json");
        Path png = dir.resolve("plots/instances.png");
        Outcome o = cli(args(new String[] {"run", "--model", "llama-2-7b", "--gpu", "h100-80gb", "--serverless",
            "--min-instances", "0", "--max-instances", "8", "--keep-alive-s", "60", "--checkpoint-tier", "local-nvme",
            "--autoscaler", "concurrency"}, "--output", json.toString(), "--instances-plot", png.toString()));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("serverless: autoscaler concurrency").contains("TTFT split (ms)")
                .contains("plot: " + png);
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        JsonNode s = r.path("serverless");
        assertThat(s.path("cold_starts").asLong()).isPositive();
        assertThat(s.has("requests_cold")).isTrue();
        for (String k : new String[] {"mean", "p50", "p99", "max"}) {
            assertThat(s.path("cold_start_ms").has(k)).as(k).isTrue();
        }
        assertThat(s.path("instances_peak").asInt()).isBetween(1, 8);
        for (String k : new String[] {"busy", "idle", "starting"}) {
            assertThat(s.path("instance_seconds").path(k).asDouble()).as(k).isPositive();
        }
        assertThat(s.path("instances_over_time").size()).isGreaterThan(1);
        assertThat(s.path("billing").path("cost_per_1k_requests").asDouble())
                .isEqualTo(r.path("cost").path("cost_per_1k_requests").asDouble()).isPositive();
        assertThat(r.path("cost").path("cost_usd").asDouble()).isEqualTo(s.path("billing").path("cost_usd").asDouble());
        assertThat(r.path("config").path("serverless").path("enabled").asBoolean()).isTrue();
        byte[] head = Files.readAllBytes(png);
        assertThat(head.length).isGreaterThan(1000);
        assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void badServerlessInputIsOneLineWithExitCodeTwo(@TempDir Path dir) {
        Outcome o = cli(args(new String[] {"run", "--serverless", "--min-instances", "5", "--max-instances", "2"}));
        assertThat(o.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(o.err().strip()).doesNotContain("\n")
                .isEqualTo("error: --min-instances 5: serverless.min_instances: expected an integer in "
                        + "[0, max_instances = 2], got 5");

        Outcome plot = cli(args(new String[] {"run"}, "--instances-plot", dir.resolve("x.png").toString()));
        assertThat(plot.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(plot.err()).contains("--instances-plot").contains("serverless");
        assertThat(dir.resolve("x.png")).doesNotExist();

        Outcome tier = cli(args(new String[] {"run", "--serverless", "--checkpoint-tier", "nfs"}));
        assertThat(tier.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(tier.err()).contains("serverless.cold_start.checkpoint_tier: unknown checkpoint tier 'nfs'");

        Outcome variant = cli(args(new String[] {"serverless", "compare", "--variant", "nocolon"}));
        assertThat(variant.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(variant.err()).contains("expected NAME:KEY=VALUE");
    }

    @Test
    void compareRunsAlwaysOnScaleToZeroAndAutoscaledOnTheSameWorkload(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("compare.json");
        Outcome o = cli(args(new String[] {"serverless", "compare", "--replicas", "2"}, "--variant",
                "warm-pool-1:serverless.enabled=true;serverless.min_instances=1", "--output", json.toString()));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("deployment").contains("TTFT p99 ms").contains("$/1k req")
                .contains("always-on").contains("scale-to-zero").contains("autoscaled").contains("warm-pool-1");
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).path("deployments");
        assertThat(rows.size()).isEqualTo(4);
        JsonNode alwaysOn = rows.get(0);
        JsonNode toZero = rows.get(1);
        assertThat(alwaysOn.path("instances").asText()).isEqualTo("2");
        assertThat(alwaysOn.path("cold_starts").asLong()).isZero();
        assertThat(toZero.path("autoscaler").asText()).isEqualTo("scale_to_zero");
        assertThat(toZero.path("cold_starts").asLong()).isPositive();
        for (JsonNode r : rows) {
            assertThat(r.path("completed").asLong()).isEqualTo(60);
        }
        assertThat(toZero.path("ttft_p99_ms").asDouble()).isGreaterThan(alwaysOn.path("ttft_p99_ms").asDouble());
        assertThat(rows.get(3).path("instances").asText()).isEqualTo("1-8");
        assertThat(toZero.path("cost_per_1k_requests").asDouble()).isPositive();

        Outcome md = cli(args(new String[] {"serverless", "compare", "--markdown", "--no-defaults", "--variant",
            "only:serverless.enabled=true"}));
        assertThat(md.code()).as(md.err()).isZero();
        assertThat(md.out()).startsWith("| deployment |").contains("| only |");
    }
}
