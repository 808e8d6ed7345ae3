package io.simfaasinfer.metrics;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** TTFT, TPOT and E2E objectives: attainment and goodput against per-request records. */
class SloAttainmentTest {

    private static final String[] LOAD = {"simulation.random_seed=4", "workload.num_requests=600",
        "workload.arrival={process: gamma, rate: 25, cv: 2}",
        "workload.prompt_tokens={distribution: uniform, min: 64, max: 2048}",
        "workload.output_tokens={distribution: uniform, min: 1, max: 300}", "cluster.replicas=2"};

    private static List<String> load(String... more) {
        List<String> all = new ArrayList<>(List.of(LOAD));
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void attainmentCountsEachObjectiveAndAllTogetherFromTheRequestsThemselves() {
        double ttft = 150;
        double tpot = 25;
        double e2e = 6000;
        List<RequestRecord> records = new ArrayList<>();
        SimulationResult r = new Simulator(TestConfigs.of(load("workload.ttft_slo_ms=" + ttft, "slo.tpot_ms=" + tpot,
                "slo.e2e_ms=" + e2e).toArray(new String[0])), Catalog.builtin(), null, records::add).run();
        long n = records.size();
        long ttftMet = records.stream().filter(x -> x.ttftMs() <= ttft + 1e-9).count();
        long tpotMet = records.stream().filter(x -> x.outputTokens() < 2 || x.tpotMs() <= tpot + 1e-9).count();
        long e2eMet = records.stream().filter(x -> x.e2eMs() <= e2e + 1e-9).count();
        long allMet = records.stream().filter(x -> x.ttftMs() <= ttft + 1e-9 && (x.outputTokens() < 2
                || x.tpotMs() <= tpot + 1e-9) && x.e2eMs() <= e2e + 1e-9).count();
        var s = r.slo();
        assertThat(s.measured()).isEqualTo(n);
        assertThat(s.ttftAttainment()).isCloseTo((double) ttftMet / n, within(1e-12));
        assertThat(s.tpotAttainment()).isCloseTo((double) tpotMet / n, within(1e-12));
        assertThat(s.e2eAttainment()).isCloseTo((double) e2eMet / n, within(1e-12));
        assertThat(s.attainment()).isCloseTo((double) allMet / n, within(1e-12));
        // the case is not trivial: some but not all requests miss
        assertThat(s.attainment()).isStrictlyBetween(0.05, 0.95);
        assertThat(s.met()).isEqualTo(allMet);
        assertThat(s.goodputRequestsPerS()).isCloseTo(allMet / r.throughput().windowS(), within(1e-9))
                .isLessThanOrEqualTo(r.throughput().requestsPerS());
        assertThat(r.classes().get(0).slo()).isEqualTo(s);
    }

    @Test
    void aLooserObjectiveIsNeverMetLessOften() {
        double last = -1;
        for (double tpot : new double[] {5, 10, 15, 20, 30, 60, 1e6}) {
            SimulationResult r = new Simulator(TestConfigs.of(load("slo.tpot_ms=" + tpot).toArray(new String[0]))).run();
            assertThat(r.slo().ttftAttainment()).isNull();
            assertThat(r.slo().e2eAttainment()).isNull();
            assertThat(r.slo().tpotAttainment()).isGreaterThanOrEqualTo(last);
            last = r.slo().tpotAttainment();
        }
        assertThat(last).isEqualTo(1.0);
    }

    @Test
    void withoutObjectivesThereIsNoSloSection() {
        SimulationResult r = new Simulator(TestConfigs.of("workload.num_requests=5")).run();
        assertThat(r.slo()).isNull();
    }

    @Test
    void rejectedRequestsMissEveryObjective() {
        // prompts beyond the 4096-token context of llama-2-7b are rejected
        SimulationResult r = new Simulator(TestConfigs.of("workload.num_requests=50", "slo.e2e_ms=1e9",
                "workload.prompt_tokens={distribution: uniform, min: 100, max: 8000}")).run();
        long rejected = r.requests().rejected();
        assertThat(rejected).isPositive();
        assertThat(r.slo().e2eAttainment()).isCloseTo(1 - rejected / 50.0, within(1e-12));
    }
}
