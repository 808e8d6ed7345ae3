package io.simfaasinfer.scheduler;

import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.metrics.MetricsCollector;
import io.simfaasinfer.request.DecodeClock;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steady decoders ({@link DecodeCohort}, taken when the observer accepts decode runs) of vLLM
 * v0's and LightLLM's decode iterations, Orca's (whole prompts beside them; KV reserved up front),
 * FasterTransformer's static batches (unpadded, and padded: every decode costed at the step's padded
 * context, finished sequences as padding decodes) and Sarathi's and vLLM v1's (their decodes-first part,
 * prefill chunks beside it) must give exactly what decoding every request one by one gives: the
 * same batches, the same state of
 * every request at every step (read through its accessors while on the clock), the same metrics,
 * blocks and preemptions. Random workloads on small caches (preemption dissolves the cohort), with
 * and without prefix caching, several classes, unmeasured requests; for the chunked schedulers small
 * token budgets (more decoders than the budget holds) and, for v1, a prefill cap (decoders behind a
 * prefill), both of which the cohort must leave to the per-request pass.
 */
class DecodeCohortTest {

    /** Forwards everything to a collector but takes every token one by one (no decode runs). */
    private static RequestObserver perToken(MetricsCollector m) {
        return new RequestObserver() {
            @Override public void onArrival(Request r, long now) { m.onArrival(r, now); }
            @Override public void onFirstScheduled(Request r, long now) { m.onFirstScheduled(r, now); }
            @Override public void onToken(Request r, long gapNs, long now) { m.onToken(r, gapNs, now); }
            @Override public void onPreempted(Request r, long now) { m.onPreempted(r, now); }
            @Override public void onFinished(Request r, long now) { m.onFinished(r, now); }
        };
    }

    private static Scheduler create(String name, SchedulerConfig sc, BlockManager kv, RequestObserver observer) {
        return Schedulers.registry().get("scheduler.name", name.replace("-padded", ""))
                .create(new SchedulerContext(0, kv, sc, Catalog.builtin().model("llama-2-7b"), observer));
    }

