package io.simfaasinfer.workload.trace;

import io.simfaasinfer.config.TraceConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trace files read once and shared by the simulations of one caller (a capacity search, a sweep, a
 * comparison of variants), which would otherwise parse the same file for every run, and twice for
 * {@code target_qps}. Keyed by the file (its real path, size and modification time: an edited file
 * is read again) and by what decides its rows (format, columns, time unit, malformed-row mode, model
 * and log-type filters); the replay transforms (window, rate, sampling, repeats, clipping) are
 * applied by each run, as on a streamed read. A file that is not a regular file (a pipe), that a
 * read rejects, or that would take the cache past its row budget is not kept: runs stream it as
 * they do without a cache. Thread-safe: simulations running in parallel read a file once.
 */
public final class TraceCache {

    /** Rows kept at most over all files by default: about 40 bytes a row (plus 8 per hash id). */
    public static final long DEFAULT_MAX_ROWS = 2_000_000;

    private record Key(String file, Path real, long size, long modifiedNs, String format, Map<String, String> columns,
                       String timeUnit, boolean skipMalformed, String model, String logType, String skipHint) {
    }

    private final long maxRows;
    private final AtomicLong rowsKept = new AtomicLong();
    private final ConcurrentHashMap<Key, Optional<TraceTable>> tables = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();

    public TraceCache() {
        this(DEFAULT_MAX_ROWS);
    }

    /** @param maxRows rows kept at most over all files */
    public TraceCache(long maxRows) {
        this.maxRows = maxRows;
    }

    /**
     * The table of the trace {@code cfg} names, read now if it was not before; null when it is not
     * kept (not a regular file, rejected by its read, or over the budget): the caller streams it.
     *
     * @param skipHint how the user turns skipping on, as a streamed read would name it
     */
    public TraceTable table(TraceConfig cfg, String skipHint) {
        Key key = key(cfg, skipHint);
        if (key == null) {
            return null;
        }
        return tables.computeIfAbsent(key, k -> load(cfg, skipHint)).orElse(null);
    }

    /** Files read so far (each once, unless not kept). */
    public long reads() {
        return reads.get();
    }

    private Optional<TraceTable> load(TraceConfig cfg, String skipHint) {
        reads.incrementAndGet();
        long room = maxRows - rowsKept.get();
        if (room <= 0) {
            return Optional.empty();
        }
        TraceTable t;
        try (TraceReader r = TraceFormats.open(cfg, skipHint)) {
            t = TraceTable.read(r, room, 8 * room);
        } catch (TraceException e) {
            return Optional.empty(); // each run streams it and fails (or skips) as it would alone
        }
        if (t == null) {
            return Optional.empty();
        }
        rowsKept.addAndGet(t.rows());
        return Optional.of(t);
    }

    private static Key key(TraceConfig cfg, String skipHint) {
        Path p = Path.of(cfg.file());
        try {
            if (!Files.isRegularFile(p)) {
                return null;
            }
            return new Key(cfg.file(), p.toRealPath(), Files.size(p), Files.getLastModifiedTime(p).toMillis() * 1_000_000,
                    cfg.format(), Map.copyOf(cfg.columns()), cfg.timeUnit(), cfg.skipMalformed(), cfg.model(),
                    cfg.logType(), skipHint);
        } catch (IOException e) {
            return null;
        }
    }
}
