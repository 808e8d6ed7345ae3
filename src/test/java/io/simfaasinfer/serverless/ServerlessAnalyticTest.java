package io.simfaasinfer.serverless;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.ServerlessResult;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.SimpleBatchForTest;
import io.simfaasinfer.report.JsonReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Serverless cases whose answer is known exactly. */
class ServerlessAnalyticTest {

    /** Exact, easy cold-start parts: 1 + 2 + 3 s plus the weights at 2 GB/s from local NVMe. */
    private static final String[] EXACT_COLD_START = {
        "serverless.enabled=true", "serverless.cold_start.container_start_s=1", "serverless.cold_start.framework_init_s=2",
        "serverless.cold_start.engine_warmup_s=3", "serverless.cold_start.local_nvme_gb_s=2",
        "serverless.cold_start.checkpoint_tier=local-nvme"};

    private static final long WEIGHT_BYTES = Catalog.builtin().model("llama-2-7b").weightBytes();

    private static String[] with(String[] base, String... more) {
        return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
    }

    private static long ns(double ms) {
        return Math.max(1, Math.round(ms * 1e6));
    }

    private static long nsOf(double ms) {
        return Math.round(ms * 1e6);
    }

    private record Run(SimulationResult result, List<RequestRecord> records, Simulator sim) {
    }

    private static Run run(String... sets) {
        List<RequestRecord> records = new ArrayList<>();
        Simulator sim = new Simulator(TestConfigs.of(sets), Catalog.builtin(), null, records::add);
        SimulationResult r = sim.run();
        records.sort(Comparator.comparingLong(RequestRecord::id));
        return new Run(r, records, sim);
    }

    @Test
    void oneRequestToAColdSystemHasTtftEqualToColdStartPlusPrefill() {
        Run x = run(with(EXACT_COLD_START, "workload.num_requests=1",
                "workload.prompt_tokens={distribution: fixed, value: 700}",
                "workload.output_tokens={distribution: fixed, value: 20}"));
        long coldStart = Math.round((1.0 + 2.0 + WEIGHT_BYTES / 2e9 + 3.0) * 1e9);
        long prefill = ns(x.sim().predictor().predict(SimpleBatchForTest.prefill(700, 0)).totalMs());
        RequestRecord rec = x.records().get(0);
        assertThat(nsOf(rec.ttftMs())).isEqualTo(coldStart + prefill);
        assertThat(nsOf(rec.queueDelayMs())).as("waiting for the instance counts as queueing delay").isEqualTo(coldStart);

        ServerlessResult s = x.result().serverless();
        assertThat(s.coldStarts()).isEqualTo(1);
        assertThat(s.requestsCold()).isEqualTo(1);
        assertThat(s.requestsColdShare()).isEqualTo(1.0);
        assertThat(nsOf(s.coldStartMs().max())).isEqualTo(coldStart);
        assertThat(nsOf(s.instanceStartMs().max())).isEqualTo(coldStart);
        var split = s.ttftBreakdownMs();
        assertThat(nsOf(split.coldStartWait().max())).isEqualTo(coldStart);
        assertThat(split.queueing().mean()).isZero();
        assertThat(nsOf(split.prefill().max())).isEqualTo(prefill);
        assertThat(s.coldStartModel().totalS().get("local-nvme")).isCloseTo(coldStart / 1e9, within(1e-9));
    }

