package io.simfaasinfer.scheduler;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.BatchView;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.EnginePredictor;
import io.simfaasinfer.predictor.Engines;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** vLLM multi-step scheduling ({@code scheduler.num_scheduler_steps}). */
class MultiStepTest {

    private static final ModelSpec MODEL = Catalog.builtin().model("llama-2-7b");
    private static final int BLOCK = 16;

    /**
     * A step costs 1 ms plus 1 us per decode context token plus 2 us per prefill token (exact in ns),
     * and no host time; records what it was asked to time.
     */
    static final class LinearPredictor implements ExecutionTimePredictor {
        final List<Long> contexts = new ArrayList<>();
        final List<Boolean> paysHost = new ArrayList<>();

        @Override
        public Breakdown predict(BatchView b) {
            contexts.add(b.totalDecodeContext());
            paysHost.add(b.paysHost());
            double ms = 1 + 0.001 * b.totalDecodeContext() + 0.002 * b.totalPrefillTokens();
            return new Breakdown(ms, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public String describe() {
            return "linear";
        }
    }

    /** Token delivery times per request. */
    static final class Times implements RequestObserver {
        final Map<Long, List<Long>> at = new HashMap<>();
        final Map<Long, Long> finished = new HashMap<>();

        @Override
        public void onToken(Request r, long gapNs, long now) {
            at.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(now);
        }

        @Override
        public void onFinished(Request r, long now) {
            finished.put(r.id(), now);
        }
    }

    private static VllmScheduler scheduler(int steps, int blocks, RequestObserver obs) {
        SchedulerConfig c = new SchedulerConfig("vllm", 256, 8192, 0.0, Map.of());
        c = new SchedulerConfig(c.name(), c.maxNumSeqs(), c.maxNumBatchedTokens(), c.watermark(), c.options(),
                c.chunkSize(), c.localPolicy(), c.milpNodeLimit(), c.milpTimeLimitMs(), c.milpMaxCandidates(),
                c.longPrefillTokenThreshold(), c.ftPadding(), steps);
        return new VllmScheduler(new SchedulerContext(0, new BlockManager(blocks, BLOCK), c, MODEL, obs));
    }

    private static Request req(long id, long arrivalNs, int prompt, int output) {
        Request r = new Request(id, arrivalNs, prompt, output, true);
        r.assign(0);
        return r;
    }

    /** Runs the scheduler until idle from {@code now}; returns the time it went idle. */
    private static long drain(VllmScheduler s, ExecutionTimePredictor p, long now) {
        Batch b = new Batch();
        while (s.schedule(now, b)) {
            now += Math.max(1, Math.round(b.predictWith(p).totalMs() * 1e6));
            s.complete(b, now);
        }
        return now;
    }

    @Test
    void aLoneRequestGetsItsTokensInBurstsAtTheRunBoundariesOfTheSingleStepTimeline() {
        // 1 prefill + 8 decode steps: with N = 4 the 8 decode tokens come in two bursts of 4, each at
        // the time the single-step run emits the burst's last token; E2E is the same (up to ns rounding)
        Times one = new Times();
        Times four = new Times();
        VllmScheduler s1 = scheduler(1, 100, one);
        VllmScheduler s4 = scheduler(4, 100, four);
        s1.enqueue(req(1, 0, 100, 9), 0);
        s4.enqueue(req(1, 0, 100, 9), 0);
        LinearPredictor p1 = new LinearPredictor();
        LinearPredictor p4 = new LinearPredictor();
        drain(s1, p1, 0);
        drain(s4, p4, 0);
        List<Long> t1 = one.at.get(1L);
        List<Long> t4 = four.at.get(1L);
        assertThat(t1).hasSize(9);
        assertThat(t4).hasSize(9);
        assertThat(t4.get(0)).as("TTFT: the prefill is a single step").isEqualTo(t1.get(0));
        for (int i = 1; i < 9; i++) {
            long boundary = t1.get(i <= 4 ? 4 : 8);
            assertThat((double) t4.get(i)).as("token %d", i).isCloseTo(boundary, within(4.0));
        }
        assertThat((double) four.finished.get(1L)).isCloseTo(one.finished.get(1L), within(4.0));
        assertThat(p4.contexts).as("every step's contexts, one token longer each step").isEqualTo(p1.contexts);
        assertThat(p4.paysHost).containsExactly(true, true, false, false, false, true, false, false, false);
        assertThat(s4.multiStepRuns()).isEqualTo(2);
        assertThat(s4.wastedSteps()).isZero();
    }

    @Test
    void aRequestFinishingInsideARunHoldsItsKvUntilTheRunEndsAndItsStepsAreCountedAsWasted() {
        Times t = new Times();
        VllmScheduler s = scheduler(8, 100, t);
        Request a = req(1, 0, 32, 3);  // 2 decode tokens after the first
        Request b = req(2, 0, 32, 20);
        s.enqueue(a, 0);
        s.enqueue(b, 0);
        Batch batch = new Batch();
        LinearPredictor p = new LinearPredictor();
        assertThat(s.schedule(0, batch)).isTrue();
        assertThat(batch.numPrefills()).isEqualTo(2);
        long now = Math.round(batch.predictWith(p).totalMs() * 1e6);
        s.complete(batch, now);
        assertThat(s.schedule(now, batch)).isTrue();
        assertThat(batch.steps()).isEqualTo(8);
        assertThat(batch.numDecodes()).isEqualTo(2);
        // lookahead: b's next 8 tokens (32 + 8 = 40 -> 3 blocks), a's remaining 2 (34 -> 3 blocks)
        assertThat(b.blocks()).isEqualTo(3);
        assertThat(a.blocks()).isEqualTo(3);
        // a request arriving during the run waits for its end
        Request c = req(3, now + 1, 16, 4);
        s.enqueue(c, now + 1);
        int usedDuringRun = s.kv().usedBlocks();
        now += Math.round(batch.predictWith(p).totalMs() * 1e6);
        assertThat(a.isFinished()).isFalse();
        assertThat(s.kv().usedBlocks()).isEqualTo(usedDuringRun);
        s.complete(batch, now);
        assertThat(a.isFinished()).isTrue();
        assertThat(t.finished.get(1L)).as("a finishes at the run's end").isEqualTo(now);
        assertThat(t.at.get(1L).subList(1, 3)).containsOnly(now);
        assertThat(t.at.get(2L).subList(1, 9)).containsOnly(now);
        assertThat(s.wastedSteps()).isEqualTo(6);
        assertThat(s.kv().usedBlocks()).isEqualTo(usedDuringRun - 3);
        // the boundary: c's prefill runs now, alone (prefill first, a single step)
        assertThat(s.schedule(now, batch)).isTrue();
        assertThat(batch.numPrefills()).isEqualTo(1);
        assertThat(batch.prefillRequest(0)).isSameAs(c);
        assertThat(batch.steps()).isEqualTo(1);
        assertThat(s.policyCounters()).containsEntry("multi_step_runs", 1L).containsEntry("multi_step_wasted_steps", 6L);
    }

    @Test
    void underKvPressureNoRequestIsLostAndTheCacheNeverOverflows() {
        Times t = new Times();
        VllmScheduler s = scheduler(10, 60, t);
        Random rnd = new Random(7);
        int n = 60;
        for (int i = 0; i < n; i++) {
            s.enqueue(req(i, i, 16 + rnd.nextInt(200), 1 + rnd.nextInt(300)), i);
        }
        Batch b = new Batch();
        LinearPredictor p = new LinearPredictor();
        long now = 0;
        int guard = 0;
        while (s.schedule(now, b)) {
            assertThat(s.kv().usedBlocks()).isLessThanOrEqualTo(s.kv().totalBlocks());
            now += Math.round(b.predictWith(p).totalMs() * 1e6);
            s.complete(b, now);
            assertThat(++guard).isLessThan(100_000);
        }
        assertThat(t.finished).hasSize(n);
        assertThat(s.kv().usedBlocks()).isZero();
        assertThat(s.preemptions()).isPositive();
        assertThat(s.wastedSteps()).isPositive();
    }

    @Test
    void aRunPaysTheSchedulerOnceAndTheOutputsOfEveryStep() {
        // zero GPU time: what is left is the vllm preset's host term, 0.76 ms per iteration + 6 us per sequence;
        // a run of N steps schedules once (the iteration term once) and processes each step's tokens (the
        // per-sequence term N times), so its per-iteration host time per token falls by 1/N and its
        // per-sequence time per token does not
        ExecutionTimePredictor zero = new ExecutionTimePredictor() {
            @Override
            public Breakdown predict(BatchView b) {
                return Breakdown.ZERO;
            }

            @Override
            public String describe() {
                return "zero";
            }
        };
        EnginePredictor engine = new EnginePredictor(zero, Engines.VLLM, MODEL.numLayers());
        int seqs = 32;
        double iteration = Engines.VLLM.hostIterationMs();
        double perSequence = Engines.VLLM.hostPerSequenceUs() / 1000.0;
        assertThat(iteration).isPositive();
        assertThat(perSequence).isPositive();
        for (int steps : new int[] {1, 2, 10}) {
            Batch b = new Batch();
            for (int i = 0; i < seqs; i++) {
                b.addDecode(req(i, 0, 100, 50), 100);
            }
            b.setSteps(steps);
            Breakdown run = b.predictWith(engine);
            assertThat(run.overheadMs()).as("host ms of a run of %d steps", steps)
                    .isCloseTo(iteration + perSequence * seqs * steps, within(1e-12));
            assertThat(run.overheadMs() / (seqs * steps)).as("host ms per token, N = %d", steps)
                    .isCloseTo(iteration / seqs / steps + perSequence, within(1e-12));
        }
    }

    private static SimulationResult sim(int steps) {
        return new Simulator(TestConfigs.of("model.name=llama-2-7b", "cluster.gpu=a100-80gb", "predictor.engine=vllm",
                "simulation.random_seed=3", "workload.num_requests=200",
                "workload.arrival={process: poisson, rate: 4}",
                "workload.prompt_tokens={distribution: uniform, min: 64, max: 512}",
                "workload.output_tokens={distribution: uniform, min: 16, max: 256}",
                "scheduler.num_scheduler_steps=" + steps)).run();
    }

    @Test
    void endToEndTheTimeBetweenDeliveriesIsARunAndTheQueueWaitsForItsBoundary() {
        SimulationResult one = sim(1);
        SimulationResult ten = sim(10);
        assertThat(ten.requests().completed()).isEqualTo(one.requests().completed()).isEqualTo(200);
        // one TBT gap per burst of ~10 tokens
        assertThat(ten.tbtMs().p50()).isBetween(8 * one.tbtMs().p50(), 11 * one.tbtMs().p50());
        // a request arriving mid-run waits for the run's end before its prefill
        assertThat(ten.ttftMs().p50()).isGreaterThan(2 * one.ttftMs().p50());
        // the host's per-iteration work is paid once per run: decode steps are cheaper
        assertThat(ten.tpotMs().p50()).isLessThan(one.tpotMs().p50());
        assertThat(ten.scheduling().localPolicyCounters()).containsKeys("multi_step_runs", "multi_step_wasted_steps");
        assertThat(one.scheduling().localPolicyCounters()).doesNotContainKeys("multi_step_runs");
    }
}
