package io.simfaasinfer.config;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.Map;

/**
 * Replay of a request trace ({@code workload.trace}). The file is read as a stream, row by row,
 * and transformed in this order: format filters (model, log type), time window, sampling,
 * request limit, rate scaling, repeat, length clipping.
 *
 * @param file            the trace (relative to the config file); {@code .gz} is decompressed
 * @param format          auto (detected from the file), azure, mooncake, burstgpt, vidur (alias
 *                        splitwise), csv, jsonl or json
 * @param columns         csv/json/jsonl: which column holds {@code arrival}, {@code prompt_tokens},
 *                        {@code output_tokens} and, optionally, {@code hash_ids}
 * @param timeUnit        unit of the arrival column: s, ms, us, ns or datetime; null for the format's
 *                        own (azure: datetime, mooncake: ms, burstgpt and vidur: s, generic: s)
 * @param hashBlockTokens tokens per hash id of the trace's prefix-block hashes (Mooncake: 512)
 * @param startS          window start, s after the first row
 * @param endS            window end, s after the first row (exclusive); null for the end of the trace
 * @param rateScale       arrival-rate factor: 2 replays the trace twice as fast (half the duration)
 * @param targetQps       instead of rateScale: scale so the mean rate is this many requests per second
 * @param maxRequests     stop after this many requests; null for all
 * @param sample          keep each row with this probability (seeded), in (0, 1]
 * @param clipToContext   clip prompt and output lengths to the model's context window (counted);
 *                        false: over-long requests are rejected (counted as exceeds_max_model_len)
 * @param repeat          replay the (transformed) trace this many times back to back
 * @param onMalformed     error: stop at the first malformed row with its file and line; skip: skip
 *                        and count malformed rows (reported in the results)
 * @param model           burstgpt: keep only rows of this model (e.g. ChatGPT, GPT-4); null for all
 * @param logType         burstgpt: keep only rows of this log type (e.g. Conversation log); null for all
 * @param maxOpenSessions traces with a session column: the most conversations kept open at once for
 *                        prefix hashes (least recently used evicted first, counted); default 100000
 */
public record TraceConfig(String file, String format, Map<String, String> columns, String timeUnit,
                          Integer hashBlockTokens, Double startS, Double endS, Double rateScale, Double targetQps,
                          Long maxRequests, Double sample, Boolean clipToContext, Integer repeat,
                          String onMalformed, String model, String logType, Integer maxOpenSessions) {

    /** Default of {@link #maxOpenSessions}. */
    public static final int DEFAULT_MAX_OPEN_SESSIONS = 100_000;

    @JsonCreator
    public TraceConfig {
        format = format == null ? "auto" : format;
        columns = columns == null ? Map.of() : Map.copyOf(columns);
        hashBlockTokens = hashBlockTokens == null ? 512 : hashBlockTokens;
        startS = startS == null ? 0.0 : startS;
        rateScale = rateScale == null && targetQps == null ? Double.valueOf(1.0) : rateScale;
        sample = sample == null ? 1.0 : sample;
        clipToContext = clipToContext != null && clipToContext;
        repeat = repeat == null ? 1 : repeat;
        onMalformed = onMalformed == null ? "error" : onMalformed;
        maxOpenSessions = maxOpenSessions == null ? DEFAULT_MAX_OPEN_SESSIONS : maxOpenSessions;
    }

    /** A trace config with {@link #maxOpenSessions} at its default. */
    public TraceConfig(String file, String format, Map<String, String> columns, String timeUnit,
                       Integer hashBlockTokens, Double startS, Double endS, Double rateScale, Double targetQps,
                       Long maxRequests, Double sample, Boolean clipToContext, Integer repeat,
                       String onMalformed, String model, String logType) {
        this(file, format, columns, timeUnit, hashBlockTokens, startS, endS, rateScale, targetQps, maxRequests, sample,
                clipToContext, repeat, onMalformed, model, logType, null);
    }

    /** A trace of {@code file} in {@code format} with every transform at its default. */
    public static TraceConfig of(String file, String format) {
        return new TraceConfig(file, format, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    /** This trace with {@code newFile} (paths resolved against a config file's folder). */
    public TraceConfig withFile(String newFile) {
        return new TraceConfig(newFile, format, columns, timeUnit, hashBlockTokens, startS, endS, rateScale, targetQps,
                maxRequests, sample, clipToContext, repeat, onMalformed, model, logType, maxOpenSessions);
    }

    /** Whether malformed rows are skipped (and counted) rather than fatal. */
    public boolean skipMalformed() {
        return "skip".equals(onMalformed);
    }
}
