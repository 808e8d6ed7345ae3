package io.simfaasinfer.pipeline;

import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.scheduler.Batch;
import io.simfaasinfer.scheduler.Scheduler;

/**
 * The pipeline of one replica: {@code pp} stages, each a resource busy for its share of every
 * iteration ({@link StageTimes}), the activation send between consecutive stages (each link a
 * resource too), and {@code pp} virtual engines ({@link VirtualEngines}), each with at most one batch
 * in flight. A batch enters stage 0 when that stage is free, and stage {@code s + 1} when stage
 * {@code s} finished it, the send completed and stage {@code s + 1} finished the batch before it:
 * <pre>
 *   start(0) = t;  end(s) = max(start(s), free(s)) + stage(s);  start(s+1) = max(end(s), linkFree(s)) + send
 * </pre>
 * Every stage serves batches in the order they entered (first in, first out), so the whole path
 * of a batch is known when it starts, and batches leave the last stage in the order they entered:
 * the replica needs only its two events (schedule when stage 0 is free, retire when the last
 * stage finishes). Bubbles follow: with one engine busy, the others idle, a batch waits for
 * nothing and the stages idle in turn. Allocation-free per iteration.
 */
public final class Pipeline {

    private final VirtualEngines engines;
    private final StageTimes times;
    private final ExecutionTimePredictor predictor;
    private final Batch[] batches;
    private final boolean[] inFlight;
    /** Engines in flight, oldest first (a ring). */
    private final int[] order;
    private int head;
    private int inFlightCount;
    /** Next engine to offer stage 0 to (engines take turns). */
    private int next;
    private final long[] stageFree;
    private final long[] linkFree;
    private Breakdown last = Breakdown.ZERO;
    private long lastStageSumNs;
    private long lastStage0Ns;
    private Batch lastBatch;

    public Pipeline(VirtualEngines engines, StageTimes times, ExecutionTimePredictor predictor) {
        if (engines.size() != times.stages()) {
            throw new IllegalArgumentException(engines.size() + " virtual engines for " + times.stages() + " stages");
        }
        this.engines = engines;
        this.times = times;
        this.predictor = predictor;
        int pp = times.stages();
        this.batches = new Batch[pp];
        for (int i = 0; i < pp; i++) {
            batches[i] = new Batch();
        }
        this.inFlight = new boolean[pp];
        this.order = new int[pp];
        this.stageFree = new long[pp];
        this.linkFree = new long[pp];
    }

    public int stages() {
        return times.stages();
    }

    public VirtualEngines engines() {
        return engines;
    }

    public StageTimes times() {
        return times;
    }

    /** Whether every virtual engine has a batch in flight (no batch can start, whatever stage 0 does). */
    public boolean full() {
        return inFlightCount == engines.size();
    }

    /** Batches in flight. */
    public int inFlight() {
        return inFlightCount;
    }

    /** When stage 0 is next free: the earliest a new batch can start. */
    public long stage0FreeNs() {
        return stageFree[0];
    }

    /**
     * Offers stage 0, free at {@code now}, to the idle engines in turn; the first with work forms its batch.
     *
     * @return ns from {@code now} until that batch leaves the last stage, or -1 if no idle engine has work
     */
    public long tryStart(long now) {
        if (now < stageFree[0]) {
            throw new IllegalStateException("stage 0 is busy until " + stageFree[0] + " ns, asked at " + now);
        }
        int pp = engines.size();
        for (int k = 0; k < pp; k++) {
            int e = (next + k) % pp;
            if (inFlight[e] || !engines.engine(e).schedule(now, batches[e])) {
                continue;
            }
            next = (e + 1) % pp;
            Batch b = batches[e];
            b.setStartNs(now);
            Breakdown bd = b.predictWith(predictor);
            long sendNs = times.sendNs(b.totalPrefillTokens() + b.numDecodes());
            long t = now;
            long sum = 0;
            for (int s = 0; s < pp; s++) {
                long stage = times.stageNs(bd, s);
                long start = Math.max(t, stageFree[s]);
                long end = start + stage;
                stageFree[s] = end;
                sum += stage;
                if (s == 0) {
                    lastStage0Ns = stage;
                }
                if (s < pp - 1) {
                    long sendStart = Math.max(end, linkFree[s]);
                    t = sendStart + sendNs;
                    linkFree[s] = t;
                } else {
                    t = end;
                }
            }
            inFlight[e] = true;
            order[(head + inFlightCount) % pp] = e;
            inFlightCount++;
            last = bd;
            lastStageSumNs = sum;
            lastBatch = b;
            return t - now;
        }
        return -1;
    }

    /** Breakdown of the batch started last. */
    public Breakdown lastBreakdown() {
        return last;
    }

    /** Sum of the stage times of the batch started last, ns. */
    public long lastStageSumNs() {
        return lastStageSumNs;
    }

    /** Stage-0 time of the batch started last, ns. */
    public long lastStage0Ns() {
        return lastStage0Ns;
    }

    /** The batch started last. */
    public Batch lastBatch() {
        return lastBatch;
    }

    /** The oldest batch in flight left the last stage at {@code now}: its engine retires it. */
    public void finish(long now) {
        if (inFlightCount == 0) {
            throw new IllegalStateException("no batch in flight");
        }
        int e = order[head];
        head = (head + 1) % engines.size();
        inFlightCount--;
        inFlight[e] = false;
        Scheduler engine = engines.engine(e);
        engine.complete(batches[e], now);
    }
}
