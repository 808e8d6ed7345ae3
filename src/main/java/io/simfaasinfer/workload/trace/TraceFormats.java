package io.simfaasinfer.workload.trace;

import io.simfaasinfer.config.TraceConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The trace formats, their detection from a file's first line, and opening a reader for a
 * {@link TraceConfig}.
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>name</th><th>file</th><th>arrival</th><th>prompt</th><th>output</th><th>hashes</th></tr>
 *   <tr><td>azure</td><td>CSV</td><td>TIMESTAMP (wall clock)</td><td>ContextTokens</td><td>GeneratedTokens</td><td></td></tr>
 *   <tr><td>mooncake</td><td>JSONL</td><td>timestamp (ms)</td><td>input_length</td><td>output_length</td><td>hash_ids</td></tr>
 *   <tr><td>burstgpt</td><td>CSV</td><td>Timestamp (s)</td><td>Request tokens</td><td>Response tokens</td><td>from Session ID (v2.0), if present</td></tr>
 *   <tr><td>vidur (splitwise)</td><td>CSV</td><td>arrived_at (s)</td><td>num_prefill_tokens</td><td>num_decode_tokens</td><td></td></tr>
 *   <tr><td>csv, jsonl, json</td><td>any</td><td colspan="4">from {@code columns} (hash_ids or session optional) and {@code time_unit}</td></tr>
 * </table>
 */
public final class TraceFormats {

    /** Every accepted {@code workload.trace.format}. */
    public static final List<String> NAMES =
            List.of("auto", "azure", "mooncake", "burstgpt", "vidur", "splitwise", "csv", "jsonl", "json");

    /** Keys of {@code workload.trace.columns}. */
    public static final Set<String> COLUMN_KEYS = Set.of("arrival", "prompt_tokens", "output_tokens", "hash_ids",
            "session");

    /**
     * Session-id columns a BurstGPT trace may have, tried in this order: release v2.0 has
     * {@code Session ID}; the README announcing it wrote {@code SessionID}. Absent: no sessions.
     */
    public static final List<String> BURSTGPT_SESSION_COLUMNS = List.of("Session ID", "SessionID", "Session Id",
            "session_id");

    /** Units of {@code workload.trace.time_unit}, in ns per unit (0: wall-clock timestamps). */
    public static final Map<String, Double> TIME_UNITS = Map.of("s", 1e9, "ms", 1e6, "us", 1e3, "ns", 1.0,
            "datetime", 0.0);

    private static final Pattern JSON_KEY = Pattern.compile("\"([^\"]+)\"\\s*:");

    private TraceFormats() {
    }

    /** Built-in column names of a named format (keys as in {@link #COLUMN_KEYS}) and its time unit. */
    private record Defaults(Map<String, String> columns, String timeUnit) {
    }

    private static Defaults defaults(String format) {
        return switch (format) {
            case "azure" -> new Defaults(Map.of("arrival", "TIMESTAMP", "prompt_tokens", "ContextTokens",
                    "output_tokens", "GeneratedTokens"), "datetime");
            case "mooncake" -> new Defaults(Map.of("arrival", "timestamp", "prompt_tokens", "input_length",
                    "output_tokens", "output_length", "hash_ids", "hash_ids"), "ms");
            case "burstgpt" -> new Defaults(Map.of("arrival", "Timestamp", "prompt_tokens", "Request tokens",
                    "output_tokens", "Response tokens"), "s");
            case "vidur" -> new Defaults(Map.of("arrival", "arrived_at", "prompt_tokens", "num_prefill_tokens",
                    "output_tokens", "num_decode_tokens"), "s");
            default -> null; // generic
        };
    }

    /**
     * Detects a trace's format from its first non-blank line (a byte-order mark already dropped): a
     * JSON object with {@code input_length} is Mooncake, any other object line JSONL, {@code [} a JSON
     * array; a CSV header names Azure, BurstGPT or Vidur columns, else generic CSV.
     */
    static String detect(String firstLine) {
        String s = firstLine.strip();
        if (!s.isEmpty() && s.charAt(0) == '\uFEFF') {
            s = s.substring(1);
        }
        if (s.startsWith("[")) {
            return "json";
        }
        if (s.startsWith("{")) {
            Set<String> keys = new TreeSet<>();
            Matcher m = JSON_KEY.matcher(s);
            while (m.find()) {
                keys.add(m.group(1));
            }
            return keys.containsAll(List.of("timestamp", "input_length", "output_length")) ? "mooncake" : "jsonl";
        }
        Set<String> header = new TreeSet<>();
        Arrays.stream(s.split(",")).map(h -> h.strip().replace("\"", "")).forEach(header::add);
        if (header.containsAll(List.of("TIMESTAMP", "ContextTokens", "GeneratedTokens"))) {
            return "azure";
        }
        if (header.containsAll(List.of("Timestamp", "Request tokens", "Response tokens"))) {
            return "burstgpt";
        }
        if (header.containsAll(List.of("arrived_at", "num_prefill_tokens", "num_decode_tokens"))) {
            return "vidur";
        }
        return "csv";
    }

