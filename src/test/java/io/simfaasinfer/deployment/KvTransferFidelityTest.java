package io.simfaasinfer.deployment;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.transfer.KvTransferModel;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transfer model against published measurements (vLLM v1 + Mooncake connector, Qwen3-8B, TP 8,
 * 8 x ConnectX-7): fit latency and bandwidth on some prompt lengths, then predict the others
 * through the simulator itself, from the catalog's KV bytes per token.
 */
class KvTransferFidelityTest {

    private record Point(int tokens, double ms) {
    }

    private static List<Point> published() throws IOException {
        List<Point> out = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(
                KvTransferFidelityTest.class.getResourceAsStream("/fidelity/mooncake_vllm_kv_transfer.csv"),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("#") || line.startsWith("prompt")) {
                    continue;
                }
                String[] f = line.split(",");
                out.add(new Point(Integer.parseInt(f[0]), Double.parseDouble(f[1])));
            }
        }
        return out;
    }

    /** The simulator's transfer time of one prompt of {@code tokens} over the given link. */
    private static double simulatedMs(int tokens, double bandwidthGbS, double latencyMs) {
        SimulationResult r = new Simulator(TestConfigs.of("model.name=qwen3-8b", "cluster.gpu=h100-80gb",
                "workload.num_requests=1", "workload.prompt_tokens={distribution: fixed, value: " + tokens + "}",
                "workload.output_tokens={distribution: fixed, value: 2}", "disaggregation.enabled=true",
                "disaggregation.prefill.tp=8", "disaggregation.decode.tp=8",
                "disaggregation.transfer.bandwidth_gb_s=" + bandwidthGbS,
                "disaggregation.transfer.latency_ms=" + latencyMs)).run();
        return r.kvTransfer().timeMs().mean();
    }

    @Test
    void theCatalogByteCountIsThePublishedOne() {
        // "32,768 tokens (transferring 4.50 GB of data)": binary GB
        double bytes = 32768.0 * Catalog.builtin().model("qwen3-8b").kvBytesPerToken();
        assertThat(bytes / (1L << 30)).isCloseTo(4.50, org.assertj.core.data.Offset.offset(0.005));
    }

    @Test
    void latencyPlusBytesOverBandwidthFitOnThreeLengthsPredictsTheOthersWithinFivePercent() throws IOException {
        List<Point> all = published();
        assertThat(all).hasSize(9);
        double perToken = Catalog.builtin().model("qwen3-8b").kvBytesPerToken();
        // fit on 1k, 4k and 16k tokens (least squares of ms = a + b x bytes)
        List<Point> fit = all.stream().filter(p -> p.tokens() == 1024 || p.tokens() == 4096 || p.tokens() == 16384)
                .toList();
        double n = fit.size();
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Point p : fit) {
            double x = p.tokens() * perToken;
            sx += x;
            sy += p.ms();
            sxx += x * x;
            sxy += x * p.ms();
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx); // ms per byte
        double latencyMs = (sy - slope * sx) / n;
        double bandwidthGbS = 1 / slope / 1e6; // bytes per ms -> GB/s
        assertThat(latencyMs).isBetween(0.3, 0.8);
        assertThat(bandwidthGbS).as("below the ~200 GB/s of 8 x 200 Gb/s").isBetween(120.0, 200.0);
        // held out: 2k, 8k, 32k tokens, through the simulator
        for (Point p : all) {
            if (p.tokens() == 2048 || p.tokens() == 8192 || p.tokens() == 32768) {
                double sim = simulatedMs(p.tokens(), bandwidthGbS, latencyMs);
                assertThat(Math.abs(sim - p.ms()) / p.ms()).as("%d tokens: simulated %.3f ms, measured %.2f ms",
                        p.tokens(), sim, p.ms()).isLessThan(0.05);
            }
        }
    }

    @Test
    void theDefaultEfficiencyAndLatencyOnTheMeasuredLinksAreWithinTenPercentFromOneThousandTokensUp() throws IOException {
        // the defaults (77% of line rate, 0.57 ms per transfer) on the measured setup's links: 8 NICs of 200 Gb/s
        double links = 8 * 25.0 * KvTransferModel.NIC_EFFICIENCY;
        for (Point p : published()) {
            if (p.tokens() >= 1024) {
                double sim = simulatedMs(p.tokens(), links, KvTransferModel.DEFAULT_LATENCY_MS);
                assertThat(Math.abs(sim - p.ms()) / p.ms()).as("%d tokens: simulated %.3f ms, measured %.2f ms",
                        p.tokens(), sim, p.ms()).isLessThan(0.10);
            }
        }
    }
}
