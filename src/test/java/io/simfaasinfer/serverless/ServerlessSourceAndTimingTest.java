package io.simfaasinfer.serverless;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.SimpleBatchForTest;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.workload.RequestSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet takes its requests from any {@link RequestSource} (a replayed trace plugs in the same
 * way), and the autoscaler decides only on its evaluation ticks.
 */
class ServerlessSourceAndTimingTest {

    private static final long S = 1_000_000_000L;

    /** A fixed list of requests, as a trace reader would produce them. */
    private static RequestSource listOf(List<Request> requests) {
        Iterator<Request> it = requests.iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    @Test
    void aSuppliedRequestSourceDrivesTheFleetWithExactColdStartsAndKeepAlive() {
        // arrivals at 0 s, 40 s (within the 60 s keep-alive of the first instance) and 500 s (after it,
        // and after the 600 s host-cache TTL has not yet run out: the restart reads the page cache)
        var config = TestConfigs.of("workload.num_requests=3", "serverless.enabled=true",
                "serverless.autoscaler.name=scale_to_zero", "serverless.keep_alive_s=60",
                "serverless.cold_start.container_start_s=1", "serverless.cold_start.framework_init_s=2",
                "serverless.cold_start.engine_warmup_s=3", "serverless.cold_start.local_nvme_gb_s=2",
                "serverless.cold_start.page_cache_gb_s=8");
        List<Request> trace = List.of(new Request(0, 0, 512, 10, true), new Request(1, 40 * S, 512, 10, true),
                new Request(2, 500 * S, 512, 10, true));
        List<RequestRecord> records = new ArrayList<>();
        Simulator sim = new Simulator(config, Catalog.builtin(), listOf(trace), records::add);
        SimulationResult r = sim.run();
        records.sort(Comparator.comparingLong(RequestRecord::id));

        long weights = Catalog.builtin().model("llama-2-7b").weightBytes();
        long nvmeStart = Math.round((1 + 2 + weights / 2e9 + 3) * 1e9);
        long cacheStart = Math.round((1 + 2 + weights / 8e9 + 3) * 1e9);
        long prefill = Math.max(1, Math.round(sim.predictor().predict(SimpleBatchForTest.prefill(512, 0)).totalMs() * 1e6));
        assertThat(r.requests().completed()).isEqualTo(3);
        assertThat(r.serverless().coldStarts()).isEqualTo(2);
        assertThat(r.serverless().coldStartsByTier()).containsEntry("local-nvme", 1L).containsEntry("page-cache", 1L);
        assertThat(Math.round(records.get(0).ttftMs() * 1e6)).isEqualTo(nvmeStart + prefill);
        assertThat(Math.round(records.get(1).ttftMs() * 1e6)).as("warm within the keep-alive").isEqualTo(prefill);
        assertThat(Math.round(records.get(2).ttftMs() * 1e6)).as("restart from the host page cache")
                .isEqualTo(cacheStart + prefill);
        assertThat(r.serverless().releases()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(doubles = {3, 7})
    void theAutoscalerScalesUpOnlyOnAnEvaluationTick(double intervalS) {
        // one warm instance, saturated from t = 0: the threshold policy sees a busy GPU at the first
        // tick with history (t = interval) and starts the second instance exactly then
        SimulationResult r = new Simulator(TestConfigs.of("workload.num_requests=200",
                "workload.arrival={process: constant, rate: 20}",
                "workload.prompt_tokens={distribution: fixed, value: 512}",
                "workload.output_tokens={distribution: fixed, value: 256}",
                "serverless.enabled=true", "serverless.min_instances=1", "serverless.max_instances=2",
                "serverless.autoscaler.name=threshold", "serverless.autoscaler.threshold.scale_up_above=0.5",
                "serverless.autoscaler.threshold.cooldown_s=0",
                "serverless.autoscaler.evaluation_interval_s=" + intervalS)).run();
        var firstStart = r.serverless().instancesOverTime().stream().filter(p -> p.starting() > 0).findFirst();
        assertThat(firstStart).isPresent();
        assertThat(firstStart.get().tS()).isEqualTo(intervalS);
        assertThat(r.serverless().coldStarts()).isEqualTo(1);
        assertThat(r.serverless().instancesPeak()).isEqualTo(2);
    }
}
