package io.simfaasinfer.validation;

import io.simfaasinfer.config.ArrivalConfig;
import io.simfaasinfer.config.ClusterConfig;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.DeploymentConfig;
import io.simfaasinfer.config.LengthConfig;
import io.simfaasinfer.config.ModelConfig;
import io.simfaasinfer.config.PredictorConfig;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.config.SimulationConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.config.SloConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.CatalogException;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.scheduler.Schedulers;

import java.util.Set;

/**
 * Semantic checks a schema cannot express: ranges, fields that belong to another kind, and what
 * only the domain knows (catalog names, TP against attention heads, weights against GPU memory).
 * Returns the configuration with derived defaults resolved.
 */
public final class ConfigValidator {


    private final java.util.function.UnaryOperator<String> sourceOf;

    private ConfigValidator(java.util.function.UnaryOperator<String> sourceOf) {
        this.sourceOf = sourceOf;
    }

    /** Validates {@code c} (read from {@code source}) against {@code catalog}; returns it with defaults resolved. */
    public static SimulatorConfig validate(SimulatorConfig c, Catalog catalog, String source) {
        return new ConfigValidator(path -> source).run(c, catalog);
    }

    /** Validates a loaded configuration, naming in errors the file or override each bad value came from. */
    public static SimulatorConfig validate(ConfigLoader.Loaded loaded, Catalog catalog) {
        return new ConfigValidator(loaded::sourceOf).run(loaded.config(), catalog);
    }

    private ConfigException err(String path, String problem) {
        return new ConfigException(sourceOf.apply(path), path, problem);
    }

