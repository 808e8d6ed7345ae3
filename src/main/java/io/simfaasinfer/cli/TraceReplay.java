package io.simfaasinfer.cli;

import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.workload.RequestSource;
import io.simfaasinfer.workload.Workloads;
import io.simfaasinfer.workload.TraceSource;
import io.simfaasinfer.workload.TraceStats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code trace stats} of the stream a run replays: the configuration is resolved as {@code run}
 * resolves it ({@link ConfigOptions}), the replay is built as the simulator builds it
 * ({@link Workloads#create}), and {@link TraceStats} consumes its requests.
 */
final class TraceReplay {

    private TraceReplay() {
    }

    /**
     * The figures of the replayed stream, the transforms in force and what they did.
     *
     * @param result      the stream's figures
     * @param trace       the resolved {@code workload.trace}
     * @param rateScale   the rate factor in use (given, or derived from target_qps)
     * @param seed        simulation.random_seed (sampling)
     * @param durationS   simulation.duration_s, or null
     * @param maxModelLen the model's context window (clip_to_context)
     * @param counts      the replay's adjustments, as a run reports them
     */
    record Stats(TraceStats.Result result, TraceConfig trace, double rateScale, long seed, Double durationS,
                 int maxModelLen, Map<String, Long> counts) {

        /** The transforms that change the stream, in the order they apply, as text; "none" when none does. */
        List<String> applied() {
            List<String> a = new ArrayList<>();
            if (trace.startS() > 0 || trace.endS() != null) {
                a.add(String.format(Locale.ROOT, "window [%s s, %s)", num(trace.startS()),
                        trace.endS() == null ? "end" : num(trace.endS()) + " s"));
            }
            if (trace.sample() < 1) {
                a.add("sample " + num(trace.sample()) + " (seed " + seed + ")");
            }
            if (trace.maxRequests() != null) {
                a.add("max_requests " + trace.maxRequests());
            }
            if (trace.targetQps() != null) {
                a.add(String.format(Locale.ROOT, "target_qps %s (rate_scale %.6g)", num(trace.targetQps()), rateScale));
            } else if (rateScale != 1) {
                a.add("rate_scale " + num(rateScale));
            }
            if (trace.repeat() > 1) {
                a.add("repeat " + trace.repeat());
            }
            if (durationS != null) {
                a.add("duration_s " + num(durationS));
            }
            if (trace.clipToContext()) {
                a.add("clip_to_context (max_model_len " + maxModelLen + ")");
            }
            return a;
        }

        /** The lines the text summary gains. */
        String text() {
            List<String> a = applied();
            return String.format(Locale.ROOT, "transforms: %s%n", a.isEmpty() ? "none" : String.join(", ", a))
                    + String.format(Locale.ROOT, "transform counts: %d rows outside window, %d sampled out, "
                            + "%d zero lengths raised to 1, %d prompts clipped, %d outputs clipped%n",
                    counts.get("trace_rows_outside_window"), counts.get("trace_rows_sampled_out"),
                    counts.get("trace_zero_lengths_raised_to_1"), counts.get("requests_prompt_clipped"),
                    counts.get("requests_output_clipped"));
        }

        /** The keys the JSON object gains: {@code transforms} (the settings) and {@code transform_counts}. */
        Map<String, Object> toMap() {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("applied", applied());
            t.put("start_s", trace.startS());
            t.put("end_s", trace.endS());
            t.put("rate_scale", rateScale);
            t.put("target_qps", trace.targetQps());
            t.put("max_requests", trace.maxRequests());
            t.put("sample", trace.sample());
            t.put("random_seed", seed);
            t.put("repeat", trace.repeat());
            t.put("duration_s", durationS);
            t.put("clip_to_context", trace.clipToContext());
            t.put("max_model_len", maxModelLen);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("transforms", t);
            m.put("transform_counts", new LinkedHashMap<>(counts));
            return m;
        }

        private static String num(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
        }
    }

    /** Resolves {@code o}'s configuration and consumes the replay it describes. */
    static Stats stats(TraceCommand.Stats o) {
        checkFlags(o);
        List<String> sets = new ArrayList<>();
        if (o.file != null) {
            sets.add("workload.trace.file=" + quoted(o.file.toAbsolutePath().normalize().toString()));
        }
        put(sets, "format", o.format == null ? null : quoted(o.format));
        o.columns.forEach((k, v) -> sets.add("workload.trace.columns." + k + "=" + quoted(v)));
        put(sets, "time_unit", o.timeUnit == null ? null : quoted(o.timeUnit));
        put(sets, "model", o.model == null ? null : quoted(o.model));
        put(sets, "log_type", o.logType == null ? null : quoted(o.logType));
        put(sets, "max_open_sessions", o.maxOpenSessions);
        put(sets, "on_malformed", o.skipMalformed ? "skip" : null);
        put(sets, "start_s", o.startS);
        put(sets, "end_s", o.endS);
        if (o.rateScale != null) {
            put(sets, "rate_scale", o.rateScale);
            put(sets, "target_qps", "null");
        }
        if (o.targetQps != null) {
            put(sets, "target_qps", o.targetQps);
            put(sets, "rate_scale", "null");
        }
        put(sets, "max_requests", o.maxRequests);
        put(sets, "sample", o.sample);
        if (o.seed != null) {
            sets.add("simulation.random_seed=" + o.seed);
        }
        ConfigOptions co = new ConfigOptions();
        co.config = o.config;
        co.sets = new ArrayList<>(sets);
        co.sets.addAll(o.sets); // --set after the flags, as for run
        ConfigOptions.Resolved resolved = co.resolve();
        SimulatorConfig c = resolved.config();
        if (c.workload().trace() == null) {
            throw new BadInputException("FILE: expected the trace file (or a --config that names workload.trace.file)");
        }
        var model = resolved.catalog().model(c.model().name());
        RequestSource src = Workloads.create(c, model, new RandomStreams(c.simulation().randomSeed()));
        try (TraceSource replay = (TraceSource) src) {
            TraceStats.Result r = TraceStats.of(replay, c.workload().trace());
            return new Stats(r, c.workload().trace(), replay.rateScale(), c.simulation().randomSeed(),
                    c.simulation().durationS(), model.maxModelLen(), replay.adjustments());
        }
    }

    /** Bad flag values, named by their flag (the configuration's own keys are checked by the validator). */
    private static void checkFlags(TraceCommand.Stats o) {
        if (o.startS != null && !(o.startS >= 0 && Double.isFinite(o.startS))) {
            throw new BadInputException("--start-s: expected a number of seconds >= 0, got " + o.startS);
        }
        double start = o.startS == null ? 0 : o.startS;
        if (o.endS != null && !(o.endS > start && Double.isFinite(o.endS))) {
            throw new BadInputException("--end-s: expected a time after --start-s (" + start + " s), got " + o.endS);
        }
        if (o.rateScale != null && o.targetQps != null) {
            throw new BadInputException("--target-qps: give either --rate-scale or --target-qps, not both");
        }
        if (o.rateScale != null && !(o.rateScale > 0 && Double.isFinite(o.rateScale))) {
            throw new BadInputException("--rate-scale: expected a positive factor, got " + o.rateScale);
        }
        if (o.targetQps != null && !(o.targetQps > 0 && Double.isFinite(o.targetQps))) {
            throw new BadInputException("--target-qps: expected a positive number of requests per second, got "
                    + o.targetQps);
        }
        if (o.maxRequests != null && o.maxRequests < 1) {
            throw new BadInputException("--max-requests: expected a positive integer, got " + o.maxRequests);
        }
        if (o.sample != null && !(o.sample > 0 && o.sample <= 1)) {
            throw new BadInputException("--sample: expected a fraction in (0, 1], got " + o.sample);
        }
    }

    private static void put(List<String> sets, String key, Object value) {
        if (value != null) {
            sets.add("workload.trace." + key + "=" + value);
        }
    }

    /** A YAML single-quoted string. */
    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
