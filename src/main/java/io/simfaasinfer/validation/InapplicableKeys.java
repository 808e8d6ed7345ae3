package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.ConfigWarning;
import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.scheduler.Schedulers;
import io.simfaasinfer.scheduler.local.LocalPolicies;
import io.simfaasinfer.predictor.profile.PredictorFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The table of "key X applies only when Y" rules behind configuration warnings: a key the user set
 * (in the file, by a flag or by --set) that has no effect in the configuration as a whole. A warning
 * does not stop the run; a value that cannot be right (a field of another arrival process or length
 * distribution, a profile with the roofline predictor) is an error in {@link ConfigValidator} instead.
 * Keys left at their built-in defaults never warn, nor do keys set to null, [] or {} ("none").
 */
public final class InapplicableKeys {

    /**
     * One rule.
     *
     * @param keys    key paths it covers; a trailing {@code *} matches any rest ({@code a.b.*}: every key under {@code a.b})
     * @param except  keys under {@code keys} it does not cover
     * @param applies whether the keys have an effect in a (validated) configuration
     * @param why     the rest of the warning after "KEY has no effect ", for a configuration where they do not
     */
    record Rule(List<String> keys, Set<String> except, Predicate<View> applies, Function<View, String> why) {

        boolean covers(String key) {
            if (except.contains(key)) {
                return false;
            }
            for (String k : keys) {
                if (k.endsWith("*") ? key.startsWith(k.substring(0, k.length() - 1)) : key.equals(k)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What a rule reads: the validated configuration and the predictor mode it will get. */
    record View(SimulatorConfig config, String predictorMode) {
    }

    /** Autoscalers of {@code serverless.autoscaler.name} that read no {@code options} (see Autoscalers.registry()). */
    private static final Set<String> BUILTIN_AUTOSCALERS =
            Set.of("threshold", "concurrency", "queue_length", "scale_to_zero", "predictive");

    private static final List<String> ROOFLINE_KEYS = List.of("predictor.compute_efficiency",
            "predictor.memory_efficiency", "predictor.comm_efficiency", "predictor.overhead_ms",
            "predictor.per_layer_overhead_us");

    private static List<Rule> rules() {
        List<Rule> all = new ArrayList<>(SERVERLESS);
        all.addAll(declared("scheduler", c -> c.scheduler().name(), Schedulers.registry().all().values()));
        all.addAll(declared("local policy", c -> c.scheduler().localPolicy(), LocalPolicies.registry().all().values()));
        all.addAll(WORKLOAD_AND_PREDICTOR);
        return List.copyOf(all);
    }

    /**
     * One rule per {@code scheduler.*} key the implementations of a family declare
     * ({@link io.simfaasinfer.spi.NamedFactory#settings()}): it has an effect only with one that declares it.
     */
    private static List<Rule> declared(String kindLabel, Function<SimulatorConfig, String> kind,
                                       java.util.Collection<? extends io.simfaasinfer.spi.NamedFactory> family) {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        family.forEach(f -> f.settings().forEach(st -> keys.add(st.key())));
        List<Rule> out = new ArrayList<>();
        for (String key : keys) {
            if (!key.startsWith(FactorySettings.OPTIONS)) {
                out.add(oneOf("scheduler." + key, kindLabel, kind, FactorySettings.usersOf(key, family)));
            }
        }
        return out;
    }

    /** Rules of the serverless keys (the family-declared scheduler rules follow them). */
    private static final List<Rule> SERVERLESS = List.of(
            new Rule(List.of("serverless.*"), Set.of("serverless.enabled"), v -> ServerlessConfig.enabled(v.config()),
                    v -> "while serverless is disabled (used when: serverless.enabled is true, or --serverless)"),
            new Rule(List.of("cluster.replicas"), Set.of(), v -> !ServerlessConfig.enabled(v.config()),
                    v -> "with serverless enabled (the fleet is serverless.min_instances..max_instances;"
                            + " only serverless compare's always-on baseline uses it)"),
            autoscaler("threshold"), autoscaler("concurrency"), autoscaler("queue_length"), autoscaler("predictive"),
            new Rule(List.of("serverless.autoscaler.options.*"), Set.of(),
                    v -> !BUILTIN_AUTOSCALERS.contains(v.config().serverless().autoscaler().name()),
                    v -> "with autoscaler '" + v.config().serverless().autoscaler().name()
                            + "' (used by: plug-in autoscalers)"),
            new Rule(List.of("serverless.cold_start.host_cache_tier", "serverless.cold_start.host_cache_ttl_s"),
                    Set.of(), v -> v.config().serverless().coldStart().locality(),
                    v -> "with serverless.cold_start.locality 'false' (used by: locality true)"));

    private static final List<Rule> WORKLOAD_AND_PREDICTOR = List.of(
            new Rule(List.of("workload.num_requests", "workload.arrival.*", "workload.prompt_tokens.*",
                    "workload.output_tokens.*", "workload.classes"), Set.of(), v -> v.config().workload().trace() == null,
                    v -> "with a trace replay (workload.trace is set; the trace gives arrivals and lengths)"),
            new Rule(List.of("workload.arrival.*"), Set.of(), v -> v.config().workload().classes().isEmpty(),
                    v -> "with workload.classes (each class has its own arrival)"),
            new Rule(ROOFLINE_KEYS, Set.of(), v -> v.predictorMode().equals("roofline"),
                    v -> "with predictor '" + v.predictorMode() + "' (used by: roofline)"),
            new Rule(List.of("predictor.calibrate_from"), Set.of(), v -> v.predictorMode().equals("calibrated"),
                    v -> "with predictor '" + v.predictorMode() + "' (used by: calibrated)"),
            new Rule(List.of("predictor.profile"), Set.of(), v -> v.predictorMode().equals("profile"),
                    v -> "with predictor '" + v.predictorMode() + "' (used by: profile)"),
            new Rule(List.of("predictor.telemetry_offset"), Set.of(), v -> v.config().predictor().telemetry() != null,
                    v -> "without predictor.telemetry (used by: telemetry calibration)"));

    /** The rules, most general first; a key gets the warning of the first rule that covers it and fails. */
    static final List<Rule> RULES = rules();

    private InapplicableKeys() {
    }

    /** A rule for the settings of one built-in autoscaler. */
    private static Rule autoscaler(String name) {
        return new Rule(List.of("serverless.autoscaler." + name + ".*"), Set.of(),
                v -> v.config().serverless().autoscaler().name().equals(name),
                v -> "with autoscaler '" + v.config().serverless().autoscaler().name() + "' (used by: " + name + ")");
    }

    /** A rule for keys (a trailing {@code *} matches any suffix) used only where a kind is one of {@code users}. */
    private static Rule oneOf(String key, String kindLabel, Function<SimulatorConfig, String> kind, List<String> users) {
        return new Rule(List.of(key), Set.of(), v -> users.contains(kind.apply(v.config())),
                v -> "with " + kindLabel + " '" + kind.apply(v.config()) + "' (used by: " + String.join(", ", users) + ")");
    }

    /**
     * The warnings for {@code loaded}'s user-set keys, given its validated configuration, in the order
     * the keys were set; each is one line {@code SOURCE: KEY has no effect ...}.
     */
    public static List<ConfigWarning> warnings(ConfigLoader.Loaded loaded, SimulatorConfig validated, Catalog catalog) {
        View view = new View(validated, predictorMode(validated, catalog));
        List<ConfigWarning> out = new ArrayList<>();
        for (String key : loaded.userKeys()) {
            if (unset(loaded.tree(), key)) {
                continue; // null, [] or {}: the user says "none", which is never a setting without effect
            }
            for (Rule r : RULES) {
                if (r.covers(key) && !r.applies().test(view)) {
                    out.add(new ConfigWarning(key, loaded.sourceOf(key), "has no effect " + r.why().apply(view)));
                    break;
                }
            }
        }
        return List.copyOf(out);
    }

    private static boolean unset(com.fasterxml.jackson.databind.JsonNode tree, String key) {
        com.fasterxml.jackson.databind.JsonNode n = tree;
        for (String part : key.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n == null || n.isNull() || (n.isContainerNode() && n.isEmpty());
    }

    /** The predictor mode {@code PredictorFactory} will choose: profile, calibrated or roofline. */
    static String predictorMode(SimulatorConfig c, Catalog catalog) {
        return PredictorFactory.mode(c.predictor(), catalog.model(c.model().name()).name(),
                catalog.gpu(c.cluster().gpu()).name());
    }
}
