package io.simfaasinfer.config;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * A whole simulation, as read from YAML/JSON (snake_case keys) after defaults and command-line
 * overrides are applied. Every section is present once loaded by {@link ConfigLoader}.
 */
public record SimulatorConfig(
        SimulationConfig simulation,
        WorkloadConfig workload,
        ModelConfig model,
        @JsonAlias("hardware") ClusterConfig cluster,
        SchedulerConfig scheduler,
        PredictorConfig predictor,
        CatalogConfig catalog,
        ServerlessConfig serverless,
        DeploymentConfig deployment,
        SloConfig slo) {

    /** A configuration without SLO section (no TPOT or E2E objective). */
    public SimulatorConfig(SimulationConfig simulation, WorkloadConfig workload, ModelConfig model,
                           ClusterConfig cluster, SchedulerConfig scheduler, PredictorConfig predictor,
                           CatalogConfig catalog, ServerlessConfig serverless, DeploymentConfig deployment) {
        this(simulation, workload, model, cluster, scheduler, predictor, catalog, serverless, deployment, null);
    }

    /** A configuration without a deployment section (the cluster, scheduler and serverless sections say it). */
    public SimulatorConfig(SimulationConfig simulation, WorkloadConfig workload, ModelConfig model,
                           ClusterConfig cluster, SchedulerConfig scheduler, PredictorConfig predictor,
                           CatalogConfig catalog, ServerlessConfig serverless) {
        this(simulation, workload, model, cluster, scheduler, predictor, catalog, serverless, null);
    }

    /** This configuration with {@code d} as its deployment. */
    public SimulatorConfig withDeployment(DeploymentConfig d) {
        return new SimulatorConfig(simulation, workload, model, cluster, scheduler, predictor, catalog, serverless, d,
                slo);
    }

    /** A configuration without a serverless section (the always-on cluster). */
    public SimulatorConfig(SimulationConfig simulation, WorkloadConfig workload, ModelConfig model,
                           ClusterConfig cluster, SchedulerConfig scheduler, PredictorConfig predictor,
                           CatalogConfig catalog) {
        this(simulation, workload, model, cluster, scheduler, predictor, catalog, null);
    }
}
