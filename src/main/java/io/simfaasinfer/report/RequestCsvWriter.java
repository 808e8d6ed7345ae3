package io.simfaasinfer.report;

import io.simfaasinfer.metrics.RequestRecord;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Streams one CSV row per finished or rejected request (in completion order) to a file that
 * appears only when the run succeeds.
 */
public final class RequestCsvWriter implements Consumer<RequestRecord>, AutoCloseable {

    public static final String HEADER = "id,replica,prompt_tokens,output_tokens,arrival_ms,first_scheduled_ms,"
            + "first_token_ms,finish_ms,ttft_ms,e2e_ms,queue_delay_ms,tpot_ms,max_tbt_ms,preemptions,measured,outcome";

    private final AtomicOutput out;
    private final BufferedWriter writer;

    public RequestCsvWriter(Path file) {
        this.out = new AtomicOutput(file);
        this.writer = out.openWriter(HEADER, file);
    }

    @Override
    public void accept(RequestRecord r) {
        try {
            writer.write(String.format(Locale.ROOT, "%d,%d,%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%d,%b,%s",
                    r.id(), r.replica(), r.promptTokens(), r.outputTokens(), r.arrivalMs(), r.firstScheduledMs(),
                    r.firstTokenMs(), r.finishMs(), r.ttftMs(), r.e2eMs(), r.queueDelayMs(), r.tpotMs(), r.maxTbtMs(),
                    r.preemptions(), r.measured(), r.outcome()));
            writer.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.target() + ": " + e.getMessage(), e);
        }
    }

    /** Flushes and moves the file into place. */
    public void commit() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.target() + ": " + e.getMessage(), e);
        }
        out.commit();
    }

    /** Discards the file unless committed. */
    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException ignored) {
            // already failing or committed
        }
        out.close();
    }
}
