package io.simfaasinfer.validation;

import io.simfaasinfer.config.ArrivalConfig;
import io.simfaasinfer.config.ClassConfig;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.LengthConfig;
import io.simfaasinfer.config.SessionConfig;
import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.workload.ArrivalProcesses;
import io.simfaasinfer.workload.trace.TraceFormats;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Checks of the workload features beyond one synthetic class: the arrival processes added to
 * Poisson, gamma and constant; trace replay; request classes; SLOs, shared prefixes and sessions.
 * Called by {@link ConfigValidator}; every problem is a one-line {@link ConfigException}.
 */
final class WorkloadChecks {

    /** Arrival processes checked here rather than in {@link ConfigValidator}. */
    static final Set<String> EXTRA_PROCESSES = Set.of("weibull", "on_off", "diurnal", "schedule");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final java.util.function.UnaryOperator<String> sourceOf;
    private final BiConsumer<String, LengthConfig> length;

    /**
     * @param sourceOf where the value at a key path came from (file or override), for messages
     * @param length the length-distribution check, (path, distribution)
     */
    WorkloadChecks(java.util.function.UnaryOperator<String> sourceOf, BiConsumer<String, LengthConfig> length) {
        this.sourceOf = sourceOf;
        this.length = length;
    }

    private ConfigException err(String path, String problem) {
        return new ConfigException(sourceOf.apply(path), path, problem);
    }

    /** Checks the workload's trace, classes, SLO, shared prefix and session. */
    void check(WorkloadConfig w, ModelSpec model) {
        String p = "workload";
        // workload.ttft_slo_ms is checked with the scheduling keys (SchedulingChecks)
        prefix(p + ".shared_prefix_tokens", w.sharedPrefixTokens(), model);
        session(p + ".session", w.session());
        if (w.trace() != null) {
            if (!w.classes().isEmpty()) {
                throw err(p + ".classes", "does not apply to a trace replay (workload.trace is set)");
            }
            if (w.sharedPrefixTokens() != 0) {
                throw err(p + ".shared_prefix_tokens", "does not apply to a trace replay (workload.trace is set)");
            }
            if (w.session() != null) {
                throw err(p + ".session", "does not apply to a trace replay (workload.trace is set)");
            }
            trace(p + ".trace", w.trace());
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < w.classes().size(); i++) {
            ClassConfig c = w.classes().get(i);
            String cp = p + ".classes." + i;
            if (c == null) {
                throw err(cp, "expected a mapping with name, arrival and optional prompt_tokens, output_tokens, "
                        + "ttft_slo_ms, shared_prefix_tokens, session");
            }
            if (c.name() == null || !NAME.matcher(c.name()).matches()) {
                throw err(cp + ".name", "expected a name of letters, digits, '_', '.' or '-', got "
                        + (c.name() == null ? "nothing" : "'" + c.name() + "'"));
            }
            if (!names.add(c.name())) {
                throw err(cp + ".name", "duplicate class name '" + c.name() + "'");
            }
            if (c.arrival() == null) {
                throw err(cp + ".arrival", "required: the class's arrival process, e.g. {process: poisson, rate: 2}");
            }
            new ClosedLoopChecks(sourceOf).check(cp + ".arrival", c.arrival(), w, false);
            arrival(cp + ".arrival", c.arrival());
            if (c.promptTokens() != null) {
                length.accept(cp + ".prompt_tokens", c.promptTokens());
            }
            if (c.outputTokens() != null) {
                length.accept(cp + ".output_tokens", c.outputTokens());
            }
            slo(cp + ".ttft_slo_ms", c.ttftSloMs());
            if (c.sharedPrefixTokens() != null) {
                prefix(cp + ".shared_prefix_tokens", c.sharedPrefixTokens(), model);
            }
            session(cp + ".session", c.session());
        }
    }

    private void slo(String path, Double v) {
        if (v != null && !(v > 0 && Double.isFinite(v))) {
            throw err(path, "expected a positive number of seconds, got " + v);
        }
    }

    private void prefix(String path, Integer v, ModelSpec model) {
        if (v != null && (v < 0 || v >= model.maxModelLen())) {
            throw err(path, "expected an integer in [0, " + model.maxModelLen() + ") (the context of " + model.name()
                    + "), got " + v);
        }
    }

