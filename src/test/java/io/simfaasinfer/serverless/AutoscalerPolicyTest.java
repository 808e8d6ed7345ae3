package io.simfaasinfer.serverless;

import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.config.ServerlessConfig.ConcurrencyConfig;
import io.simfaasinfer.config.ServerlessConfig.PredictiveConfig;
import io.simfaasinfer.config.ServerlessConfig.QueueLengthConfig;
import io.simfaasinfer.config.ServerlessConfig.ThresholdConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each policy's decisions over a hand-set view: no engine involved. */
class AutoscalerPolicyTest {

    private static final long S = 1_000_000_000L;

    @Test
    void concurrencyFollowsTheStableWindowAndPanicsOnABurstWithoutScalingDownUntilAStableWindowPasses() {
        var kpa = new ConcurrencyAutoscaler(new ConcurrencyConfig(10, 60, 6, 2.0));
        FakeFleetView v = new FakeFleetView();
        v.busy = 2;
        v.stableDemand = 15;
        v.panicDemand = 15;
        assertThat(kpa.desired(v, 0)).isEqualTo(2); // ceil(15 / 10)
        assertThat(kpa.panicking()).isFalse();

        v.panicDemand = 45; // 4.5 instances' worth >= 2 x 2 ready: panic
        assertThat(kpa.desired(v, 2 * S)).isEqualTo(5);
        assertThat(kpa.panicking()).isTrue();

        v.busy = 5;
        v.panicDemand = 12; // burst over, but no scale-down while panicking
        assertThat(kpa.desired(v, 30 * S)).isEqualTo(5);
        assertThat(kpa.desired(v, 61 * S)).isEqualTo(5);
        assertThat(kpa.desired(v, 62 * S)).as("a stable window after the last panic signal").isEqualTo(2);
        assertThat(kpa.panicking()).isFalse();

        v.stableDemand = 0;
        v.panicDemand = 0;
        assertThat(kpa.desired(v, 70 * S)).as("no traffic in the stable window: scale to zero").isZero();
    }

    @Test
    void thresholdStepsUpAndDownWithACooldown() {
        var t = new ThresholdAutoscaler(new ThresholdConfig("gpu_busy", 0.8, 0.3, 30, 1));
        FakeFleetView v = new FakeFleetView();
        v.busy = 2;
        v.busyFraction = 0.95;
        assertThat(t.desired(v, 0)).isEqualTo(3);
        assertThat(t.desired(v, 10 * S)).as("cooldown").isEqualTo(3);
        v.busy = 3;
        assertThat(t.desired(v, 31 * S)).isEqualTo(4);
        v.busy = 4;
        v.busyFraction = 0.5;
        assertThat(t.desired(v, 70 * S)).as("inside the band").isEqualTo(4);
        v.busyFraction = 0.1;
        assertThat(t.desired(v, 72 * S)).isEqualTo(3);
        assertThat(t.desired(v, 80 * S)).isEqualTo(3);

        var fleetEmpty = new ThresholdAutoscaler(new ThresholdConfig("gpu_busy", 0.8, 0.3, 30, 2));
        FakeFleetView empty = new FakeFleetView();
        assertThat(fleetEmpty.desired(empty, 0)).isZero();
        empty.queued = 1;
        assertThat(new ThresholdAutoscaler(new ThresholdConfig("gpu_busy", 0.8, 0.3, 30, 2)).desired(empty, 0))
                .as("demand with nothing alive").isEqualTo(2);
    }

    @Test
    void thresholdMetricsReadTheirSignal() {
        FakeFleetView v = new FakeFleetView();
        v.busy = 2;
        v.inFlight = 10;
        v.kv = 0.42;
        v.instanceConcurrency = 10;
        assertThat(new ThresholdAutoscaler(new ThresholdConfig("kv_cache", 0.8, 0.3, 0, 1)).utilization(v)).isEqualTo(0.42);
        assertThat(new ThresholdAutoscaler(new ThresholdConfig("concurrency", 0.8, 0.3, 0, 1)).utilization(v))
                .isEqualTo(0.5);
        v.instanceConcurrency = 0; // falls back to max_num_seqs
        assertThat(new ThresholdAutoscaler(new ThresholdConfig("concurrency", 0.8, 0.3, 0, 1)).utilization(v))
                .isCloseTo(10.0 / 512, within(1e-12));
    }

    @Test
    void queueLengthKeepsBusyInstancesAndAddsOnePerTargetBacklog() {
        var q = new QueueLengthAutoscaler(new QueueLengthConfig(4));
        FakeFleetView v = new FakeFleetView();
        v.busy = 2;
        v.idle = 3;
        assertThat(q.desired(v, 0)).isEqualTo(2);
        v.waiting = 17;
        assertThat(q.desired(v, 0)).isEqualTo(5);
    }

    @Test
    void scaleToZeroWantsOneInstancePerConcurrencySlotOfDemandAndReactsAtOnce() {
        var z = new ScaleToZeroAutoscaler();
        assertThat(z.reactive()).isTrue();
        FakeFleetView v = new FakeFleetView();
        assertThat(z.desired(v, 0)).isZero();
        v.queued = 3;
        v.inFlight = 4;
        assertThat(z.desired(v, 0)).as("no concurrency limit: one instance").isEqualTo(1);
        v.instanceConcurrency = 2;
        assertThat(z.desired(v, 0)).isEqualTo(4);
    }

    @Test
    void predictiveExtrapolatesARisingRateByTheLeadTime() {
        // rates 1, 2, 3, 4 req/s at 2 s steps: the line reaches 4 + 20 / 2 = 14 req/s a 20 s lead later
        assertThat(PredictiveAutoscaler.forecast(new double[] {1, 2, 3, 4}, 2, 20)).isCloseTo(14, within(1e-9));
        assertThat(PredictiveAutoscaler.forecast(new double[] {5, 3, 1}, 2, 20)).isZero();
        assertThat(PredictiveAutoscaler.forecast(new double[0], 2, 20)).isZero();

        var p = new PredictiveAutoscaler(new PredictiveConfig(120, null, 10));
        FakeFleetView v = new FakeFleetView();
        v.inFlight = 5;
        assertThat(p.desired(v, 0)).as("no service time yet: the present demand").isEqualTo(1);
        v.serviceS = 2.0;
        v.rates = new double[] {1, 2, 3, 4};
        // 14 req/s x 2 s = 28 in flight at target 10 -> 3 instances, ahead of the 1 the present needs
        assertThat(p.desired(v, 0)).isEqualTo(3);
    }

    @Test
    void registryListsTheBuiltInPoliciesAndCreatesThemFromConfig() {
        var cfg = TestConfigs.of("serverless.enabled=true").serverless();
        assertThat(Autoscalers.registry().all().keySet())
                .containsExactly("concurrency", "predictive", "queue_length", "scale_to_zero", "threshold");
        for (var f : Autoscalers.registry().all().values()) {
            assertThat(f.create(cfg)).isNotNull();
            assertThat(f.description()).isNotBlank();
        }
    }
}