    private SimulatorConfig run(SimulatorConfig c, Catalog catalog) {
        SimulationConfig s = c.simulation();
        if (s.durationS() != null) {
            positive("simulation.duration_s", s.durationS());
            withinClock("simulation.duration_s", s.durationS() + s.warmupS());
        }
        if (s.warmupRequests() < 0) {
            throw err("simulation.warmup_requests", "expected an integer >= 0, got " + s.warmupRequests());
        }
        if (!(s.warmupS() >= 0) || Double.isInfinite(s.warmupS())) {
            throw err("simulation.warmup_s", "expected a number >= 0, got " + s.warmupS());
        }
        withinClock("simulation.warmup_s", s.warmupS());
        WorkloadConfig w = c.workload();
        if (w.numRequests() == null && s.durationS() == null && w.trace() == null) {
            throw err("workload.num_requests", "set num_requests or simulation.duration_s (both are unset)");
        }
        if (w.numRequests() != null && w.numRequests() < 1) {
            throw err("workload.num_requests", "expected a positive integer, got " + w.numRequests());
        }
        if (w.numRequests() != null && w.trace() == null && s.warmupRequests() >= w.numRequests()) {
            throw err("simulation.warmup_requests", s.warmupRequests() + " is not below workload.num_requests "
                    + w.numRequests() + ": every request would be excluded as warm-up and nothing measured");
        }
        if (w.arrival() == null || !new ClosedLoopChecks(sourceOf).check("workload.arrival", w.arrival(), w, true)) {
            arrival(w.arrival());
        }
        length("workload.prompt_tokens", w.promptTokens());
        length("workload.output_tokens", w.outputTokens());

        ModelSpec catalogued = lookup("model.name", () -> catalog.model(c.model().name()));
        new WorkloadChecks(sourceOf, this::length).check(w, catalogued);
        ClusterConfig cl = c.cluster();
        GpuSpec gpu = lookup("cluster.gpu", () -> catalog.gpu(cl.gpu()));
        ModelConfig canonical = new PrecisionChecks(sourceOf).check(c.model(), catalogued.name(), c, catalog);
        ModelSpec model = canonical.spec(catalog); // served dtypes: weights and KV bytes as they will be
        boolean shorthand = c.deployment() == null; // else the pools are checked, cluster keys being their defaults
        if (cl.blockSize() < 1 || cl.blockSize() > 1024) {
            throw err("cluster.block_size", "expected an integer in [1, 1024], got " + cl.blockSize());
        }
        SchedulerConfig sc = new ShapeChecks(sourceOf).check(ShapeChecks.Keys.CLUSTER, model, gpu, cl.tp(),
                cl.pp(), cl.replicas(), cl.router(), cl.gpuMemoryUtilization(), cl.activationReserveGb(), cl.prefixCaching(),
                c.scheduler(), w, cl.blockSize(), shorthand);
        predictor(c.predictor());
        GpuSpec fleetGpu = gpu; // cold-start figures come from the serverless pool's GPU
        if (c.deployment() != null && c.deployment().pools() != null) {
            for (DeploymentConfig.PoolConfig p : c.deployment().pools()) {
                if (p != null && p.serverless() && p.gpu() != null && catalog.findGpu(p.gpu()).isPresent()) {
                    fleetGpu = catalog.gpu(p.gpu());
                }
            }
        }
        ServerlessConfig sl = io.simfaasinfer.serverless.ServerlessValidation.validate(c.serverless(), fleetGpu, sourceOf);
        if (sl != null && sl.enabled() && sl.autoscaler() != null) {
            // the autoscaler's plug-in options, checked and defaulted against its declaration as a scheduler's are
            var autoscalers = io.simfaasinfer.serverless.Autoscalers.registry().all();
            java.util.Map<String, Object> values = new java.util.LinkedHashMap<>();
            if (sl.autoscaler().options() != null) {
                sl.autoscaler().options().forEach((k, v) -> values.put(FactorySettings.OPTIONS + k, v));
            }
            sl = sl.withAutoscalerOptions(FactorySettings.check("serverless.autoscaler", values, autoscalers.values(),
                    java.util.List.of(autoscalers.get(sl.autoscaler().name())), this::err));
        }
        DeploymentConfig dep = new DeploymentChecks(sourceOf).check(c, sc, sl, model, catalog, w);
        if (Boolean.TRUE.equals(c.predictor().asyncOutputProc())) {
            String pool = AsyncOutputScope.firstOutOfScope(dep);
            if (pool != null) {
                throw err("predictor.async_output_proc", "outputs one engine step late are modelled only for mixed"
                        + " pools without pipeline parallelism, and " + pool + "; set it to false or null");
            }
        }
        ClusterConfig clCanonical = new ClusterConfig(gpu.name(), cl.tp(), cl.replicas(), cl.router(),
                cl.gpuMemoryUtilization(), cl.blockSize(), cl.activationReserveGb(), cl.prefixCaching(), cl.pp());
        SloConfig slo = c.slo() == null ? new SloConfig(null, null) : c.slo();
        if (slo.tpotMs() != null) {
            positive("slo.tpot_ms", slo.tpotMs());
        }
        if (slo.e2eMs() != null) {
            positive("slo.e2e_ms", slo.e2eMs());
        }
        return new SimulatorConfig(s, w, canonical, clCanonical, sc, c.predictor(), c.catalog(), sl, dep, slo);
    }

    /** Seconds the nanosecond clock can hold, with room to add durations ({@link io.simfaasinfer.engine.EventQueue#HORIZON_NS}). */
    static final double MAX_SIMULATED_S = io.simfaasinfer.engine.EventQueue.HORIZON_NS / 1e9;

    private void withinClock(String path, double seconds) {
        if (seconds > MAX_SIMULATED_S) {
            throw err(path, String.format(java.util.Locale.ROOT, "%.4g s is beyond the simulator's clock (at most"
                    + " %.3g s, 73 years, in nanoseconds)", seconds, MAX_SIMULATED_S));
        }
    }

    private void arrival(ArrivalConfig a) {
        String p = "workload.arrival";
        if (a == null || a.process() == null) {
            throw err(p + ".process", "missing; expected one of " + io.simfaasinfer.workload.ArrivalProcesses.NAMES);
        }
        if (WorkloadChecks.EXTRA_PROCESSES.contains(a.process())
                || a.shape() != null || a.onRate() != null || a.offRate() != null || a.onMeanS() != null
                || a.offMeanS() != null || a.amplitude() != null || a.periodS() != null || a.phaseS() != null
                || a.schedule() != null) {
            new WorkloadChecks(sourceOf, this::length).arrival(p, a);
            return;
        }
        switch (a.process()) {
            case "poisson", "constant" -> {
                if (a.cv() != null) {
                    throw err(p + ".cv", "only applies to process 'gamma', not '" + a.process() + "'");
                }
            }
            case "gamma" -> {
                if (a.cv() == null) {
                    throw err(p + ".cv", "required for process 'gamma' (coefficient of variation, e.g. 2)");
                }
                positive(p + ".cv", a.cv());
            }
            default -> throw err(p + ".process", "unknown process '" + a.process() + "'"
                    + io.simfaasinfer.spi.Spelling.hint(a.process(), java.util.List.of(io.simfaasinfer.workload.ArrivalProcesses.NAMES.split(", ")))
                    + "; expected one of " + io.simfaasinfer.workload.ArrivalProcesses.NAMES);
        }
        if (a.rate() == null) {
            throw err(p + ".rate", "required for process '" + a.process() + "' (mean requests per second)");
        }
        positive(p + ".rate", a.rate());
    }

