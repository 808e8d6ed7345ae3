package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.ApiOverhead;
import io.simfaasinfer.predictor.Engines;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Per-request API overhead: ingress before the scheduler, egress added to TTFT and E2E. */
class ApiOverheadTest {

    private static final String[] LOAD = {"simulation.random_seed=3", "workload.num_requests=300",
        "workload.arrival={process: poisson, rate: 30}",
        "workload.prompt_tokens={distribution: uniform, min: 64, max: 2048}",
        "workload.output_tokens={distribution: uniform, min: 1, max: 200}"};

    private static List<RequestRecord> run(String... keys) {
        List<RequestRecord> records = new ArrayList<>();
        new Simulator(TestConfigs.of(keys), Catalog.builtin(), null, records::add).run();
        records.sort(java.util.Comparator.comparingLong(RequestRecord::id));
        return records;
    }

    private static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @Test
    void aLoneRequestsTtftAndE2eGrowByExactlyIngressPlusEgress() {
        String[] one = {"workload.num_requests=1", "predictor.engine=vllm"};
        RequestRecord base = run(with(one, "predictor.api_ingress_ms=0", "predictor.api_egress_ms=0")).get(0);
        RequestRecord api = run(with(one, "predictor.api_ingress_ms=7", "predictor.api_egress_ms=3")).get(0);
        assertThat(api.ttftMs() - base.ttftMs()).isCloseTo(10, within(1e-9));
        assertThat(api.e2eMs() - base.e2eMs()).isCloseTo(10, within(1e-9));
        assertThat(api.tpotMs()).isEqualTo(base.tpotMs()); // every token is delayed alike
        assertThat(api.firstScheduledMs() - base.firstScheduledMs()).isCloseTo(7, within(1e-9));
        // the vllm preset's own 4 ms of ingress (docs/fidelity.md), none after
        RequestRecord preset = run(one).get(0);
        assertThat(preset.ttftMs() - base.ttftMs()).isCloseTo(Engines.VLLM.apiIngressMs(), within(1e-9));
        assertThat(preset.e2eMs() - base.e2eMs()).isCloseTo(4, within(1e-9));
        // and the sglang preset's 6.9 ms (tt-inference-server issue 3560), also all before scheduling
        String[] sglang = {"workload.num_requests=1", "predictor.engine=sglang"};
        RequestRecord sgBase = run(with(sglang, "predictor.api_ingress_ms=0", "predictor.api_egress_ms=0")).get(0);
        RequestRecord sg = run(sglang).get(0);
        assertThat(Engines.SGLANG.apiIngressMs()).isEqualTo(6.9);
        assertThat(sg.ttftMs() - sgBase.ttftMs()).isCloseTo(6.9, within(1e-9));
        assertThat(sg.firstScheduledMs() - sgBase.firstScheduledMs()).isCloseTo(6.9, within(1e-9));
    }

    @Test
    void underLoadTheSchedulerSeesEachRequestOnlyAfterIngress() {
        String[] load = with(LOAD, "predictor.engine=sglang");
        List<RequestRecord> base = run(with(load, "predictor.api_ingress_ms=0", "predictor.api_egress_ms=0"));
        List<RequestRecord> api = run(with(load, "predictor.api_ingress_ms=25", "predictor.api_egress_ms=2"));
        assertThat(api).hasSameSizeAs(base);
        double maxQueue = 0;
        for (int i = 0; i < base.size(); i++) {
            RequestRecord b = base.get(i);
            RequestRecord a = api.get(i);
            // the whole server-side timeline moves by the ingress: queueing starts after it
            assertThat(a.firstScheduledMs()).isGreaterThanOrEqualTo(a.arrivalMs() + 25 - 1e-9);
            assertThat(a.firstScheduledMs() - b.firstScheduledMs()).isCloseTo(25, within(1e-6));
            assertThat(a.ttftMs() - b.ttftMs()).isCloseTo(27, within(1e-6));
            assertThat(a.e2eMs() - b.e2eMs()).isCloseTo(27, within(1e-6));
            assertThat(a.tpotMs()).isCloseTo(b.tpotMs(), within(1e-9));
            maxQueue = Math.max(maxQueue, b.queueDelayMs());
        }
        assertThat(maxQueue).as("the load queues requests").isGreaterThan(5);
    }

    @Test
    void aZeroOverheadChangesNothing() {
        // trtllm's preset has none: setting 0 explicitly gives identical per-request results and figures
        String[] load = with(LOAD, "predictor.engine=trtllm");
        List<RequestRecord> r1 = new ArrayList<>();
        List<RequestRecord> r2 = new ArrayList<>();
        SimulationResult a = new Simulator(TestConfigs.of(load), Catalog.builtin(), null, r1::add).run();
        SimulationResult b = new Simulator(TestConfigs.of(with(load, "predictor.api_ingress_ms=0",
                "predictor.api_egress_ms=0")), Catalog.builtin(), null, r2::add).run();
        assertThat(r2).isEqualTo(r1);
        assertThat(b.ttftMs()).isEqualTo(a.ttftMs());
        assertThat(b.e2eMs()).isEqualTo(a.e2eMs());
        assertThat(ApiOverhead.of(TestConfigs.of().predictor())).isEqualTo(ApiOverhead.NONE);
    }

    @Test
    void aClosedLoopUserHearsTheResponseAfterEgress() {
        String[] loop = {"workload.num_requests=20", "workload.arrival={process: closed_loop, concurrency: 1}",
            "workload.prompt_tokens={distribution: fixed, value: 256}",
            "workload.output_tokens={distribution: fixed, value: 16}"};
        List<RequestRecord> r = run(with(loop, "predictor.api_ingress_ms=5", "predictor.api_egress_ms=3"));
        for (int i = 1; i < r.size(); i++) {
            assertThat(r.get(i).arrivalMs()).isGreaterThanOrEqualTo(r.get(i - 1).finishMs() - 1e-9);
        }
    }

    @Test
    void aNegativeOverheadIsRejected() {
        assertThatThrownBy(() -> new Simulator(TestConfigs.of("predictor.api_ingress_ms=-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("predictor.api_ingress_ms");
    }
}
