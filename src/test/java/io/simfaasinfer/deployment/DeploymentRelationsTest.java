package io.simfaasinfer.deployment;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.routing.Routers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Relations from the literature and between deployment shapes, on fixed seeds. */
class DeploymentRelationsTest {

    /** Prefill-heavy (DistServe's setting): prompts 1-3k tokens, short outputs. */
    private static final String[] PREFILL_HEAVY = {"simulation.random_seed=3", "workload.num_requests=1500",
        "workload.prompt_tokens={distribution: uniform, min: 1024, max: 3072}",
        "workload.output_tokens={distribution: uniform, min: 32, max: 256}"};

    private static SimulationResult run(String rate, String... sets) {
        List<String> all = new ArrayList<>(List.of(PREFILL_HEAVY));
        all.add("workload.arrival.rate=" + rate);
        all.addAll(List.of(sets));
        return new Simulator(TestConfigs.of(all.toArray(new String[0]))).run();
    }

    private static String[] disagg(int prefill, int decode) {
        return new String[] {"disaggregation.enabled=true", "disaggregation.prefill.replicas=" + prefill,
            "disaggregation.decode.replicas=" + decode};
    }

    @Test
    void atEqualGpusDisaggregationCutsP99TbtBecausePrefillsNoLongerStallDecodes() {
        SimulationResult agg = run("24", "cluster.replicas=4");
        SimulationResult dis = run("24", disagg(2, 2));
        assertThat(dis.requests().completed()).isEqualTo(agg.requests().completed()).isEqualTo(1500);
        // DistServe (OSDI'24) Fig. 1/2: colocated prefills stall decodes; here p99 TBT ~147 ms vs ~27 ms
        assertThat(dis.tbtMs().p99()).isLessThan(agg.tbtMs().p99() / 3);
        // decode steps on the decode pool never wait for a prefill: p99 TBT stays near one decode step
        assertThat(dis.tbtMs().p99()).isLessThan(2 * dis.tbtMs().p50());
    }

    @Test
    void ttftRisesAsThePrefillPoolShrinks() {
        double p3 = run("16", disagg(3, 3)).ttftMs().mean();
        double p2 = run("16", disagg(2, 3)).ttftMs().mean();
        double p1 = run("16", disagg(1, 3)).ttftMs().mean();
        assertThat(p2).isGreaterThan(p3);
        assertThat(p1).isGreaterThan(5 * p2); // one prefill replica is past saturation at 16 req/s of 2k-token prompts
    }

    @Test
    void aSaturatedDecodePoolBackPressuresPrefillThroughHeldKv() {
        SimulationResult ok = run("24", disagg(3, 3));
        SimulationResult starved = run("24", disagg(3, 1));
        assertThat(ok.kvTransfer().waitsForDecodeMemory()).isZero();
        assertThat(starved.kvTransfer().waitsForDecodeMemory()).isGreaterThan(100);
        assertThat(starved.kvTransfer().waitingPeak()).isGreaterThan(0);
        // the prefill replicas keep the KV of requests waiting for decode memory, so they fill up and queue prompts
        SimulationResult.PoolStats prefillOk = ok.pools().get(0);
        SimulationResult.PoolStats prefillStarved = starved.pools().get(0);
        assertThat(prefillStarved.role()).isEqualTo("prefill");
        assertThat(prefillStarved.kvCacheUtilPeak()).isGreaterThan(prefillOk.kvCacheUtilPeak() * 5);
        assertThat(starved.ttftSplitMs().queueing().mean()).isGreaterThan(100 * ok.ttftSplitMs().queueing().mean());
        assertThat(starved.requests().completed()).isEqualTo(1500); // never dropped
    }

    static Stream<String> builtinRouters() {
        return Routers.registry().all().keySet().stream().filter(n -> !n.startsWith("test-"));
    }

    /** Every router, same view: a serverless pool warm from t = 0 and never released is the always-on cluster. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("builtinRouters")
    void aServerlessPoolAlwaysWarmGivesExactlyTheAlwaysOnResults(String router) {
        String[] common = {"simulation.random_seed=11", "workload.num_requests=400",
            "workload.arrival={process: gamma, rate: 30, cv: 3}",
            "workload.prompt_tokens={distribution: uniform, min: 64, max: 2048}",
            "workload.output_tokens={distribution: uniform, min: 4, max: 400}",
            "workload.shared_prefix_tokens=256", "cluster.prefix_caching=true", "cluster.router=" + router};
        List<String> on = new ArrayList<>(List.of(common));
        on.add("cluster.replicas=3");
        List<String> sl = new ArrayList<>(List.of(common));
        sl.addAll(List.of("serverless.enabled=true", "serverless.min_instances=3", "serverless.max_instances=3",
                "serverless.keep_alive_s=1e6"));
        List<RequestRecord> a = new ArrayList<>();
        List<RequestRecord> b = new ArrayList<>();
        SimulationResult ra = new Simulator(TestConfigs.of(on.toArray(new String[0])), Catalog.builtin(), null, a::add).run();
        SimulationResult rb = new Simulator(TestConfigs.of(sl.toArray(new String[0])), Catalog.builtin(), null, b::add).run();
        assertThat(rb.serverless()).isNotNull();
        assertThat(rb.serverless().coldStarts()).isZero();
        assertThat(b).isEqualTo(a); // every request: same replica, same times
        assertThat(rb.ttftMs()).isEqualTo(ra.ttftMs());
        assertThat(rb.tbtMs()).isEqualTo(ra.tbtMs());
        assertThat(rb.prefixCache()).isEqualTo(ra.prefixCache());
        assertThat(rb.replicas()).isEqualTo(ra.replicas());
    }

    @Test
    void heterogeneousMixedPoolsBehindOneRouterSendMoreWorkToTheFasterGpu() {
        String dep = "deployment={pools: [{name: fast, gpu: h100-80gb, replicas: 2}, {name: slow, gpu: a100-80gb,"
                + " replicas: 2}], prefill_global: least_outstanding}";
        List<RequestRecord> records = new ArrayList<>();
        Simulator sim = new Simulator(TestConfigs.of("simulation.random_seed=5", "workload.num_requests=2000",
                "workload.arrival.rate=30", dep), Catalog.builtin(), null, records::add);
        SimulationResult r = sim.run();
        assertThat(r.requests().completed()).isEqualTo(2000);
        assertThat(r.deployment()).isEqualTo("aggregated");
        assertThat(r.pools()).extracting(SimulationResult.PoolStats::gpu).containsExactly("h100-80gb", "a100-80gb");
        long onFast = records.stream().filter(x -> x.replica() < 2).count();
        long onSlow = records.stream().filter(x -> x.replica() >= 2).count();
        assertThat(onFast + onSlow).isEqualTo(2000);
        assertThat(onSlow).isGreaterThan(0);
        assertThat(onFast).as("least outstanding drains the faster replicas sooner").isGreaterThan(onSlow);
        // cost adds up over pools of different prices
        assertThat(r.cost().costUsd()).isCloseTo(r.pools().stream().mapToDouble(SimulationResult.PoolStats::costUsd)
                .sum(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.cost().gpus()).isEqualTo(4);
    }
}
