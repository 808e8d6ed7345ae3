package io.simfaasinfer.cluster;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.pipeline.Pipeline;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.scheduler.Batch;
import io.simfaasinfer.scheduler.Scheduler;

/**
 * One model replica: TP GPUs of one type running one scheduler over one KV cache, one iteration
 * at a time; or, pipeline-parallel, {@code pp} stages of TP GPUs each running up to {@code pp}
 * batches at once ({@link Pipeline}; its {@link #scheduler} is then the virtual engines). Keeps its
 * own utilisation counters (busy time: the mean over stages of each stage's busy time).
 */
public final class Replica {

    private final int index;
    private final GpuSpec gpu;
    private final int tp;
    private final Scheduler scheduler;
    private final ExecutionTimePredictor predictor;
    private final Batch batch = new Batch();
    /** Pipeline-parallel replicas only; null at pp = 1, where nothing below changes. */
    private final Pipeline pipeline;

    private boolean busy;
    private boolean schedulePending;
    private long iterations;
    private long busyNs;
    private double flops;
    private double bytes;
    private double kvBlockNs;
    private long prefillTokens;
    private long lastDurationNs;
    private long lastStepNs;
    private long lastBatchTokens;
    private LoadListener listener;
    private int listenerSlot;

    /** Told when a replica's load (outstanding requests, KV in use, remaining work) may have changed. */
    @FunctionalInterface
    public interface LoadListener {
        void loadChanged(int slot);
    }

    public Replica(int index, GpuSpec gpu, int tp, Scheduler scheduler, ExecutionTimePredictor predictor) {
        this(index, gpu, tp, scheduler, predictor, null);
    }

    /** A pipeline-parallel replica: {@code scheduler} is {@code pipeline}'s virtual engines. */
    public Replica(int index, GpuSpec gpu, int tp, Scheduler scheduler, ExecutionTimePredictor predictor,
                   Pipeline pipeline) {
        if (pipeline != null && pipeline.engines() != scheduler) {
            throw new IllegalArgumentException("a pipelined replica's scheduler is its pipeline's virtual engines");
        }
        this.index = index;
        this.gpu = gpu;
        this.tp = tp;
        this.scheduler = scheduler;
        this.predictor = predictor;
        this.pipeline = pipeline;
    }

    /** Pipeline stages (1 without pipeline parallelism). */
    public int pp() { return pipeline == null ? 1 : pipeline.stages(); }
    /** GPUs of this replica: tp x pp. */
    public int gpus() { return tp * pp(); }
    /** The pipeline, or null at pp = 1. */
    public Pipeline pipeline() { return pipeline; }

    /** The earliest a next batch can start, asked at {@code now}: now, or when stage 0 frees up. */
    public long earliestStartNs(long now) {
        return pipeline == null ? now : Math.max(now, pipeline.stage0FreeNs());
    }

    public int index() { return index; }
    public GpuSpec gpu() { return gpu; }
    public int tp() { return tp; }
    public Scheduler scheduler() { return scheduler; }
    /** Whether no batch can start now: an iteration runs (pp = 1), or every virtual engine has a batch in flight. */
    public boolean busy() { return pipeline == null ? busy : pipeline.full(); }
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
    /** One engine step of the last iteration started, ns: its duration over its steps (a multi-step run's N). */
    public long lastStepNs() { return lastStepNs; }

    /** Whether an index is told of this replica's load changes ({@link #watch}). */
    public boolean watched() {
        return listener != null;
    }

    /** Stops telling {@code l} of this replica's load changes (if it is the one told). */
    public void unwatch(LoadListener l) {
        if (listener == l) {
            listener = null;
        }
    }

    /**
     * Tells {@code l} (an index of the replicas a router chooses among), as slot {@code slot}, of every
     * change of this replica's load from now on; one listener at a time ({@link #unwatch} ends it).
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
        if (pipeline != null) {
            return tryStartPipelined(now);
        }
        if (busy) {
            throw new IllegalStateException("replica " + index + " is already running an iteration");
        }
        boolean started = scheduler.schedule(now, batch);
        loadChanged(); // admission and preemption move requests and blocks even when nothing runs
        if (!started) {
            return -1;
        }
        batch.setStartNs(now);
        Breakdown b = batch.predictWith(predictor);
        long duration = Math.max(1, Math.round(b.totalMs() * 1e6));
        busy = true;
        lastDurationNs = duration;
        lastStepNs = Math.max(1, duration / batch.steps());
        lastBatchTokens = batch.totalRealPrefillTokens() + batch.numDecodes() - batch.numPaddingDecodes();
        iterations++;
        busyNs += duration;
        flops += b.flops();
        bytes += b.bytes();
        kvBlockNs += (double) scheduler.kv().usedBlocks() * duration;
        prefillTokens += batch.totalRealPrefillTokens();
        return duration;
    }

    /** The running iteration ended at {@code now} (pipelined: the oldest batch in flight left the last stage). */
    public void finish(long now) {
        if (pipeline != null) {
            pipeline.finish(now);
            loadChanged();
            return;
        }
        scheduler.complete(batch, now);
        busy = false;
        loadChanged();
    }

    /** A batch enters the pipeline; busy time counts its stage time over the pp stages (their mean busy time). */
    private long tryStartPipelined(long now) {
        long duration = pipeline.tryStart(now);
        loadChanged(); // admission and preemption move requests and blocks even when nothing runs
        if (duration < 0) {
            return -1;
        }
        Breakdown b = pipeline.lastBreakdown();
        Batch started = pipeline.lastBatch();
        double stageShare = (double) pipeline.lastStageSumNs() / pipeline.stages();
        lastDurationNs = duration;
        lastStepNs = Math.max(1, duration / started.steps());
        lastBatchTokens = started.totalRealPrefillTokens() + started.numDecodes() - started.numPaddingDecodes();
        iterations++;
        busyNs += Math.round(stageShare);
        flops += b.flops();
        bytes += b.bytes();
        kvBlockNs += scheduler.kv().usedBlocks() * stageShare;
        prefillTokens += started.totalRealPrefillTokens();
        return duration;
    }
}
