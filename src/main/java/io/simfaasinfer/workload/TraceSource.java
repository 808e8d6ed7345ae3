package io.simfaasinfer.workload;

import io.simfaasinfer.config.SimulationConfig;
import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.workload.trace.TraceException;
import io.simfaasinfer.workload.trace.TraceFormats;
import io.simfaasinfer.workload.trace.TraceInput;
import io.simfaasinfer.workload.trace.RowSource;
import io.simfaasinfer.workload.trace.TraceCache;
import io.simfaasinfer.workload.trace.TraceReader;
import io.simfaasinfer.workload.trace.TraceTable;
import io.simfaasinfer.workload.trace.TraceRow;
import org.apache.commons.rng.UniformRandomProvider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests replayed from a trace, read one row at a time, with the transforms of
 * {@code workload.trace}: time window, sampling, request limit, rate scaling (a factor, or a target
 * mean rate found by a first streaming pass), repeats, and clipping to the model's context window.
 * Arrival times are relative to the trace's first row (the window start); lengths of 0 are raised
 * to 1 (a request emits at least one token). Every adjustment is counted in {@link #adjustments()}.
 */
public final class TraceSource implements RequestSource, AutoCloseable {

    /** Key of {@link #adjustments()}: the line of the first malformed row skipped (present when one was). */
    public static final String FIRST_MALFORMED_LINE = "trace_first_malformed_line";

    private final TraceConfig cfg;
    private final String skipHint;
    private final int maxModelLen;
    private final int blockSize;
    private final boolean withHashes;
    private final long ttftSloNs;
    private final long durationNs;
    private final int warmupRequests;
    private final long warmupNs;
    private final long startNs;
    private final long endNs;
    private final long limit;
    private final double scale;
    private final UniformRandomProvider sampler;
    private final TraceRow row = new TraceRow();
    /** The trace's bytes: a regular file reopened each pass, or a pipe read once; null when replayed from a table. */
    private final TraceInput input;
    /** The trace's rows read before (a {@link TraceCache}'s), replayed each pass; null: the file is streamed. */
    private final TraceTable table;

    private RowSource reader;
    /** Conversations of a trace with a session column, when prefix hashes are wanted; else null. */
    private final TraceSessions sessions;
    private int loop;
    private boolean firstOfPass = true;
    private long firstNs;
    private long loopOffsetNs;
    private long lastRelNs;
    private long passCount;
    private long produced;
    private boolean done;

    private long malformed;
    private long filtered;
    private long outsideWindow;
    private long sampledOut;
    private long zeroLengths;
    private long promptClipped;
    private long outputClipped;
    private String firstMalformed;
    private long firstMalformedLine;

    /**
     * @param cfg         the trace and its transforms (file path already resolved)
     * @param sim         run control: duration limit and warm-up
     * @param maxModelLen the model's context window, for clipping
     * @param blockSize   KV-cache block size, for prefix-block hashes
     * @param withHashes  whether to derive {@link Request#blockHashes()} from the trace's hash ids
     * @param ttftSloMs   TTFT objective of every request, ms, or null
     * @param streams     the simulation's random streams (sampling uses {@code trace_sample})
     * @param skipHint    how the user skips malformed rows, for the error message
     */
    public TraceSource(TraceConfig cfg, SimulationConfig sim, int maxModelLen, int blockSize, boolean withHashes,
                       Double ttftSloMs, RandomStreams streams, String skipHint) {
        this(cfg, sim, maxModelLen, blockSize, withHashes, ttftSloMs, streams, skipHint, null);
    }

    /**
     * As above, replaying the rows from {@code cache} (shared by the caller's simulations; null:
     * stream the file): the same requests, counts and warnings as a streamed read.
     */
    public TraceSource(TraceConfig cfg, SimulationConfig sim, int maxModelLen, int blockSize, boolean withHashes,
                       Double ttftSloMs, RandomStreams streams, String skipHint, TraceCache cache) {
        this.cfg = cfg;
        this.skipHint = skipHint;
        this.maxModelLen = maxModelLen;
        this.blockSize = blockSize;
        this.withHashes = withHashes;
        this.ttftSloNs = ttftSloMs == null ? -1 : Math.round(ttftSloMs * 1e6);
        this.durationNs = sim.durationS() == null ? Long.MAX_VALUE : Math.round(sim.durationS() * 1e9);
        this.warmupRequests = sim.warmupRequests();
        this.warmupNs = Math.round(sim.warmupS() * 1e9);
        this.startNs = Math.round(cfg.startS() * 1e9);
        this.endNs = cfg.endS() == null ? Long.MAX_VALUE : Math.round(cfg.endS() * 1e9);
        this.limit = cfg.maxRequests() == null ? Long.MAX_VALUE : cfg.maxRequests();
        this.sampler = streams.stream("trace_sample");
        this.table = cache == null ? null : cache.table(cfg, skipHint);
        this.input = table != null ? null : TraceInput.of(java.nio.file.Path.of(cfg.file()));
        this.scale = cfg.targetQps() != null ? scaleForTarget(cfg.targetQps(), streams) : cfg.rateScale();
        this.reader = open();
        this.sessions = withHashes && reader.sessionColumn() != null ? new TraceSessions(cfg.maxOpenSessions()) : null;
    }

    /** The rate factor in use (given, or derived from target_qps). */
    public double rateScale() {
        return scale;
    }

    /**
     * The trace row of the request {@link #next()} returned last (reused, not copied): its raw
     * lengths, hash ids and session.
     */
    public TraceRow row() {
        return row;
    }

    /** The pass of the trace (0-based; {@code repeat} passes in all) the last request came from. */
    public int pass() {
        return loop;
    }

    /** The trace's session column, or null when it has none. */
    public String sessionColumn() {
        return reader.sessionColumn();
    }

    /** The trace's format (detected when auto). */
    public String format() {
        return reader.format();
    }

    /** First pass: the factor that gives the kept rows a mean rate of {@code target} requests/s. */
    private double scaleForTarget(double target, RandomStreams streams) {
        UniformRandomProvider rng = streams.stream("trace_sample"); // the same draws as the replay
        TraceRow r = new TraceRow();
        long n = 0;
        long first = 0;
        long firstKept = -1;
        long lastKept = -1;
        try (RowSource in = open()) {
            boolean firstRow = true;
            while (n < limit && in.next(r)) {
                if (firstRow) {
                    first = r.timeNs;
                    firstRow = false;
                }
                long rel = r.timeNs - first;
                if (rel < startNs) {
                    continue;
                }
                if (rel >= endNs) {
                    break;
                }
                if (cfg.sample() < 1 && rng.nextDouble() >= cfg.sample()) {
                    continue;
                }
                if (firstKept < 0) {
                    firstKept = rel;
                }
                lastKept = rel;
                n++;
            }
        }
        double spanS = (lastKept - firstKept) / 1e9;
        if (n < 2 || spanS <= 0) {
            throw new TraceException(cfg.file() + ": cannot scale to target_qps " + target + ": the replayed rows ("
                    + n + ") span no time");
        }
        return target / (n / spanS);
    }

    @Override
    public Request next() {
        while (!done) {
            if (produced >= limit) {
                return finish();
            }
            if (!reader.next(row)) {
                if (!nextPass()) {
                    return finish();
                }
                continue;
            }
            if (firstOfPass) {
                firstNs = row.timeNs;
                firstOfPass = false;
            }
            long rel = row.timeNs - firstNs;
            if (rel < startNs) {
                outsideWindow++;
                skippedTurn();
                continue;
            }
            if (rel >= endNs) {
                outsideWindow++;
                if (!nextPass()) {
                    return finish();
                }
                continue;
            }
            if (cfg.sample() < 1 && sampler.nextDouble() >= cfg.sample()) {
                sampledOut++;
                skippedTurn();
                continue;
            }
            long t = loopOffsetNs + Math.round((rel - startNs) / scale);
            if (t > durationNs) {
                return finish();
            }
            lastRelNs = t - loopOffsetNs;
            passCount++;
            return toRequest(t);
        }
        return null;
    }

    private Request toRequest(long t) {
        int prompt = row.promptTokens;
        int output = row.outputTokens;
        if (prompt == 0 || output == 0) {
            zeroLengths++;
            prompt = Math.max(1, prompt);
            output = Math.max(1, output);
        }
        if (cfg.clipToContext()) {
            if (prompt > maxModelLen - 1) {
                prompt = maxModelLen - 1;
                promptClipped++;
            }
            if (prompt + output > maxModelLen) {
                output = maxModelLen - prompt;
                outputClipped++;
            }
        }
        long[] hashes = null;
        if (withHashes && row.hashCount() > 0) {
            long salt = loop == 0 ? 0 : PrefixHashes.mix(loop); // repeats do not hit each other's cache
            hashes = PrefixHashes.fromTraceBlocks(row.hashes(), row.hashCount(), cfg.hashBlockTokens(), blockSize,
                    prompt, salt);
        } else if (sessions != null && row.session != null) {
            hashes = sessions.turn(row.session, prompt, output, blockSize);
        }
        long id = produced++;
        boolean measured = id >= warmupRequests && t >= warmupNs;
        long deadline = ttftSloNs < 0 ? Long.MAX_VALUE : t + ttftSloNs;
        return new Request(id, t, prompt, output, measured, 0, deadline, hashes);
    }

    /**
     * A row of a session that is not replayed (outside the window, sampled out) is still a turn of
     * its conversation: the next turn's prompt holds its history.
     */
    private void skippedTurn() {
        if (sessions != null && row.session != null && row.hashCount() == 0) {
            sessions.turn(row.session, Math.max(1, row.promptTokens), Math.max(1, row.outputTokens), 0);
        }
    }

    /** A pass over the trace: the table's replay, or the file read again. */
    private RowSource open() {
        return table != null ? table.replay() : TraceFormats.open(cfg, input, skipHint);
    }

    /** Ends this pass; starts the next one if repeats remain. */
    private boolean nextPass() {
        collect();
        reader.close();
        if (loop + 1 >= cfg.repeat() || passCount == 0) {
            done = true;
            return false;
        }
        // The next pass starts one mean gap after this pass's last request.
        long gap = passCount > 1 ? lastRelNs / (passCount - 1) : 1_000_000_000L;
        loopOffsetNs += lastRelNs + Math.max(1, gap);
        loop++;
        passCount = 0;
        firstOfPass = true;
        reader = open();
        if (sessions != null) {
            sessions.newPass(loop);
        }
        return true;
    }

    private void collect() {
        // A repeated pass reads the same rows again: report the file's counts once.
        malformed = Math.max(malformed, reader.malformed());
        filtered = Math.max(filtered, reader.filtered());
        if (firstMalformed == null) {
            firstMalformed = reader.firstMalformed();
            firstMalformedLine = reader.firstMalformedLine();
        }
    }

    private Request finish() {
        if (!done) {
            collect();
            reader.close();
            done = true;
        }
        return null;
    }

    /** The first malformed row skipped, as an error message, or null. */
    public String firstMalformed() {
        return firstMalformed;
    }

    @Override
    public Map<String, Long> adjustments() {
        if (!done) {
            collect();
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("trace_requests", produced);
        m.put("trace_malformed_rows_skipped", malformed);
        if (malformed > 0) {
            m.put(FIRST_MALFORMED_LINE, firstMalformedLine);
        }
        m.put("trace_rows_filtered", filtered);
        m.put("trace_rows_outside_window", outsideWindow);
        m.put("trace_rows_sampled_out", sampledOut);
        m.put("trace_zero_lengths_raised_to_1", zeroLengths);
        m.put("requests_prompt_clipped", promptClipped);
        m.put("requests_output_clipped", outputClipped);
        if (sessions != null) {
            m.put("trace_sessions", sessions.sessions());
            m.put("trace_session_turns", sessions.turns());
            m.put("trace_session_shared_prompt_tokens", sessions.sharedTokens());
            m.put("trace_sessions_evicted", sessions.evicted());
        }
        return m;
    }

    /**
     * The warning of a run whose replay skipped malformed rows, from its adjustments (see
     * {@link TraceReader#skipWarning}); null when none was skipped or the run replayed no trace.
     */
    public static String skipWarning(TraceConfig trace, Map<String, Long> adjustments) {
        Long n = trace == null || adjustments == null ? null : adjustments.get("trace_malformed_rows_skipped");
        Long line = n == null ? null : adjustments.get(FIRST_MALFORMED_LINE);
        return n == null || line == null ? null : TraceReader.skipWarning(trace.file(), n, line);
    }

    @Override
    public void close() {
        reader.close();
    }
}