    /** The format of the trace {@code file} (read once, through a buffer: a pipe works too). */
    public static String detect(Path file) {
        TraceInput.Text text = TraceInput.of(file).open();
        try (BufferedReader in = text.reader()) {
            return detect(text.firstLine());
        } catch (IOException e) {
            throw new TraceException(file + ": cannot read trace (" + TraceReader.why(e) + ")");
        }
    }

    /** The format {@code cfg} names, or the one detected from {@code firstLine} for {@code auto}; {@code splitwise} reads as vidur. */
    static String resolve(TraceConfig cfg, String firstLine) {
        String f = cfg.format();
        if (f.equals("splitwise")) {
            return "vidur";
        }
        return f.equals("auto") ? detect(firstLine) : f;
    }

    /**
     * Opens a reader of the trace {@code cfg} describes.
     *
     * @param skipHint how the user turns on skipping of malformed rows, for the error message
     */
    public static TraceReader open(TraceConfig cfg, String skipHint) {
        return open(cfg, TraceInput.of(Path.of(cfg.file())), skipHint);
    }

    /** Opens a reader of {@code input}, the trace {@code cfg} describes (read once for detection and rows). */
    public static TraceReader open(TraceConfig cfg, TraceInput input, String skipHint) {
        Path file = input.file();
        TraceInput.Text text = input.open();
        try {
            return open(cfg, file, text, skipHint);
        } catch (RuntimeException e) {
            try {
                text.reader().close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    private static TraceReader open(TraceConfig cfg, Path file, TraceInput.Text text, String skipHint) {
        String format = resolve(cfg, text.firstLine());
        Defaults d = defaults(format);
        Map<String, String> cols = new HashMap<>(d == null ? Map.of() : d.columns());
        cols.putAll(cfg.columns());
        String unit = cfg.timeUnit() != null ? cfg.timeUnit() : d != null ? d.timeUnit() : "s";
        for (String k : List.of("arrival", "prompt_tokens", "output_tokens")) {
            if (!cols.containsKey(k)) {
                throw new TraceException(file + ": " + format + " trace needs workload.trace.columns." + k
                        + " (the column with the " + k.replace('_', ' ') + (k.equals("arrival") ? " time" : "")
                        + "); " + describeFirstLine(text.firstLine()));
            }
        }
        Double nsPerUnit = TIME_UNITS.get(unit);
        if (nsPerUnit == null) {
            throw new TraceException(file + ": unknown time unit '" + unit + "'; expected one of s, ms, us, ns, datetime");
        }
        boolean skip = cfg.skipMalformed();
        return switch (format) {
            case "azure", "burstgpt", "vidur", "csv" -> {
                Map<String, String> filters = new LinkedHashMap<>();
                if (format.equals("burstgpt")) {
                    if (cfg.model() != null) {
                        filters.put("Model", cfg.model());
                    }
                    if (cfg.logType() != null) {
                        filters.put("Log Type", cfg.logType());
                    }
                }
                String session = cols.get("session");
                List<String> sessions = session != null ? List.of(session)
                        : format.equals("burstgpt") ? BURSTGPT_SESSION_COLUMNS : List.of();
                yield new CsvTraceReader(file, text.reader(), new CsvTraceReader.Schema(format, cols.get("arrival"), nsPerUnit,
                        cols.get("prompt_tokens"), cols.get("output_tokens"), filters, sessions, session != null),
                        skip, skipHint);
            }
            case "mooncake", "jsonl", "json" -> new JsonTraceReader(file, text.reader(), new JsonTraceReader.Schema(format,
                    cols.get("arrival"), nsPerUnit, cols.get("prompt_tokens"), cols.get("output_tokens"),
                    cols.get("hash_ids"), cols.get("session")), format.equals("json"), skip, skipHint);
            default -> throw new TraceException(file + ": unknown trace format '" + format + "'; expected one of "
                    + String.join(", ", NAMES));
        };
    }

    private static String describeFirstLine(String first) {
        return "its first line is: " + (first.length() > 120 ? first.substring(0, 120) + "..." : first);
    }
}