    @Test
    void aSecondRequestWaitingForTheOnlyInstanceSplitsItsTtftIntoColdStartQueueingAndPrefill() {
        // two requests at t = 0, one instance that takes one request at a time
        Run x = run(with(EXACT_COLD_START, "workload.num_requests=2", "workload.arrival={process: constant, rate: 1.0e12}",
                "serverless.max_instances=1", "serverless.instance_concurrency=1",
                "workload.prompt_tokens={distribution: fixed, value: 300}",
                "workload.output_tokens={distribution: fixed, value: 5}"));
        long coldStart = Math.round((1.0 + 2.0 + WEIGHT_BYTES / 2e9 + 3.0) * 1e9);
        long prefill = ns(x.sim().predictor().predict(SimpleBatchForTest.prefill(300, 0)).totalMs());
        RequestRecord first = x.records().get(0);
        RequestRecord second = x.records().get(1);
        long finishFirst = nsOf(first.finishMs());
        assertThat(nsOf(first.ttftMs())).isEqualTo(coldStart + prefill);
        // the second waits for the cold start, then for the first to finish, then is prefilled alone
        long queueing = finishFirst - coldStart;
        assertThat(nsOf(second.firstScheduledMs())).isEqualTo(finishFirst);
        assertThat(nsOf(second.ttftMs())).isEqualTo(coldStart + queueing + prefill);
        var split = x.result().serverless().ttftBreakdownMs();
        assertThat(nsOf(split.coldStartWait().max())).isEqualTo(coldStart);
        assertThat(split.coldStartWait().count()).isEqualTo(2);
        assertThat(nsOf(split.queueing().max())).isEqualTo(queueing);
        assertThat(nsOf(split.prefill().max())).isEqualTo(prefill);
        assertThat(x.result().serverless().requestsCold()).isEqualTo(2);
    }

    private static String[] twoRequestsApart(double gapS, double keepAliveS) {
        return with(EXACT_COLD_START, "workload.num_requests=2",
                "workload.arrival={process: constant, rate: " + (1 / gapS) + "}",
                "workload.prompt_tokens={distribution: fixed, value: 256}",
                "workload.output_tokens={distribution: fixed, value: 8}",
                "serverless.autoscaler.name=scale_to_zero", "serverless.keep_alive_s=" + keepAliveS);
    }

    @Test
    void keepAliveLongerThanTheGapKeepsTheInstanceWarmAndShorterDoesNot() {
        Run warm = run(twoRequestsApart(30, 60));
        long prefill = ns(warm.sim().predictor().predict(SimpleBatchForTest.prefill(256, 0)).totalMs());
        assertThat(warm.result().serverless().coldStarts()).isEqualTo(1);
        assertThat(warm.result().serverless().requestsCold()).isEqualTo(1);
        assertThat(warm.result().serverless().releases()).isZero();
        assertThat(nsOf(warm.records().get(1).ttftMs())).as("second request finds a warm instance").isEqualTo(prefill);

        Run cold = run(twoRequestsApart(30, 10));
        long coldStart = Math.round((1.0 + 2.0 + WEIGHT_BYTES / 2e9 + 3.0) * 1e9);
        assertThat(cold.result().serverless().coldStarts()).isEqualTo(2);
        assertThat(cold.result().serverless().requestsCold()).isEqualTo(2);
        assertThat(cold.result().serverless().releases()).isEqualTo(1);
        // the host still caches the weights, so the second start reads the page cache (default 6.64 GB/s)
        long restart = Math.round((1.0 + 2.0 + WEIGHT_BYTES / 6.64e9 + 3.0) * 1e9);
        assertThat(cold.result().serverless().coldStartsByTier()).containsEntry("local-nvme", 1L)
                .containsEntry("page-cache", 1L);
        assertThat(nsOf(cold.records().get(0).ttftMs())).isEqualTo(coldStart + prefill);
        assertThat(nsOf(cold.records().get(1).ttftMs())).isEqualTo(restart + prefill);
    }

