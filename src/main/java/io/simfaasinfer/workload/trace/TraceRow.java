package io.simfaasinfer.workload.trace;

import java.util.Arrays;

/**
 * One row of a trace as a reader produced it, reused from row to row (a reader never allocates per
 * row for it). Times are the trace's own, in ns: relative to its start, or since the epoch for
 * wall-clock timestamps.
 */
public final class TraceRow {

    /** Arrival time, ns, in the trace's own time base. */
    public long timeNs;
    /** Prompt (input, context) tokens; >= 0. */
    public int promptTokens;
    /** Output (generated, response) tokens; >= 0. */
    public int outputTokens;
    /**
     * Session (conversation) id of the row, or null: the trace has no session column, or the row's
     * field is empty (a request outside any conversation).
     */
    public String session;
    /** Line of the file the row starts on (1-based). */
    public long line;
    private long[] hashes = new long[64];
    private int hashCount;

    /** Prefix-block hash ids of the row ({@link #hashCount()} valid entries); not copied. */
    public long[] hashes() {
        return hashes;
    }

    /** Hash ids of the row; 0 when the trace has none. */
    public int hashCount() {
        return hashCount;
    }

    void clearHashes() {
        hashCount = 0;
    }

    void addHash(long h) {
        if (hashCount == hashes.length) {
            hashes = Arrays.copyOf(hashes, hashCount * 2);
        }
        hashes[hashCount++] = h;
    }
}
