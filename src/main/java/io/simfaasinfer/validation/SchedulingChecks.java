package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.scheduler.local.LocalPolicies;

import java.util.function.UnaryOperator;

/**
 * Checks of the scheduling keys no single implementation owns (the local policy's name, the TTFT
 * SLO), run by {@link ShapeChecks} once {@code max_num_batched_tokens} is resolved; each
 * implementation's own keys (chunk size, MILP limits, ...) are declared and checked by its factory
 * ({@link FactorySettings}).
 */
final class SchedulingChecks {

    private SchedulingChecks() {
    }

    static void check(SchedulerConfig sc, WorkloadConfig w, UnaryOperator<String> sourceOf) {
        var policies = LocalPolicies.registry();
        if (sc.localPolicy() == null || !policies.contains(sc.localPolicy())) {
            throw err(sourceOf, "scheduler.local_policy", "unknown local policy '" + sc.localPolicy()
                    + "'" + io.simfaasinfer.spi.Spelling.hint(sc.localPolicy(), policies.all().keySet())
                    + "; known: " + String.join(", ", policies.all().keySet()));
        }
        Double slo = w.ttftSloMs();
        if (slo != null && (!(slo > 0) || Double.isInfinite(slo))) {
            throw err(sourceOf, "workload.ttft_slo_ms", "expected a positive number of ms (or null for"
                    + " no deadline), got " + slo);
        }
    }

    private static ConfigException err(UnaryOperator<String> sourceOf, String path, String problem) {
        return new ConfigException(sourceOf.apply(path), path, problem);
    }
}