    private void length(String p, LengthConfig l) {
        if (l.distribution() == null) {
            throw err(p + ".distribution", "missing; expected one of empirical, fixed, lognormal, normal, uniform, zipf");
        }
        Set<String> allowed = switch (l.distribution()) {
            case "fixed" -> Set.of("value");
            case "uniform" -> Set.of("min", "max");
            case "normal" -> Set.of("mean", "std", "min", "max");
            case "lognormal" -> Set.of("mu", "sigma", "mean", "std", "min", "max");
            case "zipf" -> Set.of("exponent", "min", "max");
            case "empirical" -> Set.of("file", "format", "field", "min", "max");
            default -> throw err(p + ".distribution", "unknown distribution '" + l.distribution() + "'"
                    + io.simfaasinfer.spi.Spelling.hint(l.distribution(), java.util.List.of("empirical", "fixed",
                    "lognormal", "normal", "uniform", "zipf")) + "; expected one of empirical, fixed, lognormal, normal, uniform, zipf");
        };
        notFor(p, "value", l.value(), allowed, l.distribution());
        notFor(p, "min", l.min(), allowed, l.distribution());
        notFor(p, "max", l.max(), allowed, l.distribution());
        notFor(p, "mean", l.mean(), allowed, l.distribution());
        notFor(p, "std", l.std(), allowed, l.distribution());
        notFor(p, "mu", l.mu(), allowed, l.distribution());
        notFor(p, "sigma", l.sigma(), allowed, l.distribution());
        notFor(p, "exponent", l.exponent(), allowed, l.distribution());
        notFor(p, "file", l.file(), allowed, l.distribution());
        notFor(p, "format", l.format(), allowed, l.distribution());
        notFor(p, "field", l.field(), allowed, l.distribution());
        switch (l.distribution()) {
            case "fixed" -> positiveInt(p + ".value", require(p, "value", l.value()));
            case "uniform", "zipf" -> {
                int min = positiveInt(p + ".min", require(p, "min", l.min()));
                int max = positiveInt(p + ".max", require(p, "max", l.max()));
                if (max < min) {
                    throw err(p + ".max", "expected max >= min (" + min + "), got " + max);
                }
                if (l.distribution().equals("zipf")) {
                    positive(p + ".exponent", require(p, "exponent", l.exponent()));
                }
            }
            case "empirical" -> {
                require(p, "file", l.file());
                if (l.format() != null && !io.simfaasinfer.workload.trace.TraceFormats.NAMES.contains(l.format())) {
                    throw err(p + ".format", "unknown trace format '" + l.format() + "'; expected one of "
                            + String.join(", ", io.simfaasinfer.workload.trace.TraceFormats.NAMES));
                }
                if (l.field() != null && !l.field().equals("prompt") && !l.field().equals("output")) {
                    throw err(p + ".field", "expected prompt or output, got '" + l.field() + "'");
                }
                bounds(p, l);
            }
            case "normal" -> {
                positive(p + ".mean", require(p, "mean", l.mean()));
                positive(p + ".std", require(p, "std", l.std()));
                bounds(p, l);
            }
            default -> { // lognormal
                if (l.mu() != null || l.sigma() != null) {
                    if (l.mean() != null || l.std() != null) {
                        throw err(p, "give either mu and sigma, or mean and std, not both");
                    }
                    finite(p + ".mu", require(p, "mu", l.mu()));
                    positive(p + ".sigma", require(p, "sigma", l.sigma()));
                } else {
                    positive(p + ".mean", require(p, "mean", l.mean()));
                    positive(p + ".std", require(p, "std", l.std()));
                }
                bounds(p, l);
            }
        }
    }

