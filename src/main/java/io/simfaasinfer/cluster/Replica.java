package io.simfaasinfer.cluster;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.scheduler.Batch;
import io.simfaasinfer.scheduler.Scheduler;

/**
 * One model replica: TP GPUs of one type running one scheduler over one KV cache, one iteration
 * at a time. Keeps its own utilisation counters.
 */
public final class Replica {

    private final int index;
    private final GpuSpec gpu;
    private final int tp;
    private final Scheduler scheduler;
    private final ExecutionTimePredictor predictor;
    private final Batch batch = new Batch();

    private boolean busy;
    private boolean schedulePending;
    private long iterations;
    private long busyNs;
    private double flops;
    private double bytes;
    private double kvBlockNs;
    private long prefillTokens;
    private long lastDurationNs;
    private long lastBatchTokens;
    private LoadListener listener;
    private int listenerSlot;

    /** Told when a replica's load (outstanding requests, KV in use, remaining work) may have changed. */
    @FunctionalInterface
    public interface LoadListener {
        void loadChanged(int slot);
    }

    public Replica(int index, GpuSpec gpu, int tp, Scheduler scheduler, ExecutionTimePredictor predictor) {
        this.index = index;
        this.gpu = gpu;
        this.tp = tp;
        this.scheduler = scheduler;
        this.predictor = predictor;
    }

    public int index() { return index; }
    public GpuSpec gpu() { return gpu; }
    public int tp() { return tp; }
    public Scheduler scheduler() { return scheduler; }
    public boolean busy() { return busy; }
    public long iterations() { return iterations; }
    public long busyNs() { return busyNs; }
    public double flops() { return flops; }
    public double bytes() { return bytes; }
    /** Integral of KV blocks in use over busy time, block-ns. */
    public double kvBlockNs() { return kvBlockNs; }
    /** Prompt tokens computed by prefills (cached prefix tokens excluded), all iterations. */
    public long prefillTokens() { return prefillTokens; }
    /** Tokens of the iteration started last: prefill tokens computed plus decodes. */
    public long lastBatchTokens() { return lastBatchTokens; }
    /** Duration of the iteration started last, ns (0 before the first). */
    public long lastIterationNs() { return lastDurationNs; }

    /**
     * Tells {@code l} (an index of the replicas a router chooses among), as slot {@code slot}, of every
     * change of this replica's load from now on; one listener at a time.
     */
    public void watch(LoadListener l, int slot) {
        if (listener != null && listener != l) {
            throw new IllegalStateException("replica " + index + " is already watched");
        }
        listener = l;
        listenerSlot = slot;
    }

    /**
     * Its scheduler's state may have changed (a request enqueued, a batch formed or retired, a KV
     * transfer reserved, accepted or released): every caller that changes it outside
     * {@link #tryStart} and {@link #finish}, which report themselves, must call this.
     */
    public void loadChanged() {
        if (listener != null) {
            listener.loadChanged(listenerSlot);
        }
    }

    public boolean schedulePending() {
        return schedulePending;
    }

    public void setSchedulePending(boolean pending) {
        this.schedulePending = pending;
    }

    /**
     * Asks the scheduler for the next batch and predicts its duration.
     *
     * @return the iteration's duration in ns (>= 1), or -1 if there is nothing to run
     */
    public long tryStart(long now) {
        if (busy) {
            throw new IllegalStateException("replica " + index + " is already running an iteration");
        }
        boolean started = scheduler.schedule(now, batch);
        loadChanged(); // admission and preemption move requests and blocks even when nothing runs
        if (!started) {
            return -1;
        }
        batch.setStartNs(now);
        Breakdown b = predictor.predict(batch);
        long duration = Math.max(1, Math.round(b.totalMs() * 1e6));
        busy = true;
        lastDurationNs = duration;
        lastBatchTokens = batch.totalRealPrefillTokens() + batch.numDecodes() - batch.numPaddingDecodes();
        iterations++;
        busyNs += duration;
        flops += b.flops();
        bytes += b.bytes();
        kvBlockNs += (double) scheduler.kv().usedBlocks() * duration;
        prefillTokens += batch.totalRealPrefillTokens();
        return duration;
    }

    /** The running iteration ended at {@code now}. */
    public void finish(long now) {
        scheduler.complete(batch, now);
        busy = false;
        loadChanged();
    }
}
