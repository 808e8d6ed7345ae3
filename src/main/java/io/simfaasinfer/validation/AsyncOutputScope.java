package io.simfaasinfer.validation;

import io.simfaasinfer.config.ConfigWarning;
import io.simfaasinfer.config.DeploymentConfig;
import io.simfaasinfer.config.PredictorConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.predictor.EngineModel;
import io.simfaasinfer.predictor.Engines;

import java.util.Optional;

/**
 * Which pools hand their outputs out one engine step late ({@code predictor.async_output_proc}, vLLM V0's
 * asynchronous output processing; {@code deployment.OutputLag}), decided here once for the simulation
 * ({@link #outputsOneStepLate}), the validation and the warnings. It is modelled for mixed pools without
 * pipeline parallelism. Set to true for a deployment with another pool, the configuration is refused
 * ({@link ConfigValidator}); on by the engine preset, it stays off for those pools, and for pools of
 * vLLM V1's scheduler, and a note says so.
 */
public final class AsyncOutputScope {

    /**
     * The scheduler under which the preset's default does not apply: vLLM V1's engine core hands each
     * step's outputs to its front end when the step ends ({@code vllm/v1/engine/core.py}, {@code step}).
     */
    private static final String V1_SCHEDULER = "vllm-v1";

    private AsyncOutputScope() {
    }

    /** Whether pool {@code pool}'s replicas hand each step's outputs out at the end of the next step. */
    public static boolean outputsOneStepLate(PredictorConfig p, DeploymentConfig.PoolConfig pool) {
        if (outOfScope(pool) != null) {
            return false;
        }
        if (p.asyncOutputProc() != null) {
            return p.asyncOutputProc();
        }
        return presetHasIt(p) && !underV1(pool);
    }

    /** The first pool outside the model's scope, described ("pool 'p' is pipelined (pp=2)"), or null. */
    static String firstOutOfScope(DeploymentConfig dep) {
        if (dep == null || dep.pools() == null) {
            return null;
        }
        for (DeploymentConfig.PoolConfig p : dep.pools()) {
            String why = outOfScope(p);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** The note for a preset's asynchronous output processing that some pool of {@code c} does without. */
    static Optional<ConfigWarning> note(SimulatorConfig c) {
        if (c.predictor() == null || c.predictor().asyncOutputProc() != null || !presetHasIt(c.predictor())) {
            return Optional.empty();
        }
        String source = "predictor.engine " + c.predictor().engine();
        String pool = firstOutOfScope(c.deployment());
        if (pool != null) {
            return Optional.of(new ConfigWarning("predictor.async_output_proc", source, "is off where it is not"
                    + " modelled: " + pool + " (outputs one engine step late are modelled only for mixed pools"
                    + " without pipeline parallelism; those pools hand outputs out as each step ends)"));
        }
        if (c.deployment() != null && c.deployment().pools() != null) {
            for (DeploymentConfig.PoolConfig p : c.deployment().pools()) {
                if (underV1(p)) {
                    return Optional.of(new ConfigWarning("predictor.async_output_proc", source, "is off for pool '"
                            + p.name() + "': its scheduler is vllm-v1, and vLLM V1's engine core hands each step's"
                            + " outputs out when the step ends (set predictor.async_output_proc=true to hold them"
                            + " one step)"));
                }
            }
        }
        return Optional.empty();
    }

    /** Why {@code p} cannot hand its outputs out late (pipelined, or not a mixed pool), or null. */
    private static String outOfScope(DeploymentConfig.PoolConfig p) {
        if (p.pp() > 1) {
            return "pool '" + p.name() + "' is pipelined (pp=" + p.pp() + ")";
        }
        if (!"mixed".equals(p.role())) { // roles are checked to be mixed, prefill or decode (DeploymentChecks)
            return "pool '" + p.name() + "' is a " + p.role() + " pool";
        }
        return null;
    }

    private static boolean presetHasIt(PredictorConfig p) {
        return Engines.find(p.engine()).map(EngineModel::asyncOutputProcessing).orElse(false);
    }

    private static boolean underV1(DeploymentConfig.PoolConfig p) {
        return p.scheduler() != null && V1_SCHEDULER.equals(p.scheduler().name());
    }
}
