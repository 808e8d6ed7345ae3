package io.simfaasinfer;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Relations between policies reported in the literature, on fixed seeds. */
class SchedulerRelationsTest {

    /** One llama-2-7b replica on an H100 under heavy, mixed-length chat-like traffic. */
    private static String[] load(double rate, String... extra) {
        List<String> sets = new ArrayList<>(List.of("simulation.random_seed=2", "workload.num_requests=300",
                "workload.arrival={process: poisson, rate: " + rate + "}",
                "workload.prompt_tokens={distribution: lognormal, mean: 1000, std: 800, max: 3500}",
                "workload.output_tokens={distribution: uniform, min: 32, max: 256}", "workload.ttft_slo_ms=500"));
        sets.addAll(List.of(extra));
        return sets.toArray(String[]::new);
    }

    private static SimulationResult run(String... sets) {
        return new Simulator(TestConfigs.of(sets)).run();
    }

    @Test
    void atHighLoadSarathisChunkedPrefillsCutTheP99TimeBetweenTokensOfVllm() {
        // vLLM pauses every decode while it prefills whole prompts (generation stalls); Sarathi-Serve
        // bounds each iteration to chunk_size tokens (Agrawal et al., OSDI 2024, fig. 1 and 10)
        SimulationResult vllm = run(load(12, "scheduler.name=vllm"));
        SimulationResult sarathi = run(load(12, "scheduler.name=sarathi"));
        assertThat(sarathi.tbtMs().p99()).isLessThan(vllm.tbtMs().p99() / 2);
        assertThat(sarathi.tbtMs().max()).isLessThan(vllm.tbtMs().max());
        assertThat(sarathi.requests().completed()).isEqualTo(vllm.requests().completed()).isEqualTo(300);
    }

    @Test
    void vllmV1sLongPrefillThresholdCutsTheP99TimeBetweenTokensOnLongPromptsAtTheCostOfTtft() {
        // vLLM v1 long_prefill_token_threshold: a long prompt's chunk is capped per step, so the steps
        // the running decodes wait on stay short (the Sarathi-Serve argument); the prompt takes more steps
        String[] longPrompts = {"simulation.random_seed=2", "workload.num_requests=300",
            "workload.arrival={process: poisson, rate: 4}",
            "workload.prompt_tokens={distribution: lognormal, mean: 2500, std: 800, max: 3800}",
            "workload.output_tokens={distribution: uniform, min: 32, max: 256}", "scheduler.name=vllm-v1"};
        SimulationResult off = run(longPrompts);
        String[] capped = java.util.Arrays.copyOf(longPrompts, longPrompts.length + 1);
        capped[longPrompts.length] = "scheduler.long_prefill_token_threshold=256";
        SimulationResult on = run(capped);
        assertThat(on.tbtMs().p99()).isLessThan(off.tbtMs().p99() / 2);
        assertThat(on.tbtMs().max()).isLessThan(off.tbtMs().max());
        assertThat(on.ttftMs().p50()).as("more steps per prompt").isGreaterThan(off.ttftMs().p50());
        assertThat(on.requests().completed()).isEqualTo(off.requests().completed()).isEqualTo(300);
    }

    @Test
    void staticBatchingMakesRequestsWaitForWholeBatchesSoItsTtftIsFarAboveVllms() {
        // request-level (FasterTransformer) vs iteration-level scheduling (Orca, OSDI 2022, section 2.2)
        SimulationResult vllm = run(load(12, "scheduler.name=vllm"));
        SimulationResult ft = run(load(12, "scheduler.name=ft"));
        assertThat(ft.ttftMs().mean()).isGreaterThan(10 * vllm.ttftMs().mean());
        assertThat(ft.ttftMs().p50()).isGreaterThan(vllm.ttftMs().p99());
    }

