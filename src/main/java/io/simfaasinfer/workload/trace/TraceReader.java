package io.simfaasinfer.workload.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.LineNumberReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A streaming reader of one trace file: {@link #next} fills a {@link TraceRow} with the next valid
 * row. Rows whose values are missing, not numeric or negative, or whose time goes backwards, are
 * malformed: by default the first one stops the read with a one-line {@link TraceException}
 * ({@code FILE:LINE: field 'X': expected ..., got '...'}); in skip mode they are skipped and counted.
 * Rows a format filter rejects (e.g. another model in BurstGPT) are counted as filtered.
 */
public abstract class TraceReader implements Closeable, RowSource {

    /** {@link #read} produced a row. */
    protected static final int ROW = 0;
    /** {@link #read} consumed a row that a filter rejects. */
    protected static final int FILTERED = 1;
    /** {@link #read} reached the end of the file. */
    protected static final int EOF = 2;

    private final String name;
    private final String format;
    private final boolean skipMalformed;
    private final String skipHint;
    private long rows;
    private long malformed;
    private long filtered;
    private long lastTimeNs = Long.MIN_VALUE;
    private String firstMalformed;
    private long firstMalformedLine;

    /**
     * @param name          the file, as named in messages
     * @param format        the format's name
     * @param skipMalformed skip and count malformed rows instead of failing
     * @param skipHint      how the user turns skipping on, appended to a malformed-row error
     */
    protected TraceReader(String name, String format, boolean skipMalformed, String skipHint) {
        this.name = name;
        this.format = format;
        this.skipMalformed = skipMalformed;
        this.skipHint = skipHint;
    }

    /**
     * Reads the next row into {@code row}, setting {@code row.line}.
     *
     * @return {@link #ROW}, {@link #FILTERED} or {@link #EOF}
     * @throws RowError when the row is malformed
     */
    protected abstract int read(TraceRow row) throws IOException, RowError;

    /** Name of the arrival-time field, for messages. */
    protected abstract String timeField();

    /** The column (field) the session ids are read from, or null when the trace has none. */
    public String sessionColumn() {
        return null;
    }

    /** Closes the file; never throws. */
    @Override
    public abstract void close();

    /** The next valid row; false at the end of the trace. */
    public final boolean next(TraceRow row) {
        while (true) {
            int r;
            try {
                r = read(row);
                if (r == ROW && row.timeNs < lastTimeNs) {
                    throw new RowError(timeField(), String.format(Locale.ROOT,
                            "time goes backwards, %.6f s before the previous row", (lastTimeNs - row.timeNs) / 1e9));
                }
            } catch (RowError e) {
                String msg = name + ":" + row.line + ": " + e.getMessage();
                if (!skipMalformed) {
                    throw new TraceException(msg + (skipHint.isEmpty() ? "" : " (" + skipHint + ")"));
                }
                malformed++;
                if (firstMalformed == null) {
                    firstMalformed = msg;
                    firstMalformedLine = row.line;
                }
                continue;
            } catch (IOException e) {
                throw new TraceException(name + ":" + row.line + ": cannot read (" + why(e) + ")");
            }
            if (r == EOF) {
                if (rows == 0) {
                    throw new TraceException(noRows());
                }
                return false;
            }
            if (r == FILTERED) {
                filtered++;
                continue;
            }
            lastTimeNs = row.timeNs;
            rows++;
            return true;
        }
    }

    /**
     * What a trace without one valid row is, for the error: the skip mode's count and first skipped
     * row, the rows filtered out, or {@link #noRowsProblem()}.
     */
    private String noRows() {
        if (malformed > 0) {
            String prefix = name + ":" + firstMalformedLine + ": ";
            return name + ": no valid rows: all " + malformed + " rows are malformed and were skipped; the first, on"
                    + " line " + firstMalformedLine + ": " + (firstMalformed.startsWith(prefix)
                    ? firstMalformed.substring(prefix.length()) : firstMalformed);
        }
        if (filtered > 0) {
            return name + ": no rows left: all " + filtered + " rows are filtered out (workload.trace.model,"
                    + " workload.trace.log_type)";
        }
        return name + ": " + noRowsProblem();
    }

    /** Why a trace without any row has none, e.g. "a header line and no rows". */
    protected abstract String noRowsProblem();

    /** The file, as named in messages. */
    public String name() {
        return name;
    }

    /** The format's name (e.g. {@code azure}). */
    public String format() {
        return format;
    }

    /** Valid rows read so far. */
    public long rows() {
        return rows;
    }

    /** Malformed rows skipped so far (skip mode). */
    public long malformed() {
        return malformed;
    }

    /** Rows a format filter rejected so far. */
    public long filtered() {
        return filtered;
    }

    /** The error of the first skipped row, or null. */
    public String firstMalformed() {
        return firstMalformed;
    }

    /** The line of the first skipped row; 0 when none was skipped. */
    public long firstMalformedLine() {
        return firstMalformedLine;
    }

    /**
     * The warning of a read that skipped {@code count} malformed rows, the first on line {@code line}
     * ({@code FILE: N malformed rows skipped (on_malformed: skip); the first on line L}), or null when
     * none was skipped.
     */
    public static String skipWarning(String file, long count, long line) {
        if (count <= 0) {
            return null;
        }
        return file + ": " + count + " malformed row" + (count == 1 ? "" : "s") + " skipped (on_malformed: skip);"
                + " the first on line " + line;
    }

    /** A malformed row: which field and what is wrong with it. Cheap: no stack trace. */
    protected static final class RowError extends Exception {
        private static final long serialVersionUID = 1L;

        public RowError(String field, String problem) {
            super(field == null ? problem : "field '" + field + "': " + problem, null, false, false);
        }
    }

    /**
     * Opens {@code file} as UTF-8 text that counts its lines: gzip (by its magic bytes) decompressed,
     * a byte-order mark dropped (see {@link TraceInput}).
     */
    static LineNumberReader openText(Path file) {
        return TraceInput.of(file).open().reader();
    }

    /** What went wrong reading, for a message: the error's own text (never null, no class name). */
    static String why(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "read error" : m;
    }

    /**
     * "FILE: trace file not found", with a hint when a bundled trace of that name exists under
     * {@code data/traces/} of the working directory (the issue examples name traces without it).
     */
    public static String notFound(Path file) {
        Path name = file.getFileName();
        Path bundled = name == null ? null : Path.of("data", "traces").resolve(name.toString());
        boolean hint = bundled != null && !file.normalize().equals(bundled) && Files.isRegularFile(bundled);
        return file + ": trace file not found" + (hint ? "; did you mean " + bundled + "?" : "");
    }

    /**
     * The next non-blank line of {@code in}, or null at the end of the file; {@code row.line} gets
     * its 1-based line number.
     */
    static String nextNonBlankLine(LineNumberReader in, TraceRow row) throws IOException {
        String line;
        do {
            line = in.readLine();
            row.line = in.getLineNumber();
        } while (line != null && line.isBlank());
        return line;
    }

    /** Parses a token count: a non-negative integer (an integral decimal like {@code 12.0} is accepted). */
    static int tokens(String s, String field) throws RowError {
        if (s == null || s.isEmpty()) {
            throw new RowError(field, "missing; expected a non-negative integer");
        }
        long v = 0;
        boolean digits = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9' || v > Integer.MAX_VALUE) {
                digits = false;
                break;
            }
            v = v * 10 + (c - '0');
        }
        if (digits && v <= Integer.MAX_VALUE) {
            return (int) v;
        }
        double d;
        try {
            d = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new RowError(field, "expected a non-negative integer, got '" + s + "'");
        }
        if (d < 0) {
            throw new RowError(field, "expected a non-negative integer, got negative " + s);
        }
        if (d != Math.rint(d) || d > Integer.MAX_VALUE) {
            throw new RowError(field, "expected a non-negative integer, got '" + s + "'");
        }
        return (int) d;
    }

    /** Parses a time of {@code nsPerUnit} ns per unit (a non-negative decimal), to ns. */
    static long time(String s, double nsPerUnit, String field) throws RowError {
        if (s == null || s.isEmpty()) {
            throw new RowError(field, "missing; expected a non-negative number");
        }
        double d;
        try {
            d = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new RowError(field, "expected a non-negative number, got '" + s + "'");
        }
        return timeOf(d, nsPerUnit, field, s);
    }

    static long timeOf(double d, double nsPerUnit, String field, Object raw) throws RowError {
        if (!Double.isFinite(d)) {
            throw new RowError(field, "expected a non-negative number, got '" + raw + "'");
        }
        if (d < 0) {
            throw new RowError(field, "expected a non-negative number, got negative " + raw);
        }
        return Math.round(d * nsPerUnit);
    }

    /**
     * Parses a wall-clock timestamp {@code YYYY-MM-DD HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]} (a
     * {@code T} may separate date and time; up to 9 fraction digits) to ns since the epoch, UTC.
     */
    static long datetime(String s, String field) throws RowError {
        int n = s == null ? 0 : s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != ' ' && s.charAt(10) != 'T')
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            throw new RowError(field, "expected a timestamp like 2023-11-16 18:15:46.6805900, got '" + s + "'");
        }
        int year = digits(s, 0, 4, field);
        int month = digits(s, 5, 7, field);
        int day = digits(s, 8, 10, field);
        int hour = digits(s, 11, 13, field);
        int minute = digits(s, 14, 16, field);
        int second = digits(s, 17, 19, field);
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
            throw new RowError(field, "not a valid date and time: '" + s + "'");
        }
        int i = 19;
        long frac = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            int start = i;
            while (i < n && Character.isDigit(s.charAt(i))) {
                if (i - start < 9) {
                    frac = frac * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            if (i == start) {
                throw new RowError(field, "expected digits after the decimal point in '" + s + "'");
            }
            for (int k = Math.min(i - start, 9); k < 9; k++) {
                frac *= 10;
            }
        }
        long offsetS = 0;
        if (i < n) {
            char c = s.charAt(i);
            if (c == 'Z' && i == n - 1) {
                offsetS = 0;
            } else if ((c == '+' || c == '-') && (n - i == 6 && s.charAt(i + 3) == ':' || n - i == 5 || n - i == 3)) {
                int oh = digits(s, i + 1, i + 3, field);
                int om = n - i == 3 ? 0 : digits(s, n - 2, n, field);
                offsetS = (c == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
            } else {
                throw new RowError(field, "unexpected '" + s.substring(i) + "' after the time in '" + s + "'");
            }
        }
        long days = daysFromCivil(year, month, day);
        long secs = days * 86400 + hour * 3600L + minute * 60L + second - offsetS;
        return secs * 1_000_000_000L + frac;
    }

    private static int digits(String s, int from, int to, String field) throws RowError {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new RowError(field, "expected a timestamp like 2023-11-16 18:15:46.6805900, got '" + s + "'");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
    static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }
}
