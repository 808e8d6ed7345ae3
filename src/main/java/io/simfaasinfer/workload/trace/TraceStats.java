package io.simfaasinfer.workload.trace;

import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.kvcache.LongIntHashMap;
import org.HdrHistogram.Histogram;

import java.util.Arrays;

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
     */
    public record Result(String file, String format, long rows, long malformedRows, long filteredRows,
                         double durationS, double meanQps, long peakQps1s, double peakQps1min, long peakRequestsPerMin,
                         double interarrivalCv, Lengths promptTokens, Lengths outputTokens, long hashBlocks,
                         long sharedHashBlocks, Double prefixSharingRatio, Long sessions, long sessionTurns,
                         double meanTurns, long sessionSharedTokens, long sessionsEvicted, int[] ratePerSecond,
                         Histogram promptHistogram, Histogram outputHistogram) {
    }

    private TraceStats() {
    }

    /** Reads {@code cfg}'s trace once (its transforms other than format filters are not applied). */
    public static Result of(TraceConfig cfg) {
        Histogram prompt = new Histogram(3);
        Histogram output = new Histogram(3);
        long promptSum = 0;
        long outputSum = 0;
        int[] perSecond = new int[1024];
        int lastBin = -1;
        long first = 0;
        long prev = 0;
        long n = 0;
        // Welford over inter-arrival gaps, s
        double gMean = 0;
        double gM2 = 0;
        long gaps = 0;
        LongIntHashMap seen = null;
        long hashBlocks = 0;
        long shared = 0;
        TraceRow row = new TraceRow();
        String format;
        long malformed;
        long filtered;
        TraceSessions conv = null;
        try (TraceReader in = TraceFormats.open(cfg, "run with --skip-malformed to count and skip malformed rows")) {
            format = in.format();
            if (in.sessionColumn() != null) {
                conv = new TraceSessions(cfg.maxOpenSessions());
            }
            while (in.next(row)) {
                if (n == 0) {
                    first = row.timeNs;
                } else {
                    double g = (row.timeNs - prev) / 1e9;
                    gaps++;
                    double d = g - gMean;
                    gMean += d / gaps;
                    gM2 += d * (g - gMean);
                }
                prev = row.timeNs;
                n++;
                long sec = (row.timeNs - first) / 1_000_000_000L;
                if (sec > Integer.MAX_VALUE - 16) {
                    throw new TraceException(cfg.file() + ":" + row.line + ": trace spans more than "
                            + Integer.MAX_VALUE + " s");
                }
                int bin = (int) sec;
                if (bin >= perSecond.length) {
                    perSecond = Arrays.copyOf(perSecond, Math.max(bin + 1, perSecond.length * 2));
                }
                perSecond[bin]++;
                lastBin = Math.max(lastBin, bin);
                prompt.recordValue(row.promptTokens);
                output.recordValue(row.outputTokens);
                promptSum += row.promptTokens;
                outputSum += row.outputTokens;
                int hc = row.hashCount();
                if (hc > 0) {
                    if (seen == null) {
                        seen = new LongIntHashMap(1 << 16);
                    }
                    long[] h = row.hashes();
                    boolean prefix = true;
                    for (int k = 0; k < hc; k++) {
                        boolean known = seen.putIfAbsent(h[k], 1) != LongIntHashMap.ABSENT;
                        prefix &= known;
                        if (prefix) {
                            shared++;
                        }
                    }
                    hashBlocks += hc;
                } else if (conv != null && row.session != null) {
                    conv.turn(row.session, row.promptTokens, row.outputTokens, 0);
                }
            }
            malformed = in.malformed();
            filtered = in.filtered();
        }
        if (n == 0) {
            throw new TraceException(cfg.file() + ": no valid rows" + (malformed > 0 ? " (" + malformed
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
        return new Result(cfg.file(), format, n, malformed, filtered, durationS, durationS > 0 ? n / durationS : 0,
                peak1s, peakMin / 60.0, peakMin, cv, lengths(prompt, promptSum, n), lengths(output, outputSum, n),
                hashBlocks, shared, seen != null ? Double.valueOf((double) shared / hashBlocks)
                        : conv != null && promptSum > 0 ? Double.valueOf((double) conv.sharedTokens() / promptSum) : null,
                conv == null ? null : conv.sessions(), conv == null ? 0 : conv.turns(),
                conv == null || conv.sessions() == 0 ? 0 : (double) conv.turns() / conv.sessions(),
                conv == null ? 0 : conv.sharedTokens(), conv == null ? 0 : conv.evicted(), rate, prompt, output);
    }

    private static Lengths lengths(Histogram h, long sum, long n) {
        return new Lengths((double) sum / n, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getMaxValue());
    }
}