    private void session(String path, SessionConfig s) {
        if (s == null) {
            return;
        }
        if (s.turns() == null) {
            throw err(path + ".turns", "required: turns per session, e.g. {distribution: uniform, min: 2, max: 8}");
        }
        if ("empirical".equals(s.turns().distribution())) {
            throw err(path + ".turns.distribution", "empirical does not apply to turns");
        }
        length.accept(path + ".turns", s.turns());
        if (s.thinkTimeS() == null || !(s.thinkTimeS() > 0 && Double.isFinite(s.thinkTimeS()))) {
            throw err(path + ".think_time_s", "expected a positive number of seconds (mean time between turns), got "
                    + s.thinkTimeS());
        }
    }

    private void trace(String p, TraceConfig t) {
        if (t.file() == null || t.file().isBlank()) {
            throw err(p + ".file", "required: the trace file to replay");
        }
        if (!TraceFormats.NAMES.contains(t.format())) {
            throw err(p + ".format", "unknown format '" + t.format() + "'; expected one of "
                    + String.join(", ", TraceFormats.NAMES));
        }
        for (Map.Entry<String, String> e : t.columns().entrySet()) {
            if (!TraceFormats.COLUMN_KEYS.contains(e.getKey())) {
                throw err(p + ".columns." + e.getKey(), "unknown column key; expected one of "
                        + String.join(", ", new TreeSet<>(TraceFormats.COLUMN_KEYS)));
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw err(p + ".columns." + e.getKey(), "expected a column name");
            }
        }
        if (t.timeUnit() != null && !TraceFormats.TIME_UNITS.containsKey(t.timeUnit())) {
            throw err(p + ".time_unit", "unknown unit '" + t.timeUnit() + "'; expected one of s, ms, us, ns, datetime");
        }
        if (t.hashBlockTokens() < 1) {
            throw err(p + ".hash_block_tokens", "expected a positive integer, got " + t.hashBlockTokens());
        }
        if (!(t.startS() >= 0) || Double.isInfinite(t.startS())) {
            throw err(p + ".start_s", "expected a number >= 0, got " + t.startS());
        }
        if (t.endS() != null && !(t.endS() > t.startS())) {
            throw err(p + ".end_s", "expected a number greater than start_s (" + t.startS() + "), got " + t.endS());
        }
        if (t.targetQps() != null && t.rateScale() != null) {
            throw err(p + ".target_qps", "give either rate_scale or target_qps, not both");
        }
        if (t.rateScale() != null && !(t.rateScale() > 0 && Double.isFinite(t.rateScale()))) {
            throw err(p + ".rate_scale", "expected a positive number, got " + t.rateScale());
        }
        if (t.targetQps() != null && !(t.targetQps() > 0 && Double.isFinite(t.targetQps()))) {
            throw err(p + ".target_qps", "expected a positive number of requests per second, got " + t.targetQps());
        }
        if (t.maxRequests() != null && t.maxRequests() < 1) {
            throw err(p + ".max_requests", "expected a positive integer, got " + t.maxRequests());
        }
        if (!(t.sample() > 0 && t.sample() <= 1)) {
            throw err(p + ".sample", "expected a fraction in (0, 1], got " + t.sample());
        }
        if (t.maxOpenSessions() < 1) {
            throw err(p + ".max_open_sessions", "expected a positive integer, got " + t.maxOpenSessions());
        }
        if (t.repeat() < 1) {
            throw err(p + ".repeat", "expected a positive integer, got " + t.repeat());
        }
        if (!List.of("error", "skip").contains(t.onMalformed())) {
            throw err(p + ".on_malformed", "expected error or skip, got '" + t.onMalformed() + "'");
        }
        if ((t.model() != null || t.logType() != null) && !List.of("auto", "burstgpt").contains(t.format())) {
            throw err(p + (t.model() != null ? ".model" : ".log_type"), "filters BurstGPT traces only, not format '"
                    + t.format() + "'");
        }
    }

