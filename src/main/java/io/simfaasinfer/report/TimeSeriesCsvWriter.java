package io.simfaasinfer.report;

import io.simfaasinfer.metrics.TimeSeries;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Streams time-series samples to a CSV file (written whole on {@link #commit}, or not at all) and
 * keeps, per sample instant, the deployment's totals for the over-time plots (one small row per
 * instant: bounded by the run's length over the interval, not by its requests).
 */
public final class TimeSeriesCsvWriter implements TimeSeries.Sink, AutoCloseable {

    public static final String HEADER = "time_s,pool,replica,state,waiting,running,preemptions,kv_blocks_used,kv_util,"
            + "batch_tokens,tokens,tokens_per_s";

    /** The deployment at one instant: totals over replicas (mean KV utilisation). */
    public record Totals(double timeS, int waiting, int running, double kvUtilMean, double tokensPerS) {
    }

    private final AtomicOutput out;
    private final BufferedWriter writer;
    private final List<Totals> totals = new ArrayList<>();
    private double curTime = Double.NaN;
    private int waiting;
    private int running;
    private double kv;
    private int replicas;
    private double tps;

    /** @param file the CSV to write, or null to keep only the totals (for plots) */
    public TimeSeriesCsvWriter(Path file) {
        if (file == null) {
            this.out = null;
            this.writer = null;
            return;
        }
        this.out = new AtomicOutput(file);
        this.writer = out.openWriter(HEADER, file);
    }

    @Override
    public void accept(TimeSeries.Sample s) {
        if (s.timeS() != curTime) {
            flushTotals();
            curTime = s.timeS();
        }
        waiting += s.waiting();
        running += s.running();
        kv += s.kvUtil();
        replicas++;
        tps += s.tokensPerS();
        if (writer == null) {
            return;
        }
        try {
            writer.write(String.format(Locale.ROOT, "%.6f,%s,%d,%s,%d,%d,%d,%d,%.6f,%d,%d,%.3f", s.timeS(), s.pool(),
                    s.replica(), s.state(), s.waiting(), s.running(), s.preemptions(), s.kvBlocksUsed(), s.kvUtil(),
                    s.batchTokens(), s.tokens(), s.tokensPerS()));
            writer.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.target() + ": " + e.getMessage(), e);
        }
    }

    private void flushTotals() {
        if (replicas > 0) {
            totals.add(new Totals(curTime, waiting, running, kv / replicas, tps));
        }
        waiting = 0;
        running = 0;
        kv = 0;
        replicas = 0;
        tps = 0;
    }

    /** The totals of every sampled instant, in time order. */
    public List<Totals> totals() {
        flushTotals();
        curTime = Double.NaN;
        return List.copyOf(totals);
    }

    /** Makes the CSV visible (atomically). */
    public void commit() {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.target() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // the temporary file is removed below
            }
            out.close();
        }
    }
}