    @Test
    void costOfAnAlwaysOnInstanceIsPriceTimesDuration() {
        String[] workload = {"workload.num_requests=50", "workload.arrival={process: poisson, rate: 2}"};
        double price = Catalog.builtin().gpu("h100-80gb").pricePerHour();

        SimulationResult alwaysOn = new Simulator(TestConfigs.of(workload)).run();
        double t = alwaysOn.simulation().simulatedS();
        assertThat(alwaysOn.cost().costUsd()).isCloseTo(price * t / 3600, within(1e-12));

        // a warm pool of one that can never scale is the same instance: same schedule, same cost when billed exactly
        SimulationResult pool = new Simulator(TestConfigs.of(with(workload, "serverless.enabled=true",
                "serverless.min_instances=1", "serverless.max_instances=1", "serverless.billing.granularity_s=0"))).run();
        assertThat(pool.serverless().coldStarts()).isZero();
        assertThat(pool.serverless().instanceSeconds().starting()).isZero();
        assertThat(pool.simulation().simulatedS()).isEqualTo(t);
        assertThat(pool.ttftMs()).isEqualTo(alwaysOn.ttftMs());
        assertThat(pool.e2eMs()).isEqualTo(alwaysOn.e2eMs());
        assertThat(pool.serverless().instanceSeconds().total()).isCloseTo(t, within(1e-9));
        assertThat(pool.cost().costUsd()).isCloseTo(price * t / 3600, within(1e-12));
        assertThat(pool.serverless().billing().costPerHour()).isCloseTo(price, within(1e-9));
        assertThat(pool.cost().costPer1kRequests()).isCloseTo(alwaysOn.cost().costPer1kRequests(), within(1e-12));
        assertThat(pool.cost().qpsPerDollar()).isCloseTo(alwaysOn.cost().qpsPerDollar(), within(1e-9));

        // per-second billing rounds the instance's life up to whole seconds
        SimulationResult perSecond = new Simulator(TestConfigs.of(with(workload, "serverless.enabled=true",
                "serverless.min_instances=1", "serverless.max_instances=1"))).run();
        assertThat(perSecond.serverless().billing().billedGpuSeconds()).isEqualTo(Math.ceil(t));
    }

    @Test
    void billingOptionsChangeWhatIsBilledNotWhatHappens() {
        String[] base = with(EXACT_COLD_START, "workload.num_requests=3", "workload.arrival={process: constant, rate: 0.05}",
                "workload.output_tokens={distribution: fixed, value: 16}", "serverless.autoscaler.name=scale_to_zero",
                "serverless.keep_alive_s=5", "serverless.billing.granularity_s=0");
        ServerlessResult all = new Simulator(TestConfigs.of(base)).run().serverless();
        var i = all.instanceSeconds();
        assertThat(i.busy() + i.idle() + i.starting()).isCloseTo(i.total(), within(1e-9));
        assertThat(all.billing().billedGpuSeconds()).isCloseTo(i.total(), within(1e-9));

        ServerlessResult busyOnly = new Simulator(TestConfigs.of(with(base, "serverless.billing.bill_cold_start=false",
                "serverless.billing.idle_price_factor=0"))).run().serverless();
        assertThat(busyOnly.instanceSeconds()).isEqualTo(i);
        assertThat(busyOnly.billing().billedGpuSeconds()).isCloseTo(i.busy(), within(1e-9));

        // three separate lifetimes (20 s apart, 5 s keep-alive), each billed at least 60 s
        ServerlessResult minimum = new Simulator(TestConfigs.of(with(base, "serverless.billing.minimum_s=60")))
                .run().serverless();
        assertThat(minimum.coldStarts()).isEqualTo(3);
        assertThat(minimum.billing().billedGpuSeconds()).isEqualTo(180.0);
    }

    @Test
    void disabledServerlessSettingsLeaveTheAlwaysOnResultsByteIdentical() {
        String[] base = {"workload.num_requests=300", "cluster.replicas=2", "workload.arrival={process: gamma, rate: 20, cv: 3}"};
        String plain = withoutWallClock(new Simulator(TestConfigs.of(base)).run());
        String disabled = withoutWallClock(new Simulator(TestConfigs.of(with(base, "serverless.enabled=false",
                "serverless.max_instances=3", "serverless.autoscaler.name=threshold", "serverless.keep_alive_s=1")))
                .run());
        assertThat(disabled).isEqualTo(plain).doesNotContain("serverless");
    }

    static String withoutWallClock(SimulationResult r) {
        return JsonReport.toJson(r).replaceAll("\"wall_s\" : [0-9.eE-]+", "\"wall_s\" : 0");
    }
}
