package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.scheduler.local.LocalPolicies;

import java.util.function.UnaryOperator;

/**
 * Checks of the scheduling-policy keys (chunk size, local policy, MILP limits, TTFT SLO), run by
 * {@link ConfigValidator} once {@code max_num_batched_tokens} is resolved.
 */
final class SchedulingChecks {

    /** Most MILP candidates per iteration: the solver's work grows exponentially in the worst case. */
    static final int MAX_MILP_CANDIDATES = 64;

    private SchedulingChecks() {
    }

    static void check(SchedulerConfig sc, WorkloadConfig w, UnaryOperator<String> sourceOf) {
        if (sc.chunkSize() < 1) {
            throw err(sourceOf, "scheduler.chunk_size", "expected a positive integer, got " + sc.chunkSize());
        }
        if ("sarathi".equals(sc.name()) && sc.chunkSize() > sc.maxNumBatchedTokens()) {
            throw err(sourceOf, "scheduler.chunk_size", sc.chunkSize()
                    + " exceeds max_num_batched_tokens " + sc.maxNumBatchedTokens()
                    + ", the token count the activation memory is sized for; lower it or raise max_num_batched_tokens");
        }
        var policies = LocalPolicies.registry();
        if (sc.localPolicy() == null || !policies.contains(sc.localPolicy())) {
            throw err(sourceOf, "scheduler.local_policy", "unknown local policy '" + sc.localPolicy()
                    + "'" + io.simfaasinfer.spi.Spelling.hint(sc.localPolicy(), policies.all().keySet())
                    + "; known: " + String.join(", ", policies.all().keySet()));
        }
        if (sc.milpNodeLimit() < 1) {
            throw err(sourceOf, "scheduler.milp_node_limit", "expected a positive integer, got " + sc.milpNodeLimit());
        }
        if (!(sc.milpTimeLimitMs() >= 0) || Double.isInfinite(sc.milpTimeLimitMs())) {
            throw err(sourceOf, "scheduler.milp_time_limit_ms", "expected a number of ms >= 0 (0 = no wall-clock"
                    + " limit), got " + sc.milpTimeLimitMs());
        }
        if (sc.milpMaxCandidates() < 1 || sc.milpMaxCandidates() > MAX_MILP_CANDIDATES) {
            throw err(sourceOf, "scheduler.milp_max_candidates", "expected an integer in [1, "
                    + MAX_MILP_CANDIDATES + "], got " + sc.milpMaxCandidates());
        }
        if (sc.longPrefillTokenThreshold() < 0) {
            throw err(sourceOf, "scheduler.long_prefill_token_threshold", "expected an integer >= 0 (0 = no cap), got "
                    + sc.longPrefillTokenThreshold());
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
