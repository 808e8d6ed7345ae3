package io.simfaasinfer.validation;

import io.simfaasinfer.config.ArrivalConfig;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.WorkloadConfig;
import java.util.function.UnaryOperator;

/**
 * Checks of the closed-loop arrival process ({@code workload.arrival.process: closed_loop}):
 * {@code concurrency} a positive integer, {@code think_time_s} a number >= 0, no field of an open-loop
 * process (a rate, above all), and the two closed-loop fields on no other process.
 */
final class ClosedLoopChecks {

    static final String PROCESS = "closed_loop";

    private final UnaryOperator<String> sourceOf;

    ClosedLoopChecks(UnaryOperator<String> sourceOf) {
        this.sourceOf = sourceOf;
    }

    private ConfigException err(String path, String problem) {
        return new ConfigException(sourceOf.apply(path), path, problem);
    }

    /**
     * Checks the arrival {@code a} at {@code p}; true when it is a closed loop (then fully checked),
     * false for another process (whose checks are the caller's).
     *
     * @param topLevel false for a class's arrival, where a closed loop is not supported
     */
    boolean check(String p, ArrivalConfig a, WorkloadConfig w, boolean topLevel) {
        if (!PROCESS.equals(a.process())) {
            if (a.concurrency() != null) {
                throw err(p + ".concurrency", "does not apply to process '" + a.process() + "' (only closed_loop)");
            }
            if (a.thinkTimeS() != null) {
                throw err(p + ".think_time_s", "does not apply to process '" + a.process() + "' (only closed_loop)");
            }
            return false;
        }
        if (!topLevel) {
            throw err(p + ".process", "closed_loop drives the whole workload, not one class; use it without"
                    + " workload.classes");
        }
        String[] names = {"rate", "cv", "shape", "on_rate", "off_rate", "on_mean_s", "off_mean_s", "amplitude",
            "period_s", "phase_s", "schedule"};
        Object[] values = {a.rate(), a.cv(), a.shape(), a.onRate(), a.offRate(), a.onMeanS(), a.offMeanS(),
            a.amplitude(), a.periodS(), a.phaseS(), a.schedule()};
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null) {
                throw err(p + "." + names[i], "does not apply to process 'closed_loop' (it takes concurrency,"
                        + " think_time_s: each user sends its next request when the previous one is done)");
            }
        }
        if (a.concurrency() == null) {
            throw err(p + ".concurrency", "required for process 'closed_loop' (users, e.g. 8)");
        }
        if (a.concurrency() < 1) {
            throw err(p + ".concurrency", "expected a positive integer (users), got " + a.concurrency());
        }
        if (a.thinkTimeS() != null && (!(a.thinkTimeS() >= 0) || Double.isInfinite(a.thinkTimeS()))) {
            throw err(p + ".think_time_s", "expected a number of seconds >= 0, got " + a.thinkTimeS());
        }
        if (w.trace() == null && w.classes().isEmpty()) {
            if (w.session() != null) {
                throw err(p + ".process", "closed_loop is a stream of single requests; it does not drive"
                        + " workload.session conversations");
            }
            if (w.sharedPrefixTokens() != 0) {
                throw err(p + ".process", "closed_loop does not model workload.shared_prefix_tokens; set it to 0");
            }
        }
        return true;
    }
}
