package io.simfaasinfer.workload.trace;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Every valid row of one trace file, read once and kept in primitive columns, with what the reader
 * had skipped by each row, so that many simulations of one JVM (a capacity search, a sweep, a
 * comparison) replay the file without parsing it again. A replay ({@link #replay()}) gives the
 * same rows in the same order and, after each row, the same skipped and filtered counts as a
 * {@link TraceReader} of the file, so a simulation cannot tell the two apart. Immutable; replays
 * are independent (one per pass of a run).
 */
public final class TraceTable {

    private final String name;
    private final String format;
    private final String sessionColumn;
    private final int n;
    private final long[] timeNs;
    private final long[] line;
    private final int[] prompt;
    private final int[] output;
    /** Per row, or null when the trace has no session column. */
    private final String[] session;
    /** Row i's hash ids are hashes[hashStart[i] .. hashStart[i + 1]); null when no row has any. */
    private final int[] hashStart;
    private final long[] hashes;
    /** Malformed and filtered rows skipped before each row was returned; null when none were. */
    private final long[] malformedAt;
    private final long[] filteredAt;
    private final long malformedEnd;
    private final long filteredEnd;
    private final String firstMalformed;
    private final long firstMalformedLine;

    private TraceTable(Builder b, RowSource src) {
        this.name = src.name();
        this.format = src.format();
        this.sessionColumn = src.sessionColumn();
        this.n = b.n;
        this.timeNs = Arrays.copyOf(b.timeNs, n);
        this.line = Arrays.copyOf(b.line, n);
        this.prompt = Arrays.copyOf(b.prompt, n);
        this.output = Arrays.copyOf(b.output, n);
        this.session = sessionColumn == null ? null : Arrays.copyOf(b.session, n);
        boolean anyHash = b.hashCount > 0;
        this.hashStart = anyHash ? Arrays.copyOf(b.hashStart, n + 1) : null;
        this.hashes = anyHash ? Arrays.copyOf(b.hashes, b.hashCount) : null;
        this.malformedEnd = src.malformed();
        this.filteredEnd = src.filtered();
        this.malformedAt = malformedEnd > 0 ? Arrays.copyOf(b.malformedAt, n) : null;
        this.filteredAt = filteredEnd > 0 ? Arrays.copyOf(b.filteredAt, n) : null;
        this.firstMalformed = src.firstMalformed();
        this.firstMalformedLine = src.firstMalformedLine();
    }

    /**
     * Reads {@code src} to its end into a table; null, with {@code src} left part-read, when the
     * trace has more than {@code maxRows} valid rows or {@code maxHashes} hash ids (the caller then
     * streams the file instead). A malformed row that is not skipped throws as the reader does.
     */
    public static TraceTable read(RowSource src, long maxRows, long maxHashes) {
        Builder b = new Builder();
        TraceRow row = new TraceRow();
        Map<String, String> sessions = new HashMap<>();
        while (src.next(row)) {
            if (b.n >= maxRows || b.hashCount + (long) row.hashCount() > maxHashes) {
                return null;
            }
            b.add(row, src.malformed(), src.filtered(), sessions);
        }
        return new TraceTable(b, src);
    }

    /** Valid rows. */
    public int rows() {
        return n;
    }

    /** Hash ids held (all rows). */
    public long hashIds() {
        return hashes == null ? 0 : hashes.length;
    }

    /** A new pass over the rows, from the first. */
    public RowSource replay() {
        return new Replay();
    }

    /** A pass over the table, read like the file. */
    private final class Replay implements RowSource {

        /** The row returned last; -1 before the first. */
        private int at = -1;
        private boolean ended;

        @Override
        public boolean next(TraceRow row) {
            if (at + 1 >= n) {
                ended = true;
                return false;
            }
            int i = ++at;
            row.timeNs = timeNs[i];
            row.line = line[i];
            row.promptTokens = prompt[i];
            row.outputTokens = output[i];
            row.session = session == null ? null : session[i];
            row.clearHashes();
            if (hashStart != null) {
                for (int k = hashStart[i], end = hashStart[i + 1]; k < end; k++) {
                    row.addHash(hashes[k]);
                }
            }
            return true;
        }

        @Override
        public long malformed() {
            return ended ? malformedEnd : at < 0 || malformedAt == null ? 0 : malformedAt[at];
        }

        @Override
        public long filtered() {
            return ended ? filteredEnd : at < 0 || filteredAt == null ? 0 : filteredAt[at];
        }

        @Override
        public String firstMalformed() {
            return malformed() > 0 ? firstMalformed : null;
        }

        @Override
        public long firstMalformedLine() {
            return malformed() > 0 ? firstMalformedLine : 0;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String format() {
            return format;
        }

        @Override
        public String sessionColumn() {
            return sessionColumn;
        }

        @Override
        public void close() {
        }
    }

    /** Growing columns while the file is read. */
    private static final class Builder {
        int n;
        long[] timeNs = new long[1024];
        long[] line = new long[1024];
        int[] prompt = new int[1024];
        int[] output = new int[1024];
        String[] session = new String[1024];
        long[] malformedAt = new long[1024];
        long[] filteredAt = new long[1024];
        int[] hashStart = new int[1025];
        long[] hashes = new long[1024];
        int hashCount;

        void add(TraceRow row, long malformed, long filtered, Map<String, String> sessions) {
            if (n == timeNs.length) {
                int c = n * 2;
                timeNs = Arrays.copyOf(timeNs, c);
                line = Arrays.copyOf(line, c);
                prompt = Arrays.copyOf(prompt, c);
                output = Arrays.copyOf(output, c);
                session = Arrays.copyOf(session, c);
                malformedAt = Arrays.copyOf(malformedAt, c);
                filteredAt = Arrays.copyOf(filteredAt, c);
                hashStart = Arrays.copyOf(hashStart, c + 1);
            }
            timeNs[n] = row.timeNs;
            line[n] = row.line;
            prompt[n] = row.promptTokens;
            output[n] = row.outputTokens;
            // one string per distinct session id (the reader makes a new one per row)
            session[n] = row.session == null ? null : sessions.computeIfAbsent(row.session, s -> s);
            malformedAt[n] = malformed;
            filteredAt[n] = filtered;
            int h = row.hashCount();
            if (hashCount + h > hashes.length) {
                hashes = Arrays.copyOf(hashes, Math.max(hashes.length * 2, hashCount + h));
            }
            System.arraycopy(row.hashes(), 0, hashes, hashCount, h);
            hashCount += h;
            n++;
            hashStart[n] = hashCount;
        }
    }
}
