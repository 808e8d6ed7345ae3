package io.simfaasinfer.deployment;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.SimpleBatchForTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Exact cases of disaggregated serving: the transfer adds latency + bytes / bandwidth, shared links. */
class DisaggregationAnalyticTest {

    /** KV bytes of one llama-2-7b token: 2 x 32 layers x 32 KV heads x 128 x 2 bytes. */
    private static final double LLAMA2_7B_KV_BYTES_PER_TOKEN = 2.0 * 32 * 32 * 128 * 2;

    private static List<String> disaggregated(String... more) {
        List<String> sets = new ArrayList<>(List.of("disaggregation.enabled=true", "disaggregation.prefill.replicas=1",
                "disaggregation.decode.replicas=1"));
        sets.addAll(List.of(more));
        return sets;
    }

    private static RequestRecord lone(List<String> sets) {
        List<RequestRecord> records = new ArrayList<>();
        new Simulator(TestConfigs.of(sets.toArray(new String[0])), Catalog.builtin(), null, records::add).run();
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    @Test
    void aLoneRequestsE2eGrowsByExactlyLatencyPlusBytesOverBandwidthAndItsTtftIsUnchanged() {
        List<String> common = List.of("workload.num_requests=1", "workload.prompt_tokens={distribution: fixed, value: 700}",
                "workload.output_tokens={distribution: fixed, value: 40}");
        RequestRecord agg = lone(common);
        List<String> d = disaggregated("disaggregation.transfer.bandwidth_gb_s=25",
                "disaggregation.transfer.latency_ms=0.2");
        d.addAll(common);
        RequestRecord dis = lone(d);
        long transferNs = Math.round(0.2e6) + Math.round(700 * LLAMA2_7B_KV_BYTES_PER_TOKEN / 25.0);
        assertThat(Math.round(dis.ttftMs() * 1e6)).isEqualTo(Math.round(agg.ttftMs() * 1e6));
        assertThat(Math.round(dis.e2eMs() * 1e6) - Math.round(agg.e2eMs() * 1e6)).isEqualTo(transferNs);
    }

    @Test
    void twoTransfersSharingOneLinkTakeTwiceAsLongEach() {
        String[] base = {"workload.prompt_tokens={distribution: fixed, value: 512}",
            "workload.output_tokens={distribution: fixed, value: 4}", "disaggregation.transfer.bandwidth_gb_s=10",
            "disaggregation.transfer.latency_ms=0", "workload.arrival={process: constant, rate: 1.0e12}"};
        List<String> one = disaggregated(base);
        one.add("workload.num_requests=1");
        List<String> two = disaggregated(base);
        two.add("workload.num_requests=2");
        SimulationResult alone = new Simulator(TestConfigs.of(one.toArray(new String[0]))).run();
        SimulationResult shared = new Simulator(TestConfigs.of(two.toArray(new String[0]))).run();
        double aloneMs = 512 * LLAMA2_7B_KV_BYTES_PER_TOKEN / 10.0 / 1e6;
        assertThat(alone.kvTransfer().timeMs().mean()).isCloseTo(aloneMs, within(1e-6));
        // both prompts are prefilled in one iteration on the one prefill replica: both go out at once on its link
        assertThat(shared.simulation().iterations()).isGreaterThan(0);
        assertThat(shared.kvTransfer().transfers()).isEqualTo(2);
        assertThat(shared.kvTransfer().peakConcurrentPerLink()).isEqualTo(2);
        assertThat(shared.kvTransfer().timeMs().mean()).isCloseTo(2 * aloneMs, within(1e-6));
        assertThat(shared.kvTransfer().timeMs().max()).isCloseTo(2 * aloneMs, within(1e-6));
    }

    @Test
    void layerwiseTransferExposesOnlyWhatThePrefillCannotHide() {
        int prompt = 2000;
        List<String> sets = disaggregated("workload.num_requests=1",
                "workload.prompt_tokens={distribution: fixed, value: " + prompt + "}",
                "workload.output_tokens={distribution: fixed, value: 2}", "disaggregation.transfer.bandwidth_gb_s=5",
                "disaggregation.transfer.latency_ms=0.1", "disaggregation.transfer.mode=layerwise");
        Simulator sim = new Simulator(TestConfigs.of(sets.toArray(new String[0])));
        double prefillNs = Math.max(1, Math.round(sim.predictor().predict(SimpleBatchForTest.prefill(prompt, 0))
                .totalMs() * 1e6));
        SimulationResult r = sim.run();
        double t = prompt * LLAMA2_7B_KV_BYTES_PER_TOKEN / 5.0; // ns on an idle link
        int layers = 32;
        double exposed = Math.max(t / layers, t - prefillNs * (layers - 1.0) / layers);
        assertThat(exposed).as("the case overlaps part of the transfer").isLessThan(t).isGreaterThan(t / layers);
        assertThat(r.kvTransfer().timeMs().mean() * 1e6).isCloseTo(0.1e6 + exposed, within(1.0));
        assertThat(r.kvTransfer().exposedBytes()).isLessThan(r.kvTransfer().bytes());
    }

    @Test
    void aSingleTokenRequestFinishesOnThePrefillReplicaWithoutATransfer() {
        List<String> sets = disaggregated("workload.num_requests=3", "workload.output_tokens={distribution: fixed, value: 1}");
        SimulationResult r = new Simulator(TestConfigs.of(sets.toArray(new String[0]))).run();
        assertThat(r.requests().completed()).isEqualTo(3);
        assertThat(r.kvTransfer().transfers()).isZero();
        assertThat(r.pools()).extracting(SimulationResult.PoolStats::iterations).containsExactly(3L, 0L);
    }
}
