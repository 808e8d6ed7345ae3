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
        assertThat(kpa.desired(v, 70 * S)).as("no traffic, but at most halving 5 ready: floor(5 / 2)").isEqualTo(2);
        v.busy = 2;
        assertThat(kpa.desired(v, 72 * S)).isEqualTo(1);
        v.busy = 1;
        assertThat(kpa.desired(v, 74 * S)).as("no traffic in the stable window: floor(1 / 2) = 0, scale to zero").isZero();
    }

    private static ConcurrencyAutoscaler kpa(double upRate, double downRate, double delayS) {
        return new ConcurrencyAutoscaler(new ConcurrencyConfig(10, 60, 6, 2.0, upRate, downRate, delayS));
    }

    @Test
    void maxScaleUpRateCapsABurstAtCeilRateTimesReadyPerEvaluation() {
        var kpa = kpa(2, 2, 0);
        FakeFleetView v = new FakeFleetView();
        v.busy = 1;
        v.stableDemand = 200; // 20 instances' worth in both windows: a burst, so panic
        v.panicDemand = 200;
        assertThat(kpa.desired(v, 0)).as("from 1 ready at rate 2: ceil(2 x 1)").isEqualTo(2);
        assertThat(kpa.panicking()).isTrue();
        v.busy = 2;
        assertThat(kpa.desired(v, 2 * S)).isEqualTo(4);
        v.busy = 4;
        assertThat(kpa.desired(v, 4 * S)).isEqualTo(8);
        v.busy = 8;
        assertThat(kpa.desired(v, 6 * S)).isEqualTo(16);
        v.busy = 16;
        assertThat(kpa.desired(v, 8 * S)).as("the need, now under the cap of 32").isEqualTo(20);

        var slow = kpa(1.5, 2, 0);
        FakeFleetView w = new FakeFleetView();
        w.busy = 3;
        w.stableDemand = 100;
        w.panicDemand = 100;
        assertThat(slow.desired(w, 0)).as("ceil(1.5 x 3) = 5, not 10").isEqualTo(5);
        w.busy = 0;
        w.starting = 5;
        assertThat(slow.desired(w, 2 * S)).as("nothing ready counts as one: ceil(1.5) = 2, panic keeps its high of 5")
                .isEqualTo(5);

        var unlimited = kpa(1000, 2, 0);
        assertThat(unlimited.desired(v, 0)).as("the default 1000 does not bind").isEqualTo(20);
    }

    @Test
    void maxScaleDownRateHalvesPerEvaluationByDefaultAndPanicNeverScalesDown() {
        var kpa = new ConcurrencyAutoscaler(new ConcurrencyConfig(10, 60, 6, 2.0));
        FakeFleetView v = new FakeFleetView();
        v.busy = 16;
        v.stableDemand = 5;
        v.panicDemand = 5;
        int[] expected = {8, 4, 2, 1, 1};
        int ready = 16;
        for (int i = 0; i < expected.length; i++) {
            v.busy = ready;
            int want = kpa.desired(v, i * 2 * S);
            assertThat(want).as("evaluation %d from %d ready", i, ready).isEqualTo(expected[i]);
            assertThat(want).isGreaterThanOrEqualTo(ready / 2);
            ready = want;
        }

        var thirds = kpa(1000, 3, 0);
        v.busy = 10;
        v.stableDemand = 0;
        v.panicDemand = 0;
        assertThat(thirds.desired(v, 0)).as("floor(10 / 3)").isEqualTo(3);

        var panicking = kpa(1000, 2, 0);
        FakeFleetView p = new FakeFleetView();
        p.busy = 2;
        p.stableDemand = 10;
        p.panicDemand = 60; // 6 >= 2 x 2: panic
        assertThat(panicking.desired(p, 0)).isEqualTo(6);
        p.busy = 6;
        p.stableDemand = 0;
        p.panicDemand = 0; // demand gone: the rate limit alone would allow floor(6 / 2) = 3
        for (long t = 2; t < 60; t += 2) {
            assertThat(panicking.desired(p, t * S)).as("panicking at %d s", t).isEqualTo(6);
        }
        assertThat(panicking.desired(p, 60 * S)).as("a stable window after the panic: halve").isEqualTo(3);
        assertThat(panicking.panicking()).isFalse();
    }

    @Test
    void scaleDownDelayHoldsThePeakDecisionForTheWindow() {
        var kpa = kpa(1000, 1000, 30);
        FakeFleetView v = new FakeFleetView();
        v.busy = 4;
        v.stableDemand = 40;
        v.panicDemand = 40;
        assertThat(kpa.desired(v, 10 * S)).isEqualTo(4);
        v.stableDemand = 60; // 6 / 4 < 2: no panic
        v.panicDemand = 60;
        assertThat(kpa.desired(v, 12 * S)).isEqualTo(6);
        assertThat(kpa.panicking()).isFalse();
        v.busy = 6;
        v.stableDemand = 10;
        v.panicDemand = 10;
        for (long t = 14; t < 42; t += 2) {
            assertThat(kpa.desired(v, t * S)).as("peak of 6 at 12 s held at %d s", t).isEqualTo(6);
        }
        assertThat(kpa.desired(v, 42 * S)).as("the 6 of 12 s has left the 30 s window").isEqualTo(1);
        v.stableDemand = 30;
        v.panicDemand = 30;
        assertThat(kpa.desired(v, 44 * S)).as("scale-up is never delayed").isEqualTo(3);
        v.stableDemand = 20;
        v.panicDemand = 20;
        assertThat(kpa.desired(v, 46 * S)).isEqualTo(3);

        var none = kpa(1000, 1000, 0);
        v.busy = 6;
        v.stableDemand = 60;
        v.panicDemand = 60;
        assertThat(none.desired(v, 12 * S)).isEqualTo(6);
        v.stableDemand = 10;
        v.panicDemand = 10;
        assertThat(none.desired(v, 14 * S)).as("no delay: at once").isEqualTo(1);
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
