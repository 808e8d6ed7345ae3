package io.simfaasinfer.cli;

import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.report.JsonReport;
import io.simfaasinfer.report.OutputSet;
import io.simfaasinfer.report.TracePlots;
import io.simfaasinfer.workload.trace.TraceFormats;
import io.simfaasinfer.workload.trace.TraceReader;
import io.simfaasinfer.workload.TraceStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code simfaasinfer trace}: inspect request traces. */
@Command(name = "trace", mixinStandardHelpOptions = true, description = "Inspect request traces.",
        subcommands = {TraceCommand.Stats.class})
public final class TraceCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code simfaasinfer trace stats FILE}: rows, duration, rates, burstiness, lengths, prefix sharing. */
    @Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Summarise a trace in one streaming pass: rows, duration, mean and peak QPS, burstiness "
                    + "(CV of inter-arrival times), prompt/output length percentiles, prefix-sharing ratio (traces with "
                    + "hash_ids) and malformed rows."})
    public static final class Stats implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", arity = "0..1",
                description = "The trace (.gz is decompressed); optional with a --config that names workload.trace.file.")
        Path file;

        @Option(names = "--format", paramLabel = "FORMAT",
                description = "auto (default), azure, mooncake, burstgpt, vidur, splitwise, csv, jsonl, json.")
        String format;

        @Option(names = "--column", paramLabel = "KEY=NAME",
                description = "Generic formats: column of arrival, prompt_tokens, output_tokens, hash_ids or session (repeatable).")
        Map<String, String> columns = new LinkedHashMap<>();

        @Option(names = "--time-unit", paramLabel = "UNIT", description = "Unit of the arrival column: s, ms, us, ns, datetime.")
        String timeUnit;

        @Option(names = "--model", description = "BurstGPT: keep only rows of this model (e.g. ChatGPT).")
        String model;

        @Option(names = "--log-type", description = "BurstGPT: keep only rows of this log type (e.g. 'Conversation log').")
        String logType;

        @Option(names = "--max-open-sessions", paramLabel = "N",
                description = "Traces with sessions: the most conversations kept open (LRU; evictions reported).")
        Integer maxOpenSessions;

        @Option(names = "--skip-malformed", description = "Skip and count malformed rows instead of stopping at the first.")
        boolean skipMalformed;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "Describe the stream a run of this configuration replays: its workload.trace transforms, "
                        + "simulation.duration_s and random_seed, and the model's context window for clip_to_context.")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Override a config key, e.g. --set workload.trace.repeat=2 (repeatable; after the flags).")
        List<String> sets = new ArrayList<>();

        @Option(names = "--start-s", paramLabel = "S", description = "Window start, s after the first row (workload.trace.start_s).")
        Double startS;

        @Option(names = "--end-s", paramLabel = "S", description = "Window end, s after the first row, exclusive (workload.trace.end_s).")
        Double endS;

        @Option(names = "--rate-scale", paramLabel = "FACTOR", description = "Replay this many times faster (workload.trace.rate_scale).")
        Double rateScale;

        @Option(names = "--target-qps", paramLabel = "QPS", description = "Scale to this mean rate instead (workload.trace.target_qps).")
        Double targetQps;

        @Option(names = "--max-requests", paramLabel = "N", description = "Stop after N requests (workload.trace.max_requests).")
        Long maxRequests;

        @Option(names = "--sample", paramLabel = "FRACTION", description = "Keep each row with this probability (workload.trace.sample).")
        Double sample;

        @Option(names = "--seed", description = "Random seed of the sampling (simulation.random_seed).")
        Long seed;

        @Option(names = "--json", description = "Print one JSON object instead of the text summary.")
        boolean json;

        @Option(names = "--plot", paramLabel = "PNG", description = "Write the arrival rate over time and the length distributions here.")
        Path plot;

        @Spec
        CommandSpec spec;

        /** Whether any option of the replay (config, --set, a transform flag) is given. */
        boolean replay() {
            return config != null || !sets.isEmpty() || startS != null || endS != null || rateScale != null
                    || targetQps != null || maxRequests != null || sample != null || seed != null;
        }

        @Override
        public Integer call() {
            if (format != null && !TraceFormats.NAMES.contains(format)) {
                throw new BadInputException("--format: unknown trace format '" + format + "'; expected one of "
                        + String.join(", ", TraceFormats.NAMES));
            }
            for (String k : columns.keySet()) {
                if (!TraceFormats.COLUMN_KEYS.contains(k)) {
                    throw new BadInputException("--column " + k + ": expected one of " + TraceFormats.COLUMN_KEYS);
                }
            }
            if (file == null && config == null) {
                throw new BadInputException("FILE: expected the trace file (or a --config that names workload.trace.file)");
            }
            if (file != null && !Files.exists(file)) {
                throw new BadInputException(TraceReader.notFound(file)); // a pipe (FIFO, <(...)) is read too
            }
            if (maxOpenSessions != null && maxOpenSessions < 1) {
                throw new BadInputException("--max-open-sessions: expected a positive integer, got " + maxOpenSessions);
            }
            TraceStats.Result r;
            TraceReplay.Stats replayed = null;
            try (OutputSet outputs = new RunInputs().file("trace (FILE)", file).file("config (--config)", config)
                    .outputs()) {
                Path plotFile = outputs.add("--plot", plot);
                if (replay()) {
                    replayed = TraceReplay.stats(this);
                    r = replayed.result();
                } else {
                    TraceConfig cfg = new TraceConfig(file.toString(), format == null ? "auto" : format, columns, timeUnit,
                            null, null, null, null, null, null, null, null, null, skipMalformed ? "skip" : "error", model,
                            logType, maxOpenSessions);
                    r = TraceStats.of(cfg);
                }
                if (plotFile != null) {
                    try {
                        TracePlots.write(r, plotFile);
                    } catch (java.io.UncheckedIOException e) {
                        throw outputs.explain(e);
                    }
                }
                outputs.commitAll();
            }
            if (r.skipWarning() != null) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("warning: " + r.skipWarning());
                err.flush();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> m = toMap(r);
                if (replayed != null) {
                    m.putAll(replayed.toMap());
                }
                out.print(JsonReport.toJson(m) + "\n");
            } else {
                out.print(text(r) + (replayed != null ? replayed.text() : ""));
            }
            if (plot != null && !json) {
                out.println("plot: " + plot);
            }
            out.flush();
            return 0;
        }
    }

    /** The JSON object of {@code trace stats --json} (snake_case keys). */
    static Map<String, Object> toMap(TraceStats.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.file());
        m.put("format", r.format());
        m.put("rows", r.rows());
        m.put("malformed_rows", r.malformedRows());
        m.put("filtered_rows", r.filteredRows());
        m.put("duration_s", r.durationS());
        m.put("mean_qps", r.meanQps());
        m.put("peak_qps_1s", r.peakQps1s());
        m.put("peak_qps_1min", r.peakQps1min());
        m.put("peak_requests_per_min", r.peakRequestsPerMin());
        m.put("interarrival_cv", r.interarrivalCv());
        m.put("prompt_tokens", lengths(r.promptTokens()));
        m.put("output_tokens", lengths(r.outputTokens()));
        if (r.hashBlocks() > 0) {
            m.put("hash_blocks", r.hashBlocks());
            m.put("shared_hash_blocks", r.sharedHashBlocks());
        }
        if (r.sessions() != null) {
            m.put("sessions", r.sessions());
            m.put("session_turns", r.sessionTurns());
            m.put("mean_turns", r.meanTurns());
            m.put("session_shared_prompt_tokens", r.sessionSharedTokens());
            m.put("sessions_evicted", r.sessionsEvicted());
        }
        if (r.prefixSharingRatio() != null) {
            m.put("prefix_sharing_ratio", r.prefixSharingRatio());
        }
        return m;
    }

    private static Map<String, Object> lengths(TraceStats.Lengths l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", l.mean());
        m.put("p50", l.p50());
        m.put("p90", l.p90());
        m.put("p99", l.p99());
        m.put("max", l.max());
        return m;
    }

    static String text(TraceStats.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "trace: %s (%s)%n", r.file(), r.format()));
        b.append(String.format(Locale.ROOT, "rows: %d (%d malformed skipped, %d filtered out)%n", r.rows(),
                r.malformedRows(), r.filteredRows()));
        b.append(String.format(Locale.ROOT, "duration: %.1f s%n", r.durationS()));
        b.append(String.format(Locale.ROOT, "rate: mean %.3f req/s, peak %d req/s (1 s bins), peak %.3f req/s "
                + "(%d req in a 1 min bin)%n", r.meanQps(), r.peakQps1s(), r.peakQps1min(), r.peakRequestsPerMin()));
        b.append(String.format(Locale.ROOT, "burstiness: inter-arrival CV %.3f (Poisson = 1)%n", r.interarrivalCv()));
        b.append(String.format(Locale.ROOT, "%-14s %10s %8s %8s %8s %8s%n", "tokens", "mean", "p50", "p90", "p99", "max"));
        for (var e : Map.of("prompt", r.promptTokens(), "output", r.outputTokens()).entrySet().stream()
                .sorted(Map.Entry.<String, TraceStats.Lengths>comparingByKey().reversed()).toList()) {
            TraceStats.Lengths l = e.getValue();
            b.append(String.format(Locale.ROOT, "%-14s %10.1f %8d %8d %8d %8d%n", e.getKey(), l.mean(), l.p50(), l.p90(),
                    l.p99(), l.max()));
        }
        if (r.sessions() != null) {
            b.append(String.format(Locale.ROOT, "sessions: %d (%d turns, mean %.2f turns per session, %d evicted)%n",
                    r.sessions(), r.sessionTurns(), r.meanTurns(), r.sessionsEvicted()));
        }
        if (r.hashBlocks() > 0) {
            b.append(String.format(Locale.ROOT, "prefix sharing: %.1f%% of %d hash blocks repeat an earlier prefix "
                    + "(what an unbounded prefix cache could reuse)%n", 100 * r.prefixSharingRatio(), r.hashBlocks()));
        } else if (r.prefixSharingRatio() != null) {
            b.append(String.format(Locale.ROOT, "prefix sharing: %.1f%% of prompt tokens (%d) repeat the previous turn "
                    + "of their session (what an unbounded prefix cache could reuse)%n", 100 * r.prefixSharingRatio(),
                    r.sessionSharedTokens()));
        }
        return b.toString();
    }
}
