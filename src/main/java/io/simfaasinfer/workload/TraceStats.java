package io.simfaasinfer.workload;

import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.kvcache.LongIntHashMap;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.workload.trace.TraceException;
import io.simfaasinfer.workload.trace.TraceFormats;
import io.simfaasinfer.workload.trace.TraceReader;
import io.simfaasinfer.workload.trace.TraceRow;
import org.HdrHistogram.Histogram;

import java.util.Arrays;
import java.util.Map;

/**
 * What a user needs to know about a trace before replaying it, computed in one streaming pass
 * (memory: one counter per second of trace time, two length histograms and, for traces with
 * prefix-block hashes, one entry per distinct hash id; for traces with a session column, at most
 * {@code max_open_sessions} open conversations).
 *
 * <p>Times are relative to the first valid row. Length percentiles come from HdrHistograms with 3
 * significant digits (within 0.1%); means, counts and rates are exact.
 */
public final class TraceStats {

    /** Length percentiles and mean of one column. */
    public record Lengths(double mean, long p50, long p90, long p99, long max) {
    }

    /**
     * The figures of one trace.
     *
     * @param file                 the file
     * @param format               its format (detected when auto)
     * @param rows                 valid rows (after the format's filters)
     * @param malformedRows        malformed rows skipped (skip mode; 0 in error mode, which stops)
     * @param filteredRows         rows a format filter (BurstGPT model or log type) rejected
     * @param durationS            last arrival minus first, s
     * @param meanQps              rows / duration (0 for a single instant)
     * @param peakQps1s            most arrivals in one 1-second bin from the first arrival
     * @param peakQps1min          most arrivals in one 1-minute bin, divided by 60
     * @param peakRequestsPerMin   most arrivals in one 1-minute bin
     * @param interarrivalCv       coefficient of variation of the gaps between consecutive arrivals
     * @param promptTokens         prompt lengths
     * @param outputTokens         output lengths
     * @param hashBlocks           prefix-block hash ids in all rows (0 without hashes)
     * @param sharedHashBlocks     of those, leading blocks whose whole prefix appeared in an earlier row
     * @param prefixSharingRatio   sharedHashBlocks / hashBlocks (what an unbounded prefix cache could
     *                             reuse); for a trace with sessions and no hash ids, sessionSharedTokens /
     *                             all prompt tokens; null when the trace has neither
     * @param sessions             conversations (distinct session ids; one evicted and seen again counts
     *                             twice), or null when the trace has no session column
     * @param sessionTurns         rows with a session id
     * @param meanTurns            sessionTurns / sessions (0 without sessions)
     * @param sessionSharedTokens  prompt tokens each turn shares with its session's previous turn
     * @param sessionsEvicted      sessions dropped to keep at most max_open_sessions open
     * @param ratePerSecond        arrivals per 1-second bin (for the plot)
     * @param promptHistogram      prompt lengths (for the plot; not copied, do not modify)
     * @param outputHistogram      output lengths (for the plot; not copied, do not modify)
     * @param firstMalformedLine   line of the first malformed row skipped; 0 when none was
     */
    public record Result(String file, String format, long rows, long malformedRows, long filteredRows,
                         double durationS, double meanQps, long peakQps1s, double peakQps1min, long peakRequestsPerMin,
                         double interarrivalCv, Lengths promptTokens, Lengths outputTokens, long hashBlocks,
                         long sharedHashBlocks, Double prefixSharingRatio, Long sessions, long sessionTurns,
                         double meanTurns, long sessionSharedTokens, long sessionsEvicted, int[] ratePerSecond,
                         Histogram promptHistogram, Histogram outputHistogram, long firstMalformedLine) {

        /** The warning of the malformed rows skipped, or null when none was. */
        public String skipWarning() {
            return TraceReader.skipWarning(file, malformedRows, firstMalformedLine);
        }
    }

    private TraceStats() {
    }

    /** Reads {@code cfg}'s trace once (its transforms other than format filters are not applied). */
    public static Result of(TraceConfig cfg) {
        TraceRow row = new TraceRow();
        String format;
        long malformed;
        long filtered;
        long firstLine;
        Accumulator acc;
        try (TraceReader in = TraceFormats.open(cfg, "run with --skip-malformed to count and skip malformed rows")) {
            format = in.format();
            acc = new Accumulator(cfg.file(), in.sessionColumn() != null ? new TraceSessions(cfg.maxOpenSessions()) : null);
            while (in.next(row)) {
                acc.add(row.timeNs, row.promptTokens, row.outputTokens, row, 0, row.line);
            }
            malformed = in.malformed();
            filtered = in.filtered();
            firstLine = in.firstMalformedLine();
        }
        return acc.result(format, malformed, filtered, firstLine);
    }