    @Test
    void paddingToTheLongestPromptAndSteppingFinishedSequencesOnlyAddsToStaticBatchingsLatency() {
        // FasterTransformer computes every prompt of a batch padded to the longest and steps finished
        // sequences until the batch ends (Orca, OSDI 2022, section 2.2; vLLM, SOSP 2023, section 2.3):
        // the same batches take longer, so requests wait longer and finish later
        SimulationResult on = run(load(12, "scheduler.name=ft"));
        SimulationResult off = run(load(12, "scheduler.name=ft", "scheduler.ft_padding=false"));
        assertThat(on.ttftMs().mean()).isGreaterThanOrEqualTo(off.ttftMs().mean());
        assertThat(on.e2eMs().mean()).isGreaterThan(off.e2eMs().mean());
        assertThat(on.requests().completed()).isEqualTo(off.requests().completed()).isEqualTo(300);
    }

    @Test
    void underMemoryPressureVllmPreemptsWhileOrcaFasterTransformerAndLightllmNeverDo() {
        String[] pressure = {"workload.num_requests=200", "workload.arrival.rate=50",
            "workload.prompt_tokens={distribution: fixed, value: 1000}",
            "workload.output_tokens={distribution: fixed, value: 400}", "cluster.gpu_memory_utilization=0.2"};
        for (String s : List.of("vllm", "sarathi", "vllm-v1")) {
            String[] sets = java.util.Arrays.copyOf(pressure, pressure.length + 1);
            sets[pressure.length] = "scheduler.name=" + s;
            assertThat(run(sets).requests().preemptions()).as(s).isPositive();
        }
        for (String s : List.of("orca", "faster-transformer", "lightllm")) {
            String[] sets = java.util.Arrays.copyOf(pressure, pressure.length + 1);
            sets[pressure.length] = "scheduler.name=" + s;
            SimulationResult r = run(sets);
            assertThat(r.requests().preemptions()).as(s).isZero();
            assertThat(r.requests().completed()).as(s).isEqualTo(200);
            assertThat(r.utilization().kvCacheUtilPeak()).as(s).isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void shortestJobFirstLowersMeanTtftOnAMixedLengthWorkload() {
        for (String s : List.of("vllm", "sarathi", "orca")) {
            SimulationResult fcfs = run(load(20, "scheduler.name=" + s, "scheduler.local_policy=fcfs"));
            SimulationResult sjf = run(load(20, "scheduler.name=" + s, "scheduler.local_policy=sjf"));
            assertThat(sjf.ttftMs().mean()).as(s).isLessThan(0.8 * fcfs.ttftMs().mean());
        }
    }

    private static long deadlinesMet(String... sets) {
        List<RequestRecord> records = new ArrayList<>();
        new Simulator(TestConfigs.of(sets), Catalog.builtin(), null, records::add).run();
        return records.stream().filter(r -> r.outcome().equals("completed") && r.ttftMs() <= 500).count();
    }

    @Test
    void milpBatchSelectionMeetsAtLeastAsManyDeadlinesAsEdf() {
        for (String s : List.of("vllm", "sarathi", "vllm-v1")) {
            long edf = deadlinesMet(load(20, "scheduler.name=" + s, "scheduler.local_policy=edf"));
            long milp = deadlinesMet(load(20, "scheduler.name=" + s, "scheduler.local_policy=milp"));
            assertThat(milp).as(s).isGreaterThanOrEqualTo(edf);
            assertThat(milp).as("%s: overloaded, so choosing helps", s).isGreaterThan(edf);
        }
        // a narrower or wider candidate window keeps the relation (deadlines met >= EDF)
        long edf = deadlinesMet(load(20, "scheduler.local_policy=edf"));
        for (int window : new int[] {4, 64}) {
            assertThat(deadlinesMet(load(20, "scheduler.local_policy=milp", "scheduler.milp_max_candidates=" + window)))
                    .as("window %d", window).isGreaterThanOrEqualTo(edf);
        }
        // with capacity to spare every deadline is met either way
        assertThat(deadlinesMet(load(4, "scheduler.local_policy=milp")))
                .isEqualTo(deadlinesMet(load(4, "scheduler.local_policy=edf"))).isEqualTo(300);
    }
}
