package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.SimpleBatchForTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cases whose answer is known exactly from the predictor. */
class SimulatorAnalyticTest {

    private static long ns(double ms) {
        return Math.max(1, Math.round(ms * 1e6));
    }

    @Test
    void oneRequestAloneHasTtftEqualToItsPrefillAndE2eEqualToPrefillPlusDecodes() {
        int prompt = 700;
        int output = 50;
        var cfg = TestConfigs.of("workload.num_requests=1", "workload.prompt_tokens={distribution: fixed, value: 700}",
                "workload.output_tokens={distribution: fixed, value: 50}");
        List<RequestRecord> records = new ArrayList<>();
        Simulator sim = new Simulator(cfg, Catalog.builtin(), null, records::add);
        ExecutionTimePredictor p = sim.predictor();
        SimulationResult r = sim.run();

        long prefill = ns(p.predict(SimpleBatchForTest.prefill(prompt, 0)).totalMs());
        long e2e = prefill;
        for (int g = 1; g < output; g++) {
            // decode step g appends token g; the cache holds prompt + g - 1 tokens before it
            e2e += ns(p.predict(SimpleBatchForTest.decode(prompt + g - 1)).totalMs());
        }
        assertThat(records).hasSize(1);
        RequestRecord rec = records.get(0);
        assertThat(Math.round(rec.ttftMs() * 1e6)).isEqualTo(prefill);
        assertThat(Math.round(rec.e2eMs() * 1e6)).isEqualTo(e2e);
        assertThat(rec.queueDelayMs()).isZero();
        assertThat(r.ttftMs().mean()).isCloseTo(prefill / 1e6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.e2eMs().max()).isCloseTo(e2e / 1e6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.tbtMs().count()).isEqualTo(output - 1);
        assertThat(r.requests().completed()).isEqualTo(1);
        assertThat(r.simulation().iterations()).isEqualTo(output);
    }

    @Test
    void twoSimultaneousRequestsShareOnePrefillIteration() {
        // constant arrivals at an enormous rate: both arrive within 1 ns, the second before the replica schedules
        var cfg = TestConfigs.of("workload.num_requests=2", "workload.arrival={process: constant, rate: 1.0e12}",
                "workload.prompt_tokens={distribution: fixed, value: 100}",
                "workload.output_tokens={distribution: fixed, value: 1}");
        List<RequestRecord> records = new ArrayList<>();
        Simulator sim = new Simulator(cfg, Catalog.builtin(), null, records::add);
        SimulationResult r = sim.run();
        // both arrive at t = 0 (the 1e-12 s gap rounds to 0 ns): one iteration prefills both prompts together
        assertThat(r.simulation().iterations()).isEqualTo(1);
        long both = ns(sim.predictor().predict(SimpleBatchForTest.prefills(100, 100)).totalMs());
        assertThat(records).extracting(x -> Math.round(x.finishMs() * 1e6)).containsExactly(both, both);
        assertThat(records).allSatisfy(x -> assertThat(x.queueDelayMs()).isZero());
    }

    @Test
    void arrivalAtTheInstantAnIterationEndsJoinsTheNextBatch() {
        // Request 0 arrives at 0; request 1 arrives exactly when request 0's prefill ends. Completion is
        // processed before the arrival, and the arrival before scheduling, so request 1's prefill and request 0's
        // first decode are decided together at that instant: vLLM puts the waiting prefill first.
        var cfg0 = TestConfigs.of("workload.num_requests=1", "workload.prompt_tokens={distribution: fixed, value: 256}");
        Simulator probe = new Simulator(cfg0, Catalog.builtin(), null, null);
        double prefillMs = probe.predictor().predict(SimpleBatchForTest.prefill(256, 0)).totalMs();
        long prefill = ns(prefillMs);
        double rate = 1e9 / prefill; // constant gap = prefill time (ns-exact after rounding)
        var cfg = TestConfigs.of("workload.num_requests=2", "workload.arrival={process: constant, rate: " + rate + "}",
                "workload.prompt_tokens={distribution: fixed, value: 256}",
                "workload.output_tokens={distribution: fixed, value: 3}");
        List<RequestRecord> records = new ArrayList<>();
        new Simulator(cfg, Catalog.builtin(), null, records::add).run();
        RequestRecord second = records.stream().filter(x -> x.id() == 1).findFirst().orElseThrow();
        assertThat(Math.round(second.arrivalMs() * 1e6)).isEqualTo(prefill);
        assertThat(second.queueDelayMs()).isZero();
        assertThat(Math.round(second.ttftMs() * 1e6)).isEqualTo(prefill);
    }
}