    /**
     * The scheduler's settings for one seed: vLLM v0 as before; token budgets from tight to ample
     * otherwise, tight for the seeds with transfers ({@code seed % 4 == 1}).
     */
    private static SchedulerConfig settings(String name, int seed, Random rnd) {
        int pick = seed % 4 == 1 ? (seed / 4) % 2 : rnd.nextInt(4);
        switch (name) {
            case "sarathi":
                return TestConfigs.of("scheduler.chunk_size=" + new int[] {10, 16, 128, 512}[pick],
                        "scheduler.max_num_seqs=" + (rnd.nextBoolean() ? 256 : 24)).scheduler();
            case "vllm-v1":
                return TestConfigs.of("scheduler.max_num_batched_tokens=" + new int[] {10, 16, 300, 4096}[pick],
                        "scheduler.long_prefill_token_threshold=" + (rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(40)),
                        "scheduler.max_num_seqs=" + (rnd.nextBoolean() ? 256 : 24)).scheduler();
            case "faster-transformer": // unpadded: each decode at its own context
                return TestConfigs.of("scheduler.ft_padding=false", "scheduler.max_num_seqs=" + (rnd.nextBoolean() ? 256 : 24))
                        .scheduler();
            case "faster-transformer-padded": // padded (the default): every decode at the batch's step context, finished ones stepped
                return TestConfigs.of("scheduler.ft_padding=true", "scheduler.max_num_seqs=" + (rnd.nextBoolean() ? 256 : 24))
                        .scheduler();
            default:
                return TestConfigs.of("scheduler.max_num_batched_tokens=4096").scheduler();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm", "sarathi", "vllm-v1", "orca", "lightllm", "faster-transformer", "faster-transformer-padded"})
    void steadyDecodesEqualTheRequestByRequestPass(String name) {
        int steadyBatches = 0;
        int mixedBatches = 0;
        long preemptions = 0;
        for (int seed = 0; seed < 40; seed++) {
            Random rnd = new Random(seed);
            SchedulerConfig sc = settings(name, seed, rnd);
            boolean caching = seed % 3 == 0;
            int blocks = 30 + rnd.nextInt(200);
            BlockManager kvA = new BlockManager(blocks, 16, caching);
            BlockManager kvB = new BlockManager(blocks, 16, caching);
            // the per-request records in the order the requests finished (the order of a run's CSV)
            List<String> recA = new ArrayList<>();
            List<String> recB = new ArrayList<>();
            MetricsCollector mA = new MetricsCollector(rec -> recA.add(rec.toString()));
            MetricsCollector mB = new MetricsCollector(rec -> recB.add(rec.toString()));
            Scheduler a = create(name, sc, kvA, mA);
            Scheduler b = create(name, sc, kvB, perToken(mB));
            Batch batchA = new Batch();
            Batch batchB = new Batch();
            List<Request> reqA = new ArrayList<>();
            List<Request> reqB = new ArrayList<>();
            long now = 0;
            int classes = 1 + rnd.nextInt(3);
            // transferred requests join a static batch's running set without its prefill, beyond its size
            boolean transfers = (name.equals("sarathi") || name.equals("vllm-v1") || name.equals("faster-transformer-padded"))
                    && seed % 4 == 1;
            for (int step = 0; step < 1500; step++) {
                int arrivals = step < 1000 && rnd.nextInt(transfers ? 2 : 4) == 0 ? 1 + rnd.nextInt(2) : 0;
                for (int k = 0; k < arrivals; k++) {
                    int prompt = 1 + rnd.nextInt(300);
                    int output = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 120);
                    boolean measured = rnd.nextInt(6) > 0;
                    int cls = rnd.nextInt(classes);
                    long[] hashes = caching ? hashes(prompt, rnd.nextInt(3), rnd.nextLong()) : null;
                    long id = reqA.size();
                    // as a decode replica of a disaggregated deployment takes them: prefilled elsewhere, its
                    // KV transferred in, straight into the running set (more decoders than a budget holds)
                    boolean transferred = transfers && output > 1 && rnd.nextBoolean(); // output 1: done at the prefill
                    for (int side = 0; side < 2; side++) {
                        Scheduler s = side == 0 ? a : b;
                        Request r = new Request(id, now, prompt, output, measured, cls, Long.MAX_VALUE,
                                transferred ? null : hashes);
                        r.assign(0);
                        if (transferred) {
                            r.markRunning(now);
                            r.advancePrefill(prompt);
                            r.emitToken(now);
                            r.markTransferring(now, 0);
                            int reserved = s.transferBlocksIfFree(r);
                            if (reserved < 0) {
                                continue; // no room: both sides alike
                            }
                            (side == 0 ? mA : mB).onArrival(r, now);
                            s.reserveTransfer(r, reserved);
                            s.acceptTransferred(r, reserved, now);
                        } else {
                            (side == 0 ? mA : mB).onArrival(r, now);
                            s.enqueue(r, now);
                        }
                        (side == 0 ? reqA : reqB).add(r);
                    }
                }
                assertThat(kvA.usedBlocks()).as("seed %d step %d blocks", seed, step).isEqualTo(kvB.usedBlocks());
                assertThat(a.running()).as("seed %d step %d running", seed, step).isEqualTo(b.running());
                boolean ranA = a.schedule(now, batchA);
                boolean ranB = b.schedule(now, batchB);
                assertThat(ranA).as("seed %d step %d", seed, step).isEqualTo(ranB);
                if (!ranA) {
                    now += 1_000;
                    continue;
                }
                steadyBatches += batchA.steadyDecodes() ? 1 : 0;
                mixedBatches += batchA.steadyDecodes() && batchA.numPrefills() > 0 ? 1 : 0;
                assertThat(describe(batchA)).as("seed %d step %d", seed, step).isEqualTo(describe(batchB));
                // iteration time depends on the batch, so the gaps differ from one iteration to the next
                now += 1_000 + 7L * batchA.numDecodes() + 3L * batchA.totalPrefillTokens() + rnd.nextInt(50);
                a.complete(batchA, now);
                b.complete(batchB, now);
                if (step % 7 == 0) {
                    for (int i = 0; i < reqA.size(); i++) {
                        assertThat(state(reqA.get(i))).as("seed %d step %d request %d", seed, step, i)
                                .isEqualTo(state(reqB.get(i)));
                    }
                }
            }
            for (int i = 0; i < reqA.size(); i++) {
                assertThat(state(reqA.get(i))).as("seed %d request %d at the end", seed, i).isEqualTo(state(reqB.get(i)));
            }
            assertThat(recA).as("seed %d records", seed).isEqualTo(recB);
            assertThat(mA.tbt().summary()).as("seed %d", seed).isEqualTo(mB.tbt().summary());
            assertThat(mA.tbt().count()).isEqualTo(mB.tbt().count());
            assertThat(mA.ttft().summary()).isEqualTo(mB.ttft().summary());
            assertThat(mA.e2e().summary()).isEqualTo(mB.e2e().summary());
            assertThat(mA.tpot().summary()).isEqualTo(mB.tpot().summary());
            assertThat(mA.completed()).isEqualTo(mB.completed());
            assertThat(mA.classes().summary(List.of("a", "b", "c"), List.of()))
                    .isEqualTo(mB.classes().summary(List.of("a", "b", "c"), List.of()));
            assertThat(a.emittedTokens()).isEqualTo(b.emittedTokens());
            assertThat(a.remainingWorkTokens()).isEqualTo(b.remainingWorkTokens());
            assertThat(kvA.usedBlocks()).isEqualTo(kvB.usedBlocks());
            assertThat(mA.preemptions()).isEqualTo(mB.preemptions());
            preemptions += mA.preemptions();
        }
        assertThat(steadyBatches).as("the cohort ran").isGreaterThan(10_000);
        if (name.equals("vllm") || name.equals("sarathi") || name.equals("vllm-v1")) { // the others reserve or bound KV
            assertThat(preemptions).as("preemption dissolved it").isPositive();
        }
        if (!name.equals("vllm") && !name.equals("lightllm") && !name.startsWith("faster-transformer")) {
            assertThat(mixedBatches).as("the cohort ran beside prefills").isGreaterThan(1_000);
        }
    }

    /**
     * Iterations that get shorter every time after one long one make every gap a new entry of the
     * clock's suffix-maximum stack, so it fills and is pruned below the oldest member's join epoch
     * (read from the running list only then): the long one, the largest gap of every member that
     * joined before it, must survive the pruning.
     */
    @Test
    void theClocksGapStackFillsAndIsPrunedExactly() {
        BlockManager kvA = new BlockManager(4_000, 16, false);
        BlockManager kvB = new BlockManager(4_000, 16, false);
        MetricsCollector mA = new MetricsCollector(null);
        MetricsCollector mB = new MetricsCollector(null);
        SchedulerConfig sc = settings("vllm", 0, new Random(0));
        Scheduler a = create("vllm", sc, kvA, mA);
        Scheduler b = create("vllm", sc, kvB, perToken(mB));
        Batch batchA = new Batch();
        Batch batchB = new Batch();
        List<Request> reqA = new ArrayList<>();
        List<Request> reqB = new ArrayList<>();
        long now = 0;
        for (int step = 0; step < 1_100; step++) {
            // twelve long requests at the start, then a few short ones (joins and leaves) before the long iteration
            int arrivals = step == 0 ? 12 : step == 30 ? 3 : 0;
            for (int k = 0; k < arrivals; k++) {
                int output = step == 0 ? 900 + 13 * k : 30;
                long id = reqA.size();
                for (int side = 0; side < 2; side++) {
                    Request r = new Request(id, now, 64, output, true, 0, Long.MAX_VALUE, null);
                    r.assign(0);
                    (side == 0 ? mA : mB).onArrival(r, now);
                    (side == 0 ? a : b).enqueue(r, now);
                    (side == 0 ? reqA : reqB).add(r);
                }
            }
            boolean ranA = a.schedule(now, batchA);
            assertThat(ranA).isEqualTo(b.schedule(now, batchB));
            if (!ranA) {
                now += 1_000;
                continue;
            }
            assertThat(describe(batchA)).as("step %d", step).isEqualTo(describe(batchB));
            // about equal, then one long iteration, then strictly shorter each time
            now += step < 100 ? 1_000_000 + step % 3 : step == 100 ? 6_000_000 : 3_000_000 - 1_000L * (step - 100);
            a.complete(batchA, now);
            b.complete(batchB, now);
            for (int i = 0; i < reqA.size(); i++) {
                assertThat(state(reqA.get(i))).as("step %d request %d", step, i).isEqualTo(state(reqB.get(i)));
            }
        }
        assertThat(mA.tbt().summary()).isEqualTo(mB.tbt().summary());
        assertThat(reqA.get(0).isFinished()).as("the long requests ran through the pruning").isTrue();
    }

    @Test
    void theClockTellsTheLargestGapSinceAnyJoin() {
        Random rnd = new Random(3);
        DecodeClock clock = new DecodeClock();
        List<Long> ends = new ArrayList<>();
        long now = 0;
        long oldest = 0;
        for (int e = 1; e <= 6_000; e++) {
            now += 1 + (rnd.nextInt(10) == 0 ? rnd.nextInt(5_000) : rnd.nextInt(100 + e % 300));
            if (rnd.nextInt(50) == 0) {
                oldest = Math.max(oldest, e - 1 - rnd.nextInt(200));
            }
            clock.advance(now, Math.min(oldest, clock.epoch()));
            ends.add(now);
            assertThat(clock.epoch()).isEqualTo(e);
            for (int q = 0; q < 3; q++) {
                long join = Math.max(oldest, e - rnd.nextInt(400));
                long max = 0;
                for (long k = join + 1; k <= e; k++) {
                    max = Math.max(max, k >= 2 ? ends.get((int) k - 1) - ends.get((int) k - 2) : 0);
                }
                assertThat(clock.maxGapSince(join)).as("epoch %d since %d", e, join).isEqualTo(max);
            }
        }
    }

    /** Prefix hashes: the first four blocks shared by the requests of one of three prompts, the rest unique. */
    private static long[] hashes(int prompt, int prefix, long unique) {
        long[] h = new long[prompt / 16];
        for (int i = 0; i < h.length; i++) {
            h[i] = i < 4 ? prefix * 1000L + i : unique * 31L + i;
        }
        return h;
    }

    private static String describe(Batch b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.numPrefills(); i++) {
            s.append('p').append(b.prefillRequest(i).id()).append(':').append(b.realPrefillTokens(i)).append('@')
                    .append(b.prefillContext(i)).append(' ');
        }
        for (int i = 0; i < b.numDecodes(); i++) {
            Request r = b.decodeRequest(i); // null: a padding decode of a static batch
            s.append('d').append(r == null ? "pad" : String.valueOf(r.id())).append('@').append(b.decodeContext(i)).append(' ');
        }
        return s.append("sum ").append(b.totalDecodeContext()).append(" padding ").append(b.numPaddingDecodes())
                .append(" prefill ").append(b.totalPrefillTokens()).toString();
    }

    private static String state(Request r) {
        return r.state() + " gen " + r.generated() + " kv " + r.kvTokens() + " blocks " + r.blocks() + " last "
                + r.lastTokenNs() + " first " + r.firstTokenNs() + " maxGap " + r.maxGapNs() + " finish " + r.finishNs()
                + " preempted " + r.preemptions() + " left " + r.remainingOutput() + " prefilled " + r.prefilled();
    }
}
