package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.spi.Registry;
import io.simfaasinfer.spi.Setting;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** The built-in local policies and the registry that also holds plug-in ones. */
public final class LocalPolicies {

    /** First come, first served: by arrival time, then id. */
    public static final Comparator<Request> FCFS =
            Comparator.comparingLong(Request::arrivalNs).thenComparingLong(Request::id);

    /** Shortest job first: fewest prompt tokens, then FCFS. */
    public static final Comparator<Request> SJF =
            Comparator.comparingInt(Request::promptTokens).thenComparing(FCFS);

    /**
     * Shortest remaining processing time: fewest tokens of work left (prefill still to do plus output
     * still to emit), then FCFS. The output length is the simulator's oracle of what a length
     * predictor would estimate.
     */
    public static final Comparator<Request> SRPT =
            Comparator.comparingLong(LocalPolicies::remainingWork).thenComparing(FCFS);

    /** Earliest TTFT deadline first; requests without a deadline last; FCFS among equals. */
    public static final Comparator<Request> EDF =
            Comparator.comparingLong(Request::ttftDeadlineNs).thenComparing(FCFS);

    private LocalPolicies() {
    }

    /** Prefill tokens still to process plus output tokens still to emit. */
    public static long remainingWork(Request r) {
        return (long) r.remainingPrefill() + r.remainingOutput();
    }

    private record Builtin(String name, String description, Function<PolicyContext, LocalPolicy> make,
                           List<Setting> settings) implements LocalPolicyFactory {
        Builtin(String name, String description, Function<PolicyContext, LocalPolicy> make) {
            this(name, description, make, List.of());
        }

        @Override
        public LocalPolicy create(PolicyContext ctx) {
            return make.apply(ctx);
        }
    }

    /** Most MILP candidates per iteration: the solver's work grows exponentially in the worst case. */
    public static final int MAX_MILP_CANDIDATES = 64;

    /** The MILP policy's settings (keys of the {@code scheduler} section). */
    static final List<Setting> MILP_SETTINGS = List.of(
            Setting.integer("milp_node_limit", io.simfaasinfer.config.SchedulerConfig.DEFAULT_MILP_NODE_LIMIT, 1,
                    Integer.MAX_VALUE, "branch-and-bound nodes per batch selection (a deterministic work budget)"),
            Setting.number("milp_time_limit_ms", 0, 0, Double.MAX_VALUE,
                    "wall-clock limit per batch selection, ms; 0 = none (opt-in: results then depend on machine load)"),
            Setting.integer("milp_max_candidates", 12, 1, MAX_MILP_CANDIDATES,
                    "earliest-deadline waiting requests considered per iteration"));

    /**
     * The built-ins plus those found on the class path. The registry: built once per JVM (it is immutable, and the class path it reads does not change),
     * so validating a configuration does not scan the class path for plug-ins again.
     */
    public static Registry<LocalPolicyFactory> registry() {
        return RegistryHolder.REGISTRY;
    }

    /** Initialised on first use (the holder idiom: thread-safe, no lock after). */
    private static final class RegistryHolder {
        static final Registry<LocalPolicyFactory> REGISTRY = build();
    }

    private static Registry<LocalPolicyFactory> build() {
        return new Registry<>("local policy", LocalPolicyFactory.class, List.of(
                new Builtin("fcfs", "first come, first served", ctx -> LocalPolicy.ordered(FCFS)),
                new Builtin("sjf", "shortest prompt first", ctx -> LocalPolicy.ordered(SJF)),
                new Builtin("shortest", "alias of sjf (LLM-Serving-Simulator's name)", ctx -> LocalPolicy.ordered(SJF)),
                new Builtin("srpt", "shortest remaining work (prompt + remaining output) first",
                        ctx -> LocalPolicy.ordered(SRPT)),
                new Builtin("edf", "earliest TTFT deadline first", ctx -> LocalPolicy.ordered(EDF)),
                new Builtin("milp", "MILP batch selection maximising TTFT deadlines met (ojAlgo), EDF fallback",
                        ctx -> new MilpPolicy(ctx.config().milpMaxCandidates(),
                                new OjAlgoMilpSolver(ctx.config().milpNodeLimit(),
                                        (long) Math.ceil(ctx.config().milpTimeLimitMs())),
                                ctx.predictor()), MILP_SETTINGS)));
    }

    /** The policy named by {@code scheduler.local_policy} (FCFS when unset). */
    public static LocalPolicy create(PolicyContext ctx) {
        String name = ctx.config().localPolicy() == null ? "fcfs" : ctx.config().localPolicy();
        return registry().get("scheduler.local_policy", name).create(ctx);
    }
}
