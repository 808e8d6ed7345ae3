package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.kvcache.KvCapacity;
import io.simfaasinfer.routing.Routers;
import io.simfaasinfer.scheduler.SchedulerFactory;
import io.simfaasinfer.scheduler.Schedulers;

import java.util.function.UnaryOperator;

/**
 * The checks of one pool's shape, wherever its keys live: TP against the model's heads, PP against
 * its layers (every stage holds at least one, as vLLM's get_pp_indices needs), replicas,
 * router, memory fraction, the scheduler's settings (resolving {@code max_num_batched_tokens}),
 * prefix caching against the scheduler, and whether the model fits. {@link ConfigValidator} runs them
 * on the {@code cluster} and {@code scheduler} sections, {@link DeploymentChecks} on each pool.
 */
final class ShapeChecks {

    /**
     * Where a shape's keys are, for messages.
     *
     * @param prefix    the keys' section ({@code cluster}, or {@code deployment.pools.N})
     * @param scheduler the scheduler's section ({@code scheduler}, or {@code deployment.pools.N.scheduler})
     * @param pool      the pool's name for the fit message, or null (the cluster)
     */
    record Keys(String prefix, String scheduler, String pool) {
        static final Keys CLUSTER = new Keys("cluster", "scheduler", null);

        static Keys pool(String prefix, String name) {
            return new Keys(prefix, prefix + ".scheduler", name);
        }
    }

    private final UnaryOperator<String> sourceOf;

    ShapeChecks(UnaryOperator<String> sourceOf) {
        this.sourceOf = sourceOf;
    }

    private ConfigException err(String path, String problem) {
        return new ConfigException(sourceOf.apply(path), path, problem);
    }

    /**
     * @param modelShape also check TP against the model's heads and that the model fits (false for the
     *                   cluster section when a deployment section has pools: it only holds their defaults)
     * @return {@code sc} with {@code max_num_batched_tokens} resolved
     */
    SchedulerConfig check(Keys k, ModelSpec model, GpuSpec gpu, int tp, int pp, int replicas, String router,
                          double memoryUtilization, double activationReserveGb, boolean prefixCaching,
                          SchedulerConfig sc, WorkloadConfig w, int blockSize, boolean modelShape) {
        String p = k.prefix();
        if (tp < 1) {
            throw err(p + ".tp", "expected a positive integer, got " + tp);
        }
        if (modelShape && model.numHeads() % tp != 0) {
            throw err(p + ".tp", "tp=" + tp + " does not divide the " + model.numHeads() + " attention heads of "
                    + model.name());
        }
        if (modelShape && model.numKvHeads() % tp != 0 && tp % model.numKvHeads() != 0) {
            throw err(p + ".tp", "tp=" + tp + " and the " + model.numKvHeads() + " KV heads of " + model.name()
                    + " must divide one another");
        }
        if (pp < 1) {
            throw err(p + ".pp", "expected a positive integer (pipeline stages per replica), got " + pp);
        }
        if (modelShape && pp > model.numLayers()) {
            throw err(p + ".pp", "pp=" + pp + " exceeds the " + model.numLayers() + " layers of " + model.name()
                    + " (every pipeline stage holds at least one layer)");
        }
        if (replicas < 1) {
            throw err(p + ".replicas", "expected a positive integer, got " + replicas);
        }
        if (router == null || !Routers.registry().contains(router)) {
            throw err(p + ".router", "unknown router '" + router + "'"
                    + io.simfaasinfer.spi.Spelling.hint(router, Routers.registry().all().keySet()) + "; known: "
                    + String.join(", ", Routers.registry().all().keySet()));
        }
        if (!(memoryUtilization > 0 && memoryUtilization <= 1)) {
            throw err(p + ".gpu_memory_utilization", "expected a number in (0, 1], got " + memoryUtilization);
        }
        String s = k.scheduler();
        if (sc == null || sc.name() == null || !Schedulers.registry().contains(sc.name())) {
            throw err(s + ".name", "unknown scheduler '" + (sc == null ? null : sc.name()) + "'"
                    + io.simfaasinfer.spi.Spelling.hint(sc == null ? null : sc.name(), Schedulers.registry().all().keySet())
                    + "; known: " + String.join(", ", Schedulers.registry().all().keySet()));
        }
        if (sc.maxNumSeqs() < 1) {
            throw err(s + ".max_num_seqs", "expected a positive integer, got " + sc.maxNumSeqs());
        }
        if (sc.maxNumBatchedTokens() < 0) {
            throw err(s + ".max_num_batched_tokens", "expected a positive integer (or 0 for the default), got "
                    + sc.maxNumBatchedTokens());
        }
        if (sc.maxNumBatchedTokens() == 0) {
            sc = sc.withMaxNumBatchedTokens(Math.max(model.maxModelLen(), 2048));
        }
        var schedulers = Schedulers.registry();
        SchedulerFactory factory = schedulers.all().get(sc.name());
        if (factory.capabilities().contains(SchedulerFactory.WHOLE_PROMPTS) && sc.maxNumBatchedTokens() < model.maxModelLen()) {
            throw err(s + ".max_num_batched_tokens", sc.maxNumBatchedTokens() + " is smaller than the "
                    + model.maxModelLen() + "-token context of " + model.name()
                    + "; " + sc.name() + " prefills whole prompts, so it needs at least that");
        }
        SchedulingChecks.check(sc, w, sourceOf);
        // every scheduler's and local policy's declared settings, the chosen ones' own checks, plug-in options
        var policies = io.simfaasinfer.scheduler.local.LocalPolicies.registry();
        java.util.List<io.simfaasinfer.spi.NamedFactory> families = new java.util.ArrayList<>(schedulers.all().values());
        families.addAll(policies.all().values());
        sc = sc.withOptions(FactorySettings.check(s, sc.values(), families,
                java.util.List.of(factory, policies.all().get(sc.localPolicy())), this::err));
        if (prefixCaching && !factory.capabilities().contains(SchedulerFactory.PREFIX_CACHING)) {
            // orca, faster-transformer and lightllm reserve a request's whole KV up front
            throw err(p + ".prefix_caching", "is modelled for the " + String.join(", ", schedulers.all().values().stream()
                    .filter(f -> f.capabilities().contains(SchedulerFactory.PREFIX_CACHING)).map(SchedulerFactory::name)
                    .toList()) + " schedulers only, not '" + sc.name() + "'");
        }
        if (modelShape) {
            KvCapacity cap = KvCapacity.of(model, gpu, tp, pp, memoryUtilization, blockSize, activationReserveGb,
                    sc.maxNumBatchedTokens());
            if (cap.weightBytes() + cap.activationBytes() >= cap.usableBytes() || cap.totalBlocks() < 1) {
                throw err(p + ".tp", String.format(
                        "%s does not fit%s: %.1f GB of weights per GPU at tp=%d%s plus %.1f GB of activations, but %s x"
                                + " gpu_memory_utilization %.2f gives %.1f GB; raise tp%s or use a larger GPU",
                        model.name(), k.pool() == null ? "" : " pool '" + k.pool() + "'", cap.weightBytes() / 1e9, tp,
                        pp == 1 ? "" : " pp=" + pp + " (the fullest stage)", cap.activationBytes() / 1e9, gpu.name(),
                        memoryUtilization, cap.usableBytes() / 1e9, pp == 1 ? "" : " or pp"));
            }
        }
        return sc;
    }
}