    /** Checks an arrival process of any kind at {@code p}. */
    void arrival(String p, ArrivalConfig a) {
        if (a.process() == null) {
            throw err(p + ".process", "missing; expected one of " + ArrivalProcesses.NAMES);
        }
        Set<String> allowed = switch (a.process()) {
            case "poisson", "constant" -> Set.of("rate");
            case "gamma" -> Set.of("rate", "cv");
            case "weibull" -> Set.of("rate", "shape");
            case "on_off" -> Set.of("on_rate", "off_rate", "on_mean_s", "off_mean_s");
            case "diurnal" -> Set.of("rate", "amplitude", "period_s", "phase_s");
            case "schedule" -> Set.of("schedule");
            default -> throw err(p + ".process", "unknown process '" + a.process() + "'"
                    + io.simfaasinfer.spi.Spelling.hint(a.process(), java.util.List.of(ArrivalProcesses.NAMES.split(", "))) + "; expected one of "
                    + ArrivalProcesses.NAMES);
        };
        notFor(p, "rate", a.rate(), allowed, a.process());
        notFor(p, "cv", a.cv(), allowed, a.process());
        notFor(p, "shape", a.shape(), allowed, a.process());
        notFor(p, "on_rate", a.onRate(), allowed, a.process());
        notFor(p, "off_rate", a.offRate(), allowed, a.process());
        notFor(p, "on_mean_s", a.onMeanS(), allowed, a.process());
        notFor(p, "off_mean_s", a.offMeanS(), allowed, a.process());
        notFor(p, "amplitude", a.amplitude(), allowed, a.process());
        notFor(p, "period_s", a.periodS(), allowed, a.process());
        notFor(p, "phase_s", a.phaseS(), allowed, a.process());
        notFor(p, "schedule", a.schedule(), allowed, a.process());
        if (allowed.contains("rate")) {
            positive(p + ".rate", require(p, "rate", a.rate()));
        }
        switch (a.process()) {
            case "gamma" -> positive(p + ".cv", require(p, "cv", a.cv()));
            case "weibull" -> positive(p + ".shape", require(p, "shape", a.shape()));
            case "on_off" -> {
                positive(p + ".on_rate", require(p, "on_rate", a.onRate()));
                double off = require(p, "off_rate", a.offRate());
                if (!(off >= 0) || Double.isInfinite(off)) {
                    throw err(p + ".off_rate", "expected a number >= 0, got " + off);
                }
                positive(p + ".on_mean_s", require(p, "on_mean_s", a.onMeanS()));
                positive(p + ".off_mean_s", require(p, "off_mean_s", a.offMeanS()));
            }
            case "diurnal" -> {
                double amp = require(p, "amplitude", a.amplitude());
                if (!(amp >= 0 && amp <= 1)) {
                    throw err(p + ".amplitude", "expected a relative amplitude in [0, 1], got " + amp);
                }
                positive(p + ".period_s", require(p, "period_s", a.periodS()));
                if (a.phaseS() != null && !Double.isFinite(a.phaseS())) {
                    throw err(p + ".phase_s", "expected a finite number, got " + a.phaseS());
                }
            }
            case "schedule" -> {
                List<ArrivalConfig.RateStep> steps = require(p, "schedule", a.schedule());
                if (steps.isEmpty()) {
                    throw err(p + ".schedule", "expected at least one {duration_s, rate} step");
                }
                boolean anyRate = false;
                for (int i = 0; i < steps.size(); i++) {
                    ArrivalConfig.RateStep s = steps.get(i);
                    if (s == null) {
                        throw err(p + ".schedule." + i, "expected a mapping {duration_s, rate}");
                    }
                    positive(p + ".schedule." + i + ".duration_s", s.durationS());
                    if (!(s.rate() >= 0) || Double.isInfinite(s.rate())) {
                        throw err(p + ".schedule." + i + ".rate", "expected a number >= 0, got " + s.rate());
                    }
                    anyRate |= s.rate() > 0;
                }
                if (!anyRate) {
                    throw err(p + ".schedule", "every step has rate 0: no request would ever arrive");
                }
            }
            default -> { }
        }
    }

    private <T> T require(String p, String field, T v) {
        if (v == null) {
            throw err(p + "." + field, "required for this process");
        }
        return v;
    }

    private void notFor(String p, String field, Object v, Set<String> allowed, String kind) {
        if (v != null && !allowed.contains(field)) {
            throw err(p + "." + field, "does not apply to process '" + kind + "' (it takes "
                    + String.join(", ", new TreeSet<>(allowed)) + ")");
        }
    }

    private void positive(String path, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw err(path, "expected a positive number, got " + v);
        }
    }
}
