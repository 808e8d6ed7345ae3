package io.simfaasinfer.scheduler;

import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Drives one scheduler alone, iteration by iteration, with a fixed iteration time, and records
 * what each iteration held: exact batch contents for analytic tests.
 */
final class SchedulerHarness {

    /** A prefill entry: request, new tokens, cached context. */
    record Chunk(long id, int tokens, int context) {
        @Override
        public String toString() {
            return id + ":" + tokens + "@" + context;
        }
    }

    /** One iteration's contents; a padding decode (no request) is id {@link #PADDING}. */
    record Iteration(List<Chunk> prefills, List<Long> decodes) {
        List<Long> prefillIds() {
            return prefills.stream().map(Chunk::id).collect(Collectors.toList());
        }
    }

    static final long STEP_NS = 10;
    /** The id recorded for a padding decode. */
    static final long PADDING = -1;

    final BlockManager kv;
    final Scheduler scheduler;
    final Batch batch = new Batch();
    final List<Iteration> iterations = new ArrayList<>();
    long now;
    long preempted;
    /** When set, each iteration lasts its predicted time instead of {@link #STEP_NS}. */
    ExecutionTimePredictor predictor;
    /** Predicted ms of each iteration, when {@link #predictor} is set. */
    final List<Double> predictedMs = new ArrayList<>();
    private long nextId;

    private SchedulerHarness(String name, int blocks, int blockSize, boolean prefixCaching, String... sets) {
        this.kv = new BlockManager(blocks, blockSize, prefixCaching);
        List<String> all = new ArrayList<>(List.of("scheduler.max_num_batched_tokens=4096"));
        all.addAll(List.of(sets));
        SchedulerConfig sc = TestConfigs.of(all.toArray(String[]::new)).scheduler();
        RequestObserver counting = new RequestObserver() {
            @Override
            public void onPreempted(Request r, long t) {
                preempted++;
            }
        };
        var ctx = new SchedulerContext(0, kv, sc, Catalog.builtin().model("llama-2-7b"), counting);
        this.scheduler = Schedulers.registry().get("scheduler.name", name).create(ctx);
    }

    static SchedulerHarness of(String name, int blocks, int blockSize, String... sets) {
        return new SchedulerHarness(name, blocks, blockSize, false, sets);
    }

    /** As {@link #of} with prefix caching on in the block manager. */
    static SchedulerHarness cached(String name, int blocks, int blockSize, String... sets) {
        return new SchedulerHarness(name, blocks, blockSize, true, sets);
    }

    /** A new request arriving now, enqueued. */
    Request arrive(int prompt, int output) {
        Request r = new Request(nextId++, now, prompt, output, true);
        r.assign(0);
        scheduler.enqueue(r, now);
        return r;
    }

    /** A new request with prefix-block hashes arriving now, enqueued. */
    Request arrive(int prompt, int output, long[] hashes) {
        Request r = new Request(nextId++, now, prompt, output, true, 0, Long.MAX_VALUE, hashes);
        r.assign(0);
        scheduler.enqueue(r, now);
        return r;
    }

    /** Forms and completes one iteration; null if the scheduler had nothing to run. */
    Iteration step() {
        if (!scheduler.schedule(now, batch)) {
            return null;
        }
        List<Chunk> p = new ArrayList<>();
        for (int i = 0; i < batch.numPrefills(); i++) {
            p.add(new Chunk(batch.prefillRequest(i).id(), batch.realPrefillTokens(i), batch.prefillContext(i)));
        }
        List<Long> d = new ArrayList<>();
        for (int i = 0; i < batch.numDecodes(); i++) {
            Request r = batch.decodeRequest(i);
            d.add(r == null ? PADDING : r.id());
        }
        if (predictor != null) {
            double ms = predictor.predict(batch).totalMs();
            predictedMs.add(ms);
            now += Math.max(1, Math.round(ms * 1e6));
        } else {
            now += STEP_NS;
        }
        scheduler.complete(batch, now);
        Iteration it = new Iteration(p, d);
        iterations.add(it);
        return it;
    }

    /** Steps until the scheduler is idle; returns the iterations run. */
    int drain(int limit) {
        int n = 0;
        while (step() != null) {
            if (++n > limit) {
                throw new AssertionError("no end after " + limit + " iterations");
            }
        }
        return n;
    }
}