    /**
     * The figures of the stream {@code src} replays, consumed to its end: arrival times and lengths
     * as the replay produces them (window, sampling, request limit, rate scaling, repeats, duration
     * limit, lengths raised to 1 and clipped), prefix-block ids and session turns of the replayed rows
     * (a repeated pass salts its ids and starts its sessions afresh, as the replay does).
     *
     * @param src a trace replay not read yet; it is read to its end, so its
     *            {@link TraceSource#adjustments()} then count what its transforms did
     */
    public static Result of(TraceSource src, TraceConfig cfg) {
        Accumulator acc = new Accumulator(cfg.file(),
                src.sessionColumn() != null ? new TraceSessions(cfg.maxOpenSessions()) : null);
        int pass = 0;
        for (Request r = src.next(); r != null; r = src.next()) {
            TraceRow row = src.row();
            if (src.pass() != pass) {
                pass = src.pass();
                if (acc.conv != null) {
                    acc.conv.newPass(pass);
                }
            }
            acc.add(r.arrivalNs(), r.promptTokens(), r.outputTokens(), row,
                    pass == 0 ? 0 : PrefixHashes.mix(pass), row.line);
        }
        Map<String, Long> adj = src.adjustments();
        return acc.result(src.format(), adj.get("trace_malformed_rows_skipped"), adj.get("trace_rows_filtered"),
                adj.getOrDefault(TraceSource.FIRST_MALFORMED_LINE, 0L));
    }

    /** One streaming pass's running figures. */
    private static final class Accumulator {
        private final String file;
        private final TraceSessions conv;
        private final Histogram prompt = new Histogram(3);
        private final Histogram output = new Histogram(3);
        private long promptSum;
        private long outputSum;
        private int[] perSecond = new int[1024];
        private int lastBin = -1;
        private long first;
        private long prev;
        private long n;
        // Welford over inter-arrival gaps, s
        private double gMean;
        private double gM2;
        private long gaps;
        private LongIntHashMap seen;
        private long hashBlocks;
        private long shared;

        Accumulator(String file, TraceSessions conv) {
            this.file = file;
            this.conv = conv;
        }

        /** One row: its time, lengths, and hash ids and session from {@code row} (ids xor {@code salt}). */
        void add(long timeNs, int promptTokens, int outputTokens, TraceRow row, long salt, long line) {
            if (n == 0) {
                first = timeNs;
            } else {
                double g = (timeNs - prev) / 1e9;
                gaps++;
                double d = g - gMean;
                gMean += d / gaps;
                gM2 += d * (g - gMean);
            }
            prev = timeNs;
            n++;
            long sec = (timeNs - first) / 1_000_000_000L;
            if (sec > Integer.MAX_VALUE - 16) {
                throw new TraceException(file + ":" + line + ": trace spans more than " + Integer.MAX_VALUE + " s");
            }
            int bin = (int) sec;
            if (bin >= perSecond.length) {
                perSecond = Arrays.copyOf(perSecond, Math.max(bin + 1, perSecond.length * 2));
            }
            perSecond[bin]++;
            lastBin = Math.max(lastBin, bin);
            prompt.recordValue(promptTokens);
            output.recordValue(outputTokens);
            promptSum += promptTokens;
            outputSum += outputTokens;
            int hc = row.hashCount();
            if (hc > 0) {
                if (seen == null) {
                    seen = new LongIntHashMap(1 << 16);
                }
                long[] h = row.hashes();
                boolean prefix = true;
                for (int k = 0; k < hc; k++) {
                    boolean known = seen.putIfAbsent(h[k] ^ salt, 1) != LongIntHashMap.ABSENT;
                    prefix &= known;
                    if (prefix) {
                        shared++;
                    }
                }
                hashBlocks += hc;
            } else if (conv != null && row.session != null) {
                conv.turn(row.session, promptTokens, outputTokens, 0);
            }
        }

        Result result(String format, long malformed, long filtered, long firstMalformedLine) {
            if (n == 0) {
                throw new TraceException(file + ": no valid rows" + (malformed > 0 ? " (" + malformed
                        + " malformed rows skipped)" : "") + (filtered > 0 ? " (" + filtered + " rows filtered out)" : ""));
            }
            int[] rate = Arrays.copyOf(perSecond, lastBin + 1);
            long peak1s = 0;
            for (int c : rate) {
                peak1s = Math.max(peak1s, c);
            }
            long peakMin = 0;
            for (int m = 0; m * 60 < rate.length; m++) {
                long c = 0;
                for (int s = m * 60; s < Math.min(rate.length, (m + 1) * 60); s++) {
                    c += rate[s];
                }
                peakMin = Math.max(peakMin, c);
            }
            double durationS = (prev - first) / 1e9;
            double cv = gaps < 2 || gMean == 0 ? 0 : Math.sqrt(gM2 / (gaps - 1)) / gMean;
            return new Result(file, format, n, malformed, filtered, durationS, durationS > 0 ? n / durationS : 0,
                    peak1s, peakMin / 60.0, peakMin, cv, lengths(prompt, promptSum, n), lengths(output, outputSum, n),
                    hashBlocks, shared, seen != null ? Double.valueOf((double) shared / hashBlocks)
                            : conv != null && promptSum > 0 ? Double.valueOf((double) conv.sharedTokens() / promptSum)
                            : null,
                    conv == null ? null : conv.sessions(), conv == null ? 0 : conv.turns(),
                    conv == null || conv.sessions() == 0 ? 0 : (double) conv.turns() / conv.sessions(),
                    conv == null ? 0 : conv.sharedTokens(), conv == null ? 0 : conv.evicted(), rate, prompt, output,
                    firstMalformedLine);
        }
    }

    private static Lengths lengths(Histogram h, long sum, long n) {
        return new Lengths((double) sum / n, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getMaxValue());
    }
}
