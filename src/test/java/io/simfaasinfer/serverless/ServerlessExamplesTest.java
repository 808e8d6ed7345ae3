package io.simfaasinfer.serverless;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.metrics.ServerlessResult;
import io.simfaasinfer.metrics.SimulationResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped serverless examples load, validate and run to completion with what they promise. */
class ServerlessExamplesTest {

    @ParameterizedTest
    @ValueSource(strings = {"scale-to-zero", "warm-pool", "threshold"})
    void everyExampleRunsEndToEnd(String name) {
        var config = new ConfigLoader().load(Path.of("examples/serverless-" + name + ".yaml"), List.of()).config();
        SimulationResult r = new Simulator(config).run();
        ServerlessResult s = r.serverless();
        assertThat(s).isNotNull();
        assertThat(r.requests().completed()).isEqualTo(config.workload().numRequests().longValue());
        assertThat(s.warmPool()).isEqualTo(config.serverless().minInstances());
        assertThat(s.instancesPeak()).isBetween(Math.max(1, s.warmPool()), config.serverless().maxInstances());
        assertThat(s.coldStarts()).isPositive();
        assertThat(s.instancesOverTime()).isNotEmpty();
        assertThat(r.cost().costUsd()).isEqualTo(s.billing().costUsd()).isPositive();
        switch (name) {
            case "scale-to-zero" -> assertThat(s.instancesOverTime().get(0).ready()).isZero();
            case "warm-pool" -> assertThat(s.coldStartsByTier()).containsOnlyKeys("pinned");
            default -> assertThat(s.autoscaler()).isEqualTo("threshold");
        }
    }
}
