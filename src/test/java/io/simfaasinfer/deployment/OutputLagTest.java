package io.simfaasinfer.deployment;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.validation.ConfigResolution;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * vLLM V0's asynchronous output processing ({@link OutputLag}, {@code predictor.async_output_proc}): a step's
 * outputs reach the client at the end of the next engine step.
 */
class OutputLagTest {

    /** One nanosecond, in the records' milliseconds. */
    private static final double NS = 1e-6;

    private static List<RequestRecord> run(String... sets) {
        List<RequestRecord> records = new ArrayList<>();
        new Simulator(TestConfigs.of(sets), Catalog.builtin(), null, records::add).run();
        return records;
    }

    private static RequestRecord lone(boolean late, int prompt, int output, String... more) {
        List<String> sets = new ArrayList<>(List.of("predictor.engine=vllm", "workload.num_requests=1",
                "predictor.async_output_proc=" + late,
                "workload.prompt_tokens={distribution: fixed, value: " + prompt + "}",
                "workload.output_tokens={distribution: fixed, value: " + output + "}"));
        sets.addAll(List.of(more));
        List<RequestRecord> records = run(sets.toArray(new String[0]));
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    @Test
    void aLoneRequestsFirstTokenAndEndEachReachTheClientOneDecodeStepLate() {
        // two tokens: the prefill's, then one decode step of d; without the lag E2E - TTFT = d
        RequestRecord now = lone(false, 700, 2);
        RequestRecord late = lone(true, 700, 2);
        double d = now.e2eMs() - now.ttftMs();
        assertThat(d).isGreaterThan(1);
        // the first token comes out during the decode step, at its end
        assertThat(late.ttftMs() - now.ttftMs()).isCloseTo(d, within(NS));
        // the end: after the step vLLM still runs the finished sequence in, as long as the last one
        assertThat(late.e2eMs() - now.e2eMs()).isCloseTo(d, within(NS));
        // what the engine did is unchanged: its one inter-token gap, its schedule
        assertThat(late.maxTbtMs()).isEqualTo(now.maxTbtMs());
        assertThat(late.firstScheduledMs()).isEqualTo(now.firstScheduledMs());
        assertThat(late.tpotMs()).isCloseTo(now.tpotMs(), within(NS));
    }

    @Test
    void aMultiStepRunDeliversTheOutputsBeforeItOneStepInNotAtItsEnd() {
        // prompt, then one run of 4 decode steps (5 tokens): without the lag the burst arrives at the run's end
        String steps = "scheduler.num_scheduler_steps=4";
        RequestRecord now = lone(false, 300, 5, steps, "scheduler.name=vllm");
        RequestRecord late = lone(true, 300, 5, steps, "scheduler.name=vllm");
        double run = now.e2eMs() - now.ttftMs();
        long stepNs = Math.round(run * 1e6) / 4; // the replica's step: the run over its steps, in whole ns
        assertThat(late.ttftMs() - now.ttftMs()).isCloseTo(stepNs * NS, within(NS));
        assertThat(late.e2eMs() - now.e2eMs()).isCloseTo(stepNs * NS, within(NS));
    }

    @Test
    void underLoadEveryRequestEndsOnceTheTokensGapsStayTheEnginesAndTtftGrows() {
        String[] base = {"predictor.engine=vllm", "workload.num_requests=400", "simulation.seed=7",
            "workload.arrival={process: poisson, rate: 20}",
            "workload.prompt_tokens={distribution: uniform, min: 50, max: 1500}",
            "workload.output_tokens={distribution: uniform, min: 1, max: 300}"};
        SimulationResult now = new Simulator(TestConfigs.of(with(base, "predictor.async_output_proc=false"))).run();
        SimulationResult late = new Simulator(TestConfigs.of(with(base, "predictor.async_output_proc=true"))).run();
        SimulationResult again = new Simulator(TestConfigs.of(with(base, "predictor.async_output_proc=true"))).run();
        assertThat(late.requests().completed()).isEqualTo(400);
        assertThat(now.requests().completed()).isEqualTo(400);
        // the engine runs the same iterations: delivery does not feed back into scheduling without a closed loop
        assertThat(late.simulation().iterations()).isEqualTo(now.simulation().iterations());
        assertThat(late.tbtMs().p50()).isEqualTo(now.tbtMs().p50());
        assertThat(late.ttftMs().mean()).isGreaterThan(now.ttftMs().mean());
        assertThat(late.e2eMs().mean()).isGreaterThan(now.e2eMs().mean());
        // every delay is one engine step: at most the longest iteration there was
        assertThat(late.ttftMs().mean() - now.ttftMs().mean())
                .isLessThanOrEqualTo(late.tbtMs().max());
        assertThat(again.ttftMs().p99()).isEqualTo(late.ttftMs().p99());
        assertThat(again.e2eMs().mean()).isEqualTo(late.e2eMs().mean());
    }

    @Test
    void aClosedLoopClientSendsItsNextRequestOnlyOnceItHasTheLastOneAndNeverMoreThanNAreOut() {
        String[] base = {"predictor.engine=vllm", "workload.num_requests=300", "simulation.seed=3",
            "workload.arrival={process: closed_loop, concurrency: 8}",
            "workload.prompt_tokens={distribution: fixed, value: 200}",
            "workload.output_tokens={distribution: fixed, value: 50}"};
        List<RequestRecord> now = new ArrayList<>();
        List<RequestRecord> late = new ArrayList<>();
        new Simulator(TestConfigs.of(with(base, "predictor.async_output_proc=false")), Catalog.builtin(), null, now::add).run();
        new Simulator(TestConfigs.of(with(base, "predictor.async_output_proc=true")), Catalog.builtin(), null, late::add).run();
        assertThat(late).hasSize(300);
        // at every arrival, at most 8 requests are out (arrived and not yet finished for the client)
        for (RequestRecord r : late) {
            long out = late.stream().filter(o -> o.arrivalMs() <= r.arrivalMs() && o.finishMs() > r.arrivalMs()).count();
            assertThat(out).isLessThanOrEqualTo(8);
        }
        // each user waits one more step per request, so the same 300 requests take longer
        double endNow = now.stream().mapToDouble(RequestRecord::finishMs).max().orElseThrow();
        double endLate = late.stream().mapToDouble(RequestRecord::finishMs).max().orElseThrow();
        assertThat(endLate).isGreaterThan(endNow);
    }

    @Test
    void theVllmPresetHasItAndTheOthersDoNot() {
        RequestRecord preset = lone(true, 700, 2);
        List<String> vllm = List.of("predictor.engine=vllm", "workload.num_requests=1",
                "workload.prompt_tokens={distribution: fixed, value: 700}",
                "workload.output_tokens={distribution: fixed, value: 2}");
        assertThat(run(vllm.toArray(new String[0])).get(0).ttftMs()).isEqualTo(preset.ttftMs());
        for (String engine : List.of("vllm-0.5", "sglang", "trtllm", "none")) {
            List<String> sets = new ArrayList<>(vllm);
            sets.set(0, "predictor.engine=" + engine);
            RequestRecord r = run(sets.toArray(new String[0])).get(0);
            sets.add("predictor.async_output_proc=false");
            assertThat(run(sets.toArray(new String[0])).get(0).ttftMs()).as(engine).isEqualTo(r.ttftMs());
        }
    }

    @Test
    void theVllmV1SchedulerDoesWithoutThePresetsDefaultButTakesAnExplicitSetting() {
        // vLLM V1's engine core hands each step's outputs to its front end when the step ends
        RequestRecord v1 = lone(false, 700, 2, "scheduler.name=vllm-v1");
        List<String> preset = List.of("predictor.engine=vllm", "scheduler.name=vllm-v1", "workload.num_requests=1",
                "workload.prompt_tokens={distribution: fixed, value: 700}",
                "workload.output_tokens={distribution: fixed, value: 2}");
        assertThat(run(preset.toArray(new String[0])).get(0).ttftMs()).isEqualTo(v1.ttftMs());
        assertThat(lone(true, 700, 2, "scheduler.name=vllm-v1").ttftMs()).isGreaterThan(v1.ttftMs());
        assertThat(resolve(preset.toArray(new String[0])).warnings()).anySatisfy(w -> assertThat(w.text())
                .contains("predictor.async_output_proc").contains("vllm-v1"));
        assertThat(resolve("predictor.engine=vllm", "scheduler.name=vllm-v1", "predictor.async_output_proc=true")
                .warnings()).noneSatisfy(w -> assertThat(w.text()).contains("async_output_proc"));
    }

    @Test
    void onAPipelinedOrDisaggregatedPoolItIsRefusedWhenAskedForAndNotedWhenThePresetHasIt() {
        assertThatThrownBy(() -> resolve("predictor.async_output_proc=true", "cluster.pp=2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("predictor.async_output_proc")
                .hasMessageContaining("pipelined (pp=2)");
        var noted = resolve("predictor.engine=vllm", "cluster.pp=2");
        assertThat(noted.warnings()).anySatisfy(w -> assertThat(w.text())
                .contains("predictor.async_output_proc").contains("pool 'main' is pipelined (pp=2)"));
        assertThat(resolve("predictor.engine=vllm").warnings())
                .noneSatisfy(w -> assertThat(w.text()).contains("async_output_proc"));
        // and the pipelined run goes on, its outputs handed out as each step ends
        assertThat(new Simulator(noted.validated(), null, null, null).run().requests().completed()).isPositive();
    }

    private static ConfigResolution resolve(String... sets) {
        return ConfigResolution.of(null, Arrays.stream(sets).map(ConfigLoader.Override::set).toList(), null);
    }

    private static String[] with(String[] base, String... more) {
        String[] out = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    @Test
    void heldOutputsGoOutInTheOrderTheyCameEachGroupAtItsTimeButNeverBeforeTheOneBefore() {
        var queue = new io.simfaasinfer.engine.EventQueue();
        List<String> seen = new ArrayList<>();
        var metrics = new io.simfaasinfer.request.RequestObserver() {
            @Override
            public void onToken(io.simfaasinfer.request.Request r, long gapNs, long now) {
                seen.add("t" + r.id() + (gapNs < 0 ? "first" : "") + "@" + now);
            }

            @Override
            public void onFinished(io.simfaasinfer.request.Request r, long now) {
                seen.add("f" + r.id() + "@" + now);
            }
        };
        OutputLag lag = new OutputLag(metrics, queue);
        List<io.simfaasinfer.request.Request> rs = new ArrayList<>();
        for (int i = 0; i < 40; i++) { // more than the buffers start with: they grow, in order
            var r = new io.simfaasinfer.request.Request(i, 0, 10, 1, true);
            r.emitToken(100); // one token: its first is its last
            rs.add(r);
        }
        // six groups sealed at 100, 200, ...; the fourth asks for an earlier time than the third's
        long[] at = {150, 260, 900, 400, 950, 1000};
        int next = 0;
        for (int g = 0; g < at.length; g++) {
            for (int k = 0; k < (g == 2 ? 20 : 4); k++) {
                var r = rs.get(next++);
                lag.onToken(r, -1, 100);
                lag.onFinished(r, 100);
            }
            lag.onToken(rs.get(0), 5, 100); // a decode gap goes on at once
            lag.seal(at[g], false);
            lag.seal(at[g] + 1, false); // nothing more to seal: no event
        }
        assertThat(lag.held()).isEqualTo(2 * next);
        assertThat(seen).hasSize(at.length).allMatch(e -> e.equals("t0@100"));
        seen.clear();
        queue.runToEnd();
        assertThat(lag.held()).isZero();
        assertThat(lag.delivered()).isEqualTo(2L * next);
        assertThat(seen).hasSize(2 * next);
        for (int i = 0; i < next; i++) {
            int group = i < 8 ? i / 4 : i < 28 ? 2 : 3 + (i - 28) / 4;
            long t = group == 3 ? 900 : at[group]; // never before the group before it
            assertThat(seen.get(2 * i)).isEqualTo("t" + i + "first@" + t);
            assertThat(seen.get(2 * i + 1)).isEqualTo("f" + i + "@" + t);
            assertThat(rs.get(i).firstTokenNs()).isEqualTo(t);
            assertThat(rs.get(i).finishNs()).isEqualTo(t);
        }
        assertThatThrownBy(() -> rs.get(0).deliverFirstTokenAt(99)).isInstanceOf(IllegalStateException.class);
    }
}