    private void bounds(String p, LengthConfig l) {
        int min = l.min() == null ? 1 : positiveInt(p + ".min", l.min());
        if (l.max() != null && positiveInt(p + ".max", l.max()) < min) {
            throw err(p + ".max", "expected max >= min (" + min + "), got " + l.max());
        }
    }

    private void predictor(PredictorConfig p) {
        if (!java.util.List.of("auto", "profile", "calibrated", "roofline").contains(p.kind())) {
            throw err("predictor.kind", "unknown predictor '" + p.kind() + "'" + io.simfaasinfer.spi.Spelling.hint(p.kind(),
                    java.util.List.of("auto", "calibrated", "profile", "roofline")) + "; known: auto, calibrated, profile, roofline");
        }
        if (p.kind().equals("profile") && p.profile() == null) {
            throw err("predictor.profile", "required for kind 'profile' (a FaaSInfer profile directory or fitted_profile.json)");
        }
        if (p.kind().equals("calibrated") && (p.calibrateFrom() == null || p.calibrateFrom().isEmpty())) {
            throw err("predictor.calibrate_from", "required for kind 'calibrated' (one or more profile directories)");
        }
        if (p.kind().equals("roofline") && (p.profile() != null || (p.calibrateFrom() != null && !p.calibrateFrom().isEmpty()))) {
            throw err("predictor.kind", "kind 'roofline' uses no profiles; use 'auto', 'profile' or 'calibrated'");
        }
        fraction("predictor.compute_efficiency", p.computeEfficiency());
        fraction("predictor.memory_efficiency", p.memoryEfficiency());
        fraction("predictor.comm_efficiency", p.commEfficiency());
        if (!(p.overheadMs() >= 0) || Double.isInfinite(p.overheadMs())) {
            throw err("predictor.overhead_ms", "expected a number >= 0, got " + p.overheadMs());
        }
        if (!(p.perLayerOverheadUs() >= 0) || Double.isInfinite(p.perLayerOverheadUs())) {
            throw err("predictor.per_layer_overhead_us", "expected a number >= 0, got " + p.perLayerOverheadUs());
        }
        if (p.engine() == null || !io.simfaasinfer.predictor.EngineModel.NAMES.contains(p.engine())) {
            throw err("predictor.engine", "expected one of " + String.join(", ", io.simfaasinfer.predictor.EngineModel.NAMES)
                    + ", got " + (p.engine() == null ? "null" : "'" + p.engine() + "'"));
        }
        if (p.apiIngressMs() != null && (!(p.apiIngressMs() >= 0) || Double.isInfinite(p.apiIngressMs()))) {
            throw err("predictor.api_ingress_ms", "expected a number >= 0 (ms) or null, got " + p.apiIngressMs());
        }
        if (p.apiEgressMs() != null && (!(p.apiEgressMs() >= 0) || Double.isInfinite(p.apiEgressMs()))) {
            throw err("predictor.api_egress_ms", "expected a number >= 0 (ms) or null, got " + p.apiEgressMs());
        }
    }

    private <T> T lookup(String path, java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (CatalogException e) {
            throw err(path, e.getMessage());
        }
    }

    private <T> T require(String p, String field, T v) {
        if (v == null) {
            throw err(p + "." + field, "required for this distribution");
        }
        return v;
    }

    private void notFor(String p, String field, Object v, Set<String> allowed, String kind) {
        if (v != null && !allowed.contains(field)) {
            throw err(p + "." + field, "does not apply to distribution '" + kind + "' (it takes "
                    + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
    }

    private int positiveInt(String path, int v) {
        if (v < 1) {
            throw err(path, "expected a positive integer, got " + v);
        }
        return v;
    }

    private void positive(String path, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw err(path, "expected a positive number, got " + v);
        }
    }

    private void finite(String path, double v) {
        if (!Double.isFinite(v)) {
            throw err(path, "expected a finite number, got " + v);
        }
    }

    private void fraction(String path, double v) {
        if (!(v > 0 && v <= 1)) {
            throw err(path, "expected a number in (0, 1], got " + v);
        }
    }
}
