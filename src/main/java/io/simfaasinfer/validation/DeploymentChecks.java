package io.simfaasinfer.validation;

import io.simfaasinfer.config.ClusterConfig;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.DeploymentConfig;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.config.ServerlessConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.CatalogException;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.routing.Routers;
import io.simfaasinfer.scheduler.local.LocalPolicies;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Checks of the {@code deployment} section, run by {@link ConfigValidator}: each pool's role, GPU,
 * TP, replicas, router, scheduler, lifecycle and memory fit; the deployment's shape (mixed pools,
 * or prefill and decode pools with compatible TP); the transfer; the four scheduling decisions.
 * Returns the deployment with the decisions applied to its pools; without a section, the one mixed
 * pool the {@code cluster}, {@code scheduler} and {@code serverless} sections describe.
 */
final class DeploymentChecks {

    private static final Set<String> LIFECYCLES = Set.of("always_on", "serverless");

    private final UnaryOperator<String> sourceOf;

    DeploymentChecks(UnaryOperator<String> sourceOf) {
        this.sourceOf = sourceOf;
    }

    private ConfigException err(String path, String problem) {
        return new ConfigException(sourceOf.apply(path), path, problem);
    }

    /**
     * @param sc the validated top-level scheduler (max_num_batched_tokens resolved)
     * @param sl the validated serverless section, or null
     */
    DeploymentConfig check(SimulatorConfig c, SchedulerConfig sc, ServerlessConfig sl, ModelSpec model,
                           Catalog catalog, WorkloadConfig w) {
        int blockSize = c.cluster().blockSize();
        DeploymentConfig d = c.deployment();
        boolean serverless = sl != null && sl.enabled();
        if (d == null) {
            ClusterConfig cl = c.cluster();
            var pool = new DeploymentConfig.PoolConfig("main", "mixed", cl.gpu(), cl.tp(),
                    serverless ? sl.maxInstances() : cl.replicas(), cl.router(), cl.gpuMemoryUtilization(),
                    cl.activationReserveGb(), cl.prefixCaching(), serverless ? "serverless" : "always_on", sc, cl.pp());
            return new DeploymentConfig(List.of(pool), null, null, null, null, null);
        }
        String base = "deployment";
        String pg = decision(base + ".prefill_global", d.prefillGlobal(), true);
        String pl = decision(base + ".prefill_local", d.prefillLocal(), false);
        String dg = decision(base + ".decode_global", d.decodeGlobal(), true);
        String dl = decision(base + ".decode_local", d.decodeLocal(), false);
        List<DeploymentConfig.PoolConfig> pools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int mixed = 0;
        int prefill = 0;
        int decode = 0;
        for (int i = 0; i < d.pools().size(); i++) {
            String p = base + ".pools." + i;
            DeploymentConfig.PoolConfig pc = d.pools().get(i);
            if (pc == null) {
                throw err(p, "expected a mapping, got null");
            }
            if (pc.role() == null || !Set.of("mixed", "prefill", "decode").contains(pc.role())) {
                throw err(p + ".role", "unknown pool role '" + pc.role() + "'; expected mixed, prefill or decode");
            }
            if (pc.name() == null || pc.name().isBlank()) {
                throw err(p + ".name", "expected a non-empty name");
            }
            if (!names.add(pc.name())) {
                throw err(p + ".name", "pool name '" + pc.name() + "' is used twice; names must be unique");
            }
            boolean decodes = pc.role().equals("decode");
            String router = decodes ? (dg != null ? dg : pc.router()) : (pg != null ? pg : pc.router());
            String local = decodes ? dl : pl;
            SchedulerConfig own = pc.scheduler();
            if (local != null) {
                own = own.withLocalPolicy(local);
            }
            pc = pool(p, pc.withRouter(router).withScheduler(own), model, catalog, w, d.pools().size(), sl, blockSize);
            pools.add(pc);
            switch (pc.role()) {
                case "mixed" -> mixed++;
                case "prefill" -> prefill++;
                default -> decode++;
            }
        }
        if (mixed > 0 && prefill + decode > 0) {
            throw err(base + ".pools", "a deployment is aggregated (mixed pools) or disaggregated (prefill and decode"
                    + " pools), not both");
        }
        if ((prefill > 0) != (decode > 0)) {
            throw err(base + ".pools", "a disaggregated deployment needs at least one prefill and one decode pool, got "
                    + prefill + " prefill and " + decode + " decode");
        }
        sameRouter(pools, false);
        sameRouter(pools, true);
        serverlessPools(pools, serverless, sl);
        DeploymentConfig.TransferConfig t = null;
        if (decode > 0) {
            t = d.transfer();
            transfer(t);
            for (int i = 0; i < pools.size(); i++) {
                for (int j = 0; j < pools.size(); j++) {
                    var a = pools.get(i);
                    var b = pools.get(j);
                    if (a.role().equals("prefill") && b.role().equals("decode")
                            && Math.max(a.tp(), b.tp()) % Math.min(a.tp(), b.tp()) != 0) {
                        throw err(base + ".pools." + j + ".tp", "decode pool '" + b.name() + "' has tp=" + b.tp()
                                + " and prefill pool '" + a.name() + "' tp=" + a.tp()
                                + "; one must be a multiple of the other to map KV heads between them (as vLLM requires)");
                    }
                }
            }
        }
        return new DeploymentConfig(List.copyOf(pools), t, pg, pl, dg, dl);
    }

