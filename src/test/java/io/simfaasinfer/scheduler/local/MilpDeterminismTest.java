package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.metrics.RequestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MILP's work budget is counted in branch-and-bound nodes, not milliseconds: the same config and
 * seed give the same per-request results on an idle machine and on one whose cores are taken by
 * other threads, including when the budget binds (a small {@code milp_node_limit}).
 */
class MilpDeterminismTest {

    private record Run(List<RequestRecord> records, Map<String, Long> counters) {
    }

    private static Run run(String nodeLimit) {
        SimulatorConfig c = TestConfigs.of("simulation.random_seed=5", "workload.num_requests=1500",
                "workload.arrival.rate=80", "workload.ttft_slo_ms=500", "scheduler.local_policy=milp",
                "scheduler.milp_node_limit=" + nodeLimit);
        List<RequestRecord> records = new ArrayList<>();
        var result = new Simulator(c, Catalog.builtin(), null, records::add).run();
        return new Run(records, result.scheduling().localPolicyCounters());
    }

    @ParameterizedTest(name = "milp_node_limit {0}")
    @ValueSource(strings = {"2000", "15"})
    void theSameSeedGivesTheSameRequestsOnAnIdleAndABusyMachine(String nodeLimit) throws InterruptedException {
        Run idle = run(nodeLimit);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> burners = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (!stop.get()) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "cpu-burner-" + i);
            t.setDaemon(true);
            t.start();
            burners.add(t);
        }
        Run busy;
        try {
            busy = run(nodeLimit);
        } finally {
            stop.set(true);
            for (Thread t : burners) {
                t.join();
            }
        }
        assertThat(idle.counters().get("milp_solved")).as("the solver was used").isPositive();
        if (nodeLimit.equals("15")) {
            assertThat(idle.counters().get("milp_limited")).as("the budget binds").isPositive();
        }
        assertThat(busy.counters()).isEqualTo(idle.counters());
        assertThat(busy.records()).hasSize(1500).isEqualTo(idle.records());
    }
}
