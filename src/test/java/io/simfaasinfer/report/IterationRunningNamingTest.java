package io.simfaasinfer.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.metrics.SimulationResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica's former "busy" fraction is the time an iteration runs, not saturation: the results
 * name it so, and the LLM Inference Simulator schema keeps its own key for it.
 */
class IterationRunningNamingTest {

    @Test
    void theFractionIsNamedIterationRunningEverywhereButTheOtherSimulatorsSchema() {
        SimulationResult r = new Simulator(TestConfigs.of("workload.num_requests=30", "cluster.replicas=2")).run();
        JsonNode json = JsonReport.tree(r);
        double mean = json.path("utilization").path("iteration_running_fraction_mean").asDouble(-1);
        assertThat(mean).isBetween(0.0, 1.0);
        assertThat(json.path("pools").get(0).has("iteration_running_fraction_mean")).isTrue();
        JsonNode replica = json.path("replicas").get(0);
        assertThat(replica.path("iteration_running_fraction").asDouble(-1)).isBetween(0.0, 1.0);
        assertThat(replica.path("iteration_running_s").asDouble(-1)).isPositive();
        assertThat(JsonReport.toJson(r)).doesNotContain("busy_fraction", "busy_s");
        assertThat(TextSummary.render(r)).contains("utilization: iteration running ").doesNotContain("busy");
        assertThat(LlmInferenceSimulatorSchema.toTree(r).path("xpu_utilization").asDouble(-1)).isEqualTo(mean);
    }
}
