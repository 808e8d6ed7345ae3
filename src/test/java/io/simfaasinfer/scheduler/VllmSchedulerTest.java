package io.simfaasinfer.scheduler;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class VllmSchedulerTest {

    private static final ModelSpec MODEL = Catalog.builtin().model("llama-2-7b");
    private static final int BLOCK = 16;

    /** Records every request event. */
    static final class Recorder implements RequestObserver {
        final Map<Long, Integer> tokens = new HashMap<>();
        final List<Long> preempted = new ArrayList<>();
        final List<Long> finished = new ArrayList<>();
        final List<Long> firstScheduled = new ArrayList<>();
        long totalTokens;

        @Override
        public void onToken(Request r, long gapNs, long now) {
            int n = tokens.merge(r.id(), 1, Integer::sum);
            assertThat(gapNs == -1).as("gap is -1 exactly for the first token of %s", r).isEqualTo(n == 1);
            totalTokens++;
        }

        @Override
        public void onPreempted(Request r, long now) {
            preempted.add(r.id());
        }

        @Override
        public void onFinished(Request r, long now) {
            finished.add(r.id());
        }

        @Override
        public void onFirstScheduled(Request r, long now) {
            firstScheduled.add(r.id());
        }
    }

    private final Recorder obs = new Recorder();

    private VllmScheduler scheduler(int blocks, int maxNumSeqs, int maxBatchedTokens, double watermark) {
        SchedulerConfig cfg = new SchedulerConfig("vllm", maxNumSeqs, maxBatchedTokens, watermark, Map.of());
        return new VllmScheduler(new SchedulerContext(0, new BlockManager(blocks, BLOCK), cfg, MODEL, obs));
    }

    private static Request req(long id, long arrivalNs, int prompt, int output) {
        Request r = new Request(id, arrivalNs, prompt, output, true);
        r.assign(0);
        return r;
    }

    private static List<Request> prefills(Batch b) {
        List<Request> l = new ArrayList<>();
        for (int i = 0; i < b.numPrefills(); i++) {
            l.add(b.prefillRequest(i));
        }
        return l;
    }

    private static List<Request> decodes(Batch b) {
        List<Request> l = new ArrayList<>();
        for (int i = 0; i < b.numDecodes(); i++) {
            l.add(b.decodeRequest(i));
        }
        return l;
    }

    @Test
    void prefillsGoFirstAndAPrefillIterationHasNoDecodes() {
        VllmScheduler s = scheduler(100, 16, 4096, 0.0);
        Batch b = new Batch();
        Request a = req(0, 0, 32, 10);
        s.enqueue(a, 0);
        assertThat(s.schedule(0, b)).isTrue();
        assertThat(prefills(b)).containsExactly(a);
        assertThat(b.numDecodes()).isZero();
        assertThat(b.prefillTokens(0)).isEqualTo(32);
        assertThat(b.prefillContext(0)).isZero();
        s.complete(b, 10);

        Request c = req(1, 5, 48, 10);
        s.enqueue(c, 10);
        assertThat(s.schedule(10, b)).isTrue();
        assertThat(prefills(b)).containsExactly(c);
        assertThat(b.numDecodes()).as("running request a must not decode in a prefill iteration").isZero();
        assertThat(a.generated()).isEqualTo(1);
        s.complete(b, 20);
        assertThat(a.generated()).as("a did not run").isEqualTo(1);

        assertThat(s.schedule(20, b)).isTrue();
        assertThat(b.numPrefills()).isZero();
        assertThat(decodes(b)).containsExactly(a, c);
        assertThat(b.decodeContext(0)).isEqualTo(32);
        assertThat(b.decodeContext(1)).isEqualTo(48);
    }

    @Test
    void afterPrefillTheRequestHasOneTokenAndDecodesWithContextEqualToPrompt() {
        VllmScheduler s = scheduler(100, 16, 4096, 0.0);
        Batch b = new Batch();
        Request a = req(0, 0, 40, 5);
        s.enqueue(a, 0);
        s.schedule(0, b);
        assertThat(a.state()).isEqualTo(Request.State.RUNNING);
        assertThat(a.blocks()).isEqualTo(3); // ceil(40/16)
        assertThat(s.kv().usedBlocks()).isEqualTo(3);
        s.complete(b, 100);
        assertThat(a.generated()).isEqualTo(1);
        assertThat(a.firstTokenNs()).isEqualTo(100);
        assertThat(a.inPrefill()).isFalse();
        assertThat(a.kvTokens()).isEqualTo(40);
        for (int step = 0; step < 4; step++) {
            assertThat(s.schedule(100 + step * 10L, b)).isTrue();
            assertThat(decodes(b)).containsExactly(a);
            assertThat(b.decodeContext(0)).isEqualTo(40 + step);
            // the token appended this step must have room: ceil((context + 1) / 16) blocks
            assertThat(a.blocks()).isEqualTo((40 + step + 1 + 15) / 16);
            s.complete(b, 110 + step * 10L);
            assertThat(a.generated()).isEqualTo(2 + step);
        }
        assertThat(a.isFinished()).isTrue();
        assertThat(a.state()).isEqualTo(Request.State.FINISHED);
        assertThat(a.finishNs()).isEqualTo(140);
        assertThat(s.kv().usedBlocks()).isZero();
        assertThat(s.running()).isZero();
        assertThat(s.schedule(200, b)).isFalse();
        assertThat(obs.tokens.get(0L)).isEqualTo(5);
    }

    @Test
    void tokenBudgetStopsAdmissionInFcfsOrderWithoutSkipping() {
        VllmScheduler s = scheduler(1000, 64, 100, 0.0);
        Batch b = new Batch();
        Request a = req(0, 0, 60, 3);
        Request big = req(1, 1, 50, 3);
        Request small = req(2, 2, 30, 3);
        // enqueue out of arrival order: FCFS must still hold
        s.enqueue(small, 2);
        s.enqueue(big, 2);
        s.enqueue(a, 2);
        s.schedule(2, b);
        assertThat(prefills(b)).as("big (50) does not fit the remaining 40; small (30) must not skip it")
                .containsExactly(a);
        assertThat(b.totalPrefillTokens()).isEqualTo(60);
        assertThat(s.waiting()).isEqualTo(2);
        s.complete(b, 10);
        s.schedule(10, b);
        assertThat(prefills(b)).containsExactly(big, small);
        assertThat(b.totalPrefillTokens()).isEqualTo(80);
        assertThat(b.numDecodes()).isZero();
    }

    @Test
    void exactBudgetFits() {
        VllmScheduler s = scheduler(1000, 64, 100, 0.0);
        Batch b = new Batch();
        Request a = req(0, 0, 60, 3);
        Request c = req(1, 1, 40, 3);
        s.enqueue(a, 0);
        s.enqueue(c, 0);
        s.schedule(0, b);
        assertThat(prefills(b)).containsExactly(a, c);
        assertThat(b.totalPrefillTokens()).isEqualTo(100);
    }

    @Test
    void maxNumSeqsLimitsRunningRequests() {
        VllmScheduler s = scheduler(1000, 3, 4096, 0.0);
        Batch b = new Batch();
        List<Request> rs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Request r = req(i, i, 10, i < 3 ? 2 + i : 2);
            rs.add(r);
            s.enqueue(r, 5);
        }
        s.schedule(5, b);
        assertThat(prefills(b)).containsExactly(rs.get(0), rs.get(1), rs.get(2));
        assertThat(s.running()).isEqualTo(3);
        assertThat(s.waiting()).isEqualTo(2);
        s.complete(b, 10);
        // full: no admission, the three decode
        s.schedule(10, b);
        assertThat(b.numPrefills()).isZero();
        assertThat(decodes(b)).containsExactly(rs.get(0), rs.get(1), rs.get(2));
        s.complete(b, 20); // rs0 (output 2) finishes
        assertThat(rs.get(0).isFinished()).isTrue();
        assertThat(s.running()).isEqualTo(2);
        s.schedule(20, b);
        assertThat(prefills(b)).as("one slot freed: exactly one admission").containsExactly(rs.get(3));
        assertThat(s.running()).isEqualTo(3);
    }

    @Test
    void outputOfOneFinishesAtPrefillAndFreesBlocks() {
        VllmScheduler s = scheduler(10, 16, 4096, 0.0);
        Batch b = new Batch();
        Request a = req(0, 0, 33, 1);
        s.enqueue(a, 0);
        s.schedule(0, b);
        assertThat(s.kv().usedBlocks()).isEqualTo(3);
        s.complete(b, 50);
        assertThat(a.isFinished()).isTrue();
        assertThat(a.state()).isEqualTo(Request.State.FINISHED);
        assertThat(a.generated()).isEqualTo(1);
        assertThat(a.firstTokenNs()).isEqualTo(50);
        assertThat(a.finishNs()).isEqualTo(50);
        assertThat(a.blocks()).isZero();
        assertThat(s.kv().usedBlocks()).isZero();
        assertThat(s.kv().peakBlocks()).isEqualTo(3);
        assertThat(s.running()).isZero();
        assertThat(obs.finished).containsExactly(0L);
        assertThat(s.schedule(60, b)).isFalse();
        assertThat(b.isEmpty()).isTrue();
    }

    @Test
    void memoryPressurePreemptsTheMostRecentlyArrivedRunningRequest() {
        // 4 blocks of 16: two sequences of 16-token prompts fill the cache once each reaches 32 tokens
        VllmScheduler s = scheduler(4, 16, 4096, 0.0);
        Batch b = new Batch();
        Request a = req(0, 0, 16, 20);
        Request c = req(1, 1, 16, 20);
        s.enqueue(c, 1); // enqueue order differs from arrival order on purpose
        s.enqueue(a, 1);
        long now = 1;
        s.schedule(now, b);
        assertThat(prefills(b)).containsExactly(a, c);
        s.complete(b, ++now);
        // decode until both hold 32 tokens (generated 17): 4 blocks used, none free
        while (a.kvTokens() < 32) {
            s.schedule(now, b);
            assertThat(decodes(b)).containsExactly(a, c);
            s.complete(b, ++now);
        }
        assertThat(a.generated()).isEqualTo(17);
        assertThat(c.generated()).isEqualTo(17);
        assertThat(s.kv().usedBlocks()).isEqualTo(4);

        s.schedule(now, b);
        assertThat(obs.preempted).containsExactly(1L);
        assertThat(decodes(b)).containsExactly(a);
        assertThat(c.state()).isEqualTo(Request.State.WAITING);
        assertThat(c.preemptions()).isEqualTo(1);
        assertThat(c.blocks()).isZero();
        assertThat(c.prefilled()).isZero();
        assertThat(c.prefillTarget()).as("recompute prompt + emitted tokens").isEqualTo(16 + 17);
        assertThat(c.generated()).as("emitted tokens are kept").isEqualTo(17);
        assertThat(s.waiting()).isEqualTo(1);
        assertThat(s.running()).isEqualTo(1);
        assertThat(s.preemptions()).isEqualTo(1);
        assertThat(s.kv().usedBlocks()).isEqualTo(3);
        s.complete(b, ++now);

        // c (33 tokens = 3 blocks) cannot come back until a finishes
        while (!a.isFinished()) {
            s.schedule(now, b);
            assertThat(prefills(b)).isEmpty();
            assertThat(decodes(b)).containsExactly(a);
            s.complete(b, ++now);
        }
        s.schedule(now, b);
        assertThat(prefills(b)).containsExactly(c);
        assertThat(b.prefillTokens(0)).isEqualTo(33);
        assertThat(b.prefillContext(0)).isZero();
        s.complete(b, ++now);
        assertThat(c.generated()).isEqualTo(18);
        assertThat(c.kvTokens()).isEqualTo(33);
        while (s.schedule(now, b)) {
            s.complete(b, ++now);
            assertThat(s.kv().usedBlocks()).isLessThanOrEqualTo(4);
        }
        assertThat(c.isFinished()).isTrue();
        assertThat(c.generated()).isEqualTo(20);
        assertThat(obs.tokens).containsEntry(0L, 20).containsEntry(1L, 20);
        assertThat(obs.totalTokens).isEqualTo(40);
        assertThat(obs.finished).containsExactly(0L, 1L);
        assertThat(obs.firstScheduled).as("first scheduling reported once per request").containsExactly(0L, 1L);
        assertThat(c.finishNs()).isGreaterThan(a.finishNs());
        assertThat(s.kv().usedBlocks()).isZero();
    }

    @Test
    void theLatestArrivedRequestPreemptsItselfWhenItCannotGrow() {
        // 3 blocks: a and c prefill into one each; a grows into the last one; c needs one, none free,
        // and is itself the latest arrival among those not yet in the batch -> c is preempted, a runs
        VllmScheduler s = scheduler(3, 16, 4096, 0.0);
        Batch b = new Batch();
        Request a = req(0, 0, 16, 20);
        Request c = req(1, 1, 16, 20);
        s.enqueue(a, 1);
        s.enqueue(c, 1);
        s.schedule(1, b);
        s.complete(b, 2);
        s.schedule(2, b);
        assertThat(decodes(b)).containsExactly(a);
        assertThat(obs.preempted).containsExactly(1L);
        assertThat(c.state()).isEqualTo(Request.State.WAITING);
        assertThat(c.prefillTarget()).isEqualTo(17);
        assertThat(a.blocks()).isEqualTo(2);
        assertThat(s.kv().usedBlocks()).isEqualTo(2);
        s.complete(b, 3);
        // c (17 tokens = 2 blocks) does not fit the single free block: a keeps decoding alone
        s.schedule(3, b);
        assertThat(decodes(b)).containsExactly(a);
        long now = 3;
        while (s.schedule(now, b)) {
            s.complete(b, ++now);
        }
        assertThat(a.generated()).isEqualTo(20);
        assertThat(c.generated()).isEqualTo(20);
        assertThat(obs.totalTokens).isEqualTo(40);
        assertThat(s.kv().usedBlocks()).isZero();
    }

    @Test
    void aRequestThatExactlyFitsTheCacheIsNeverPreempted() {
        // prompt 20 + output 13 - 1 = 32 tokens at most in the cache = exactly 2 blocks
        VllmScheduler s = scheduler(2, 16, 4096, 0.0);
        Batch b = new Batch();
        Request a = req(0, 0, 20, 13);
        s.enqueue(a, 0);
        long now = 0;
        while (s.schedule(now, b)) {
            s.complete(b, ++now);
        }
        assertThat(a.generated()).isEqualTo(13);
        assertThat(a.preemptions()).isZero();
        assertThat(s.kv().peakBlocks()).isEqualTo(2);
    }

    @Test
    void admissionProblemFlagsRequestsThatCanNeverRun() {
        VllmScheduler s = scheduler(4, 16, 100, 0.0);
        assertThat(s.admissionProblem(req(0, 0, 16, 48))).isNull(); // 64 tokens = 4 blocks
        assertThat(s.admissionProblem(req(1, 0, 16, 49))).isEqualTo("exceeds_kv_capacity");
        VllmScheduler t = scheduler(100, 16, 100, 0.0);
        assertThat(t.admissionProblem(req(2, 0, 50, 51))).isNull(); // recompute of 100 tokens fits
        assertThat(t.admissionProblem(req(3, 0, 50, 52))).isEqualTo("exceeds_max_num_batched_tokens");
    }

    static Stream<Long> seeds() {
        return LongStream.range(0, 20).boxed();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomWorkloadOnATinyCacheNeverOverflowsAndFinishesEverything(long seed) {
        Random rnd = new Random(seed);
        int total = 8 + rnd.nextInt(24);
        int maxSeqs = 4 + rnd.nextInt(12);
        int budget = 128 + rnd.nextInt(256);
        double watermark = seed % 3 == 0 ? 0.05 : 0.0;
        VllmScheduler s = scheduler(total, maxSeqs, budget, watermark);
        BlockManager kv = s.kv();

        // requests arriving over time; all admissible (the simulator rejects the others before enqueue)
        List<Request> all = new ArrayList<>();
        long t = 0;
        int n = 60 + rnd.nextInt(60);
        while (all.size() < n) {
            t += rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(10);
            Request r = req(all.size(), t, 1 + rnd.nextInt(120), 1 + rnd.nextInt(120));
            if (s.admissionProblem(r) == null) {
                all.add(r);
            }
        }
        long sumOutputs = all.stream().mapToLong(Request::outputTokens).sum();

        Batch b = new Batch();
        int next = 0;
        long now = 0;
        int iterations = 0;
        while (true) {
            while (next < all.size() && all.get(next).arrivalNs() <= now) {
                s.enqueue(all.get(next), now);
                next++;
            }
            boolean ran = s.schedule(now, b);
            assertThat(kv.usedBlocks()).isLessThanOrEqualTo(total).isGreaterThanOrEqualTo(0);
            if (!ran) {
                assertThat(s.running()).as("an idle scheduler has nothing running").isZero();
                if (next == all.size()) {
                    break;
                }
                now = Math.max(now, all.get(next).arrivalNs());
                continue;
            }
            iterations++;
            assertThat(iterations).as("no livelock").isLessThan(200_000);
            checkBatch(b, s, maxSeqs, budget);
            // held blocks of every live request add up to the manager's count
            long held = all.stream().filter(r -> !r.isFinished()).mapToLong(Request::blocks).sum();
            assertThat(held).isEqualTo(kv.usedBlocks());
            now += 1 + rnd.nextInt(20);
            s.complete(b, now);
            assertThat(kv.usedBlocks()).isLessThanOrEqualTo(total);
        }
        assertThat(all).allSatisfy(r -> {
            assertThat(r.isFinished()).isTrue();
            assertThat(r.state()).isEqualTo(Request.State.FINISHED);
            assertThat(r.generated()).isEqualTo(r.outputTokens());
            assertThat(r.blocks()).isZero();
            assertThat(obs.tokens.get(r.id())).isEqualTo(r.outputTokens());
            assertThat(r.finishNs()).isGreaterThanOrEqualTo(r.firstTokenNs());
            assertThat(r.firstTokenNs()).isGreaterThan(r.arrivalNs() - 1);
        });
        assertThat(obs.totalTokens).isEqualTo(sumOutputs);
        assertThat(obs.finished).hasSize(all.size());
        assertThat(obs.preempted).hasSize((int) s.preemptions());
        assertThat(kv.usedBlocks()).isZero();
        assertThat(kv.peakBlocks()).isLessThanOrEqualTo(total);
        assertThat(s.waiting()).isZero();
        assertThat(s.running()).isZero();
        assertThat(s.preemptions()).as("the cache is small enough to force preemptions").isPositive();
        assertThat(kv.peakBlocks()).as("the cache was filled").isEqualTo(total);
    }

    private static void checkBatch(Batch b, VllmScheduler s, int maxSeqs, int budget) {
        assertThat(b.numPrefills() > 0 && b.numDecodes() > 0).as("prefill and decode never mixed").isFalse();
        assertThat(b.numSequences()).isBetween(1, maxSeqs);
        assertThat(s.running()).isLessThanOrEqualTo(maxSeqs);
        assertThat(b.totalPrefillTokens()).isLessThanOrEqualTo(budget);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < b.numPrefills(); i++) {
            Request r = b.prefillRequest(i);
            assertThat(seen.add(r.id())).isTrue();
            assertThat(r.state()).isEqualTo(Request.State.RUNNING);
            assertThat(b.prefillTokens(i)).isEqualTo(r.prefillTarget());
            assertThat(r.blocks()).isEqualTo(s.kv().blocksFor(r.prefillTarget()));
        }
        for (int i = 0; i < b.numDecodes(); i++) {
            Request r = b.decodeRequest(i);
            assertThat(seen.add(r.id())).isTrue();
            assertThat(r.state()).isEqualTo(Request.State.RUNNING);
            assertThat(b.decodeContext(i)).isEqualTo(r.kvTokens());
            assertThat(r.blocks()).isEqualTo(s.kv().blocksFor(r.kvTokens() + 1L));
        }
    }
}