    /** At most one serverless pool, alone in its stage (its fleet queues the stage's requests and scales for them). */
    private void serverlessPools(List<DeploymentConfig.PoolConfig> pools, boolean serverlessOn, ServerlessConfig sl) {
        int found = -1;
        for (int i = 0; i < pools.size(); i++) {
            var p = pools.get(i);
            if (!p.serverless()) {
                continue;
            }
            if (found >= 0) {
                throw err("deployment.pools." + i + ".lifecycle", "one serverless pool per deployment is modelled; pool '"
                        + pools.get(found).name() + "' already is one");
            }
            found = i;
            boolean decode = p.role().equals("decode");
            if (decode && sl != null && sl.queueCapacity() != null) {
                throw err("serverless.queue_capacity", "a decode fleet cannot turn away a prefilled request (its KV is"
                        + " held on the prefill replica); leave queue_capacity unset (unbounded)");
            }
            long stageSize = pools.stream().filter(q -> q.role().equals("decode") == decode).count();
            if (stageSize > 1) {
                throw err("deployment.pools." + i + ".lifecycle", "a serverless pool must be the only "
                        + (decode ? "decode" : "mixed or prefill") + " pool of its deployment (its fleet queues and"
                        + " scales for the whole stage)");
            }
        }
        if (serverlessOn && found < 0) {
            throw err("serverless.enabled", "is true but no pool of the deployment has lifecycle: serverless; set it on"
                    + " the one pool that should be a fleet (deployment.pools.N.lifecycle)");
        }
    }

    private String decision(String path, String name, boolean global) {
        if (name == null) {
            return null;
        }
        var known = global ? Routers.registry().all().keySet() : LocalPolicies.registry().all().keySet();
        if (!known.contains(name)) {
            throw err(path, "unknown " + (global ? "router" : "local policy") + " '" + name + "'"
                    + io.simfaasinfer.spi.Spelling.hint(name, known) + "; known: " + String.join(", ", known));
        }
        return name;
    }

    private void sameRouter(List<DeploymentConfig.PoolConfig> pools, boolean decode) {
        String first = null;
        for (int i = 0; i < pools.size(); i++) {
            var p = pools.get(i);
            if (p.role().equals("decode") != decode) {
                continue;
            }
            if (first == null) {
                first = p.router();
            } else if (!first.equals(p.router())) {
                throw err("deployment.pools." + i + ".router", "pools of one stage share one router (the "
                        + (decode ? "decode" : "prefill") + "-global decision): '" + p.router() + "' differs from '"
                        + first + "'; set it once (deployment." + (decode ? "decode" : "prefill") + "_global)");
            }
        }
    }

    private DeploymentConfig.PoolConfig pool(String p, DeploymentConfig.PoolConfig pc, ModelSpec model, Catalog catalog,
                                             WorkloadConfig w, int poolCount, ServerlessConfig sl, int blockSize) {
        GpuSpec gpu;
        try {
            gpu = catalog.gpu(pc.gpu());
        } catch (CatalogException | NullPointerException e) {
            throw err(p + ".gpu", e instanceof CatalogException ? e.getMessage() : "missing; expected a catalog GPU name");
        }
        int tp = pc.tp();
        if (pc.lifecycle() == null || !LIFECYCLES.contains(pc.lifecycle())) {
            throw err(p + ".lifecycle", "unknown lifecycle '" + pc.lifecycle() + "'; expected always_on or serverless");
        }
        int replicas = pc.replicas();
        if (pc.serverless()) {
            if (sl == null || !sl.enabled()) {
                throw err(p + ".lifecycle", "serverless needs the serverless section (serverless.enabled: true)");
            }
            replicas = sl.maxInstances();
        }
        if (pc.prefixCaching() && pc.role().equals("decode")) {
            throw err(p + ".prefix_caching", "a decode pool receives whole KV caches; prefix caching applies to"
                    + " mixed and prefill pools");
        }
        SchedulerConfig sc = new ShapeChecks(sourceOf).check(ShapeChecks.Keys.pool(p, pc.name()), model, gpu, tp,
                pc.pp(), pc.replicas(), pc.router(), pc.gpuMemoryUtilization(), pc.activationReserveGb(), pc.prefixCaching(),
                pc.scheduler(), w, blockSize, true);
        return new DeploymentConfig.PoolConfig(pc.name(), pc.role(), gpu.name(), tp, replicas, pc.router(),
                pc.gpuMemoryUtilization(), pc.activationReserveGb(), pc.prefixCaching(), pc.lifecycle(), sc, pc.pp());
    }

    private void transfer(DeploymentConfig.TransferConfig t) {
        String p = "deployment.transfer";
        if (t == null) {
            throw err(p, "missing; a disaggregated deployment needs bandwidth_gb_s, latency_ms and mode");
        }
        if (t.bandwidthGbS() != null && (!(t.bandwidthGbS() > 0) || Double.isInfinite(t.bandwidthGbS()))) {
            throw err(p + ".bandwidth_gb_s", "expected a positive number of GB/s, got " + t.bandwidthGbS());
        }
        if (!(t.latencyMs() >= 0) || Double.isInfinite(t.latencyMs()) || t.latencyMs() > 1e6) {
            throw err(p + ".latency_ms", "expected a number of ms in [0, 1e6], got " + t.latencyMs());
        }
        if (io.simfaasinfer.transfer.TransferMode.parse(t.mode()).isEmpty()) {
            throw err(p + ".mode", "unknown transfer mode '" + t.mode() + "'; expected after_prefill or layerwise");
        }
    }
}
