package io.simfaasinfer.scheduler;

import io.simfaasinfer.TestConfigs;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A prefill replica's scheduler hands a request off at its first token and keeps its KV until released. */
class HandoffTest {

    private static Scheduler make(String name, BlockManager kv, Handoff h) {
        var sc = TestConfigs.of("scheduler.name=" + name, "scheduler.max_num_batched_tokens=4096").scheduler();
        var model = Catalog.builtin().model("llama-2-7b");
        return Schedulers.registry().get("scheduler.name", name)
                .create(new SchedulerContext(0, kv, sc, model, RequestObserver.NONE, null, h));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm", "vllm-v1", "sarathi", "orca", "lightllm", "faster-transformer"})
    void theFirstTokenHandsOffAndTheKvIsHeldUntilReleased(String name) {
        BlockManager kv = new BlockManager(1000, 16);
        List<Request> handed = new ArrayList<>();
        Scheduler s = make(name, kv, (r, replica, now) -> handed.add(r));
        Request r = new Request(1, 0, 100, 50, true);
        s.enqueue(r, 0);
        Batch b = new Batch();
        long now = 0;
        while (handed.isEmpty()) {
            assertThat(s.schedule(now, b)).isTrue();
            now += 10;
            s.complete(b, now);
        }
        assertThat(handed).containsExactly(r);
        assertThat(r.state()).isEqualTo(Request.State.TRANSFERRING);
        assertThat(r.generated()).isEqualTo(1);
        assertThat(s.running()).isZero();
        assertThat(s.heldForTransfer()).isEqualTo(1);
        int held = r.blocks();
        assertThat(held).isGreaterThanOrEqualTo(kv.blocksFor(100));
        assertThat(kv.usedBlocks()).as("KV stays on the prefill replica during the transfer").isEqualTo(held);
        assertThat(s.schedule(now, b)).as("nothing left to run: it decodes elsewhere").isFalse();
        s.releaseHandedOff(r);
        assertThat(kv.usedBlocks()).isZero();
        assertThat(s.heldForTransfer()).isZero();
        assertThatThrownBy(() -> s.releaseHandedOff(r)).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm", "vllm-v1", "sarathi"})
    void aDecodeReplicaReservesBlocksAndDecodesTheTransferredRequestToTheEnd(String name) {
        BlockManager kv = new BlockManager(40, 16);
        Scheduler s = make(name, kv, null);
        Request r = new Request(7, 0, 100, 5, true);
        // as a prefill replica left it: prefilled, first token emitted, handed off
        r.assign(3);
        r.markRunning(0);
        r.advancePrefill(100);
        r.emitToken(5);
        r.markTransferring(5, 5);
        int blocks = s.transferBlocksIfFree(r);
        assertThat(blocks).isEqualTo(kv.blocksFor(100));
        s.reserveTransfer(r, blocks);
        assertThat(kv.usedBlocks()).isEqualTo(blocks);
        assertThat(s.incomingTransfers()).isEqualTo(1);
        s.acceptTransferred(r, blocks, 20);
        assertThat(r.replica()).isZero();
        assertThat(r.decodeJoinNs()).isEqualTo(20);
        Batch b = new Batch();
        long now = 20;
        int steps = 0;
        while (!r.isFinished()) {
            assertThat(s.schedule(now, b)).isTrue();
            assertThat(b.numPrefills()).as("no prefill on the decode side").isZero();
            now += 10;
            s.complete(b, now);
            steps++;
        }
        assertThat(steps).isEqualTo(4);
        assertThat(kv.usedBlocks()).isZero();
    }

    /** The decode stage's shortcut: a transfer fits exactly when its blocks are within the headroom. */
    @ParameterizedTest
    @ValueSource(strings = {"vllm", "vllm-v1", "sarathi", "orca", "faster-transformer"})
    void aTransferFitsExactlyWhenItsBlocksAreWithinTheHeadroom(String name) {
        BlockManager kv = new BlockManager(60, 16);
        var sc = TestConfigs.of("scheduler.name=" + name, "scheduler.max_num_batched_tokens=4096",
                "scheduler.max_num_seqs=6").scheduler();
        Scheduler s = Schedulers.registry().get("scheduler.name", name).create(new SchedulerContext(0, kv, sc,
                Catalog.builtin().model("llama-2-7b"), RequestObserver.NONE, null, null));
        int[] prompts = {100, 17, 300, 64, 250, 16, 400, 90, 33, 500};
        int fitted = 0;
        for (int i = 0; i < prompts.length; i++) {
            Request r = new Request(i, 0, prompts[i], 20, true);
            r.assign(3);
            r.markRunning(0);
            r.advancePrefill(prompts[i]);
            r.emitToken(5);
            r.markTransferring(5, 5);
            int blocks = s.transferBlocksIfFree(r);
            assertThat(blocks >= 0).as("%s: request %d (%d blocks, headroom %d)", name, i, s.transferBlocks(r),
                    s.transferHeadroom()).isEqualTo(s.transferBlocks(r) <= s.transferHeadroom());
            if (blocks >= 0) {
                assertThat(blocks).isEqualTo(s.transferBlocks(r));
                s.reserveTransfer(r, blocks);
                fitted++;
            }
        }
        assertThat(fitted).as("some fit, some do not (blocks or sequence slots run out)").isBetween(2, 6);
        assertThat(s.transferHeadroom()).isLessThan(kv.blocksFor(500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"orca", "faster-transformer"})
    void aSchedulerThatReservesWholeRequestsReservesATransferredOneWhole(String name) {
        BlockManager kv = new BlockManager(100, 16);
        Scheduler s = make(name, kv, null);
        Request r = new Request(3, 0, 100, 60, true);
        r.assign(0);
        r.markRunning(0);
        r.advancePrefill(100);
        r.emitToken(1);
        r.markTransferring(1, 1);
        assertThat(s.transferBlocksIfFree(r)).isEqualTo(kv.blocksFor(160));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm", "sarathi"})
    void aFullDecodeReplicaRefusesTheReservation(String name) {
        BlockManager kv = new BlockManager(10, 16);
        Scheduler s = make(name, kv, null);
        Request r = new Request(1, 0, 200, 5, true);
        r.assign(0);
        r.markRunning(0);
        r.advancePrefill(200);
        r.emitToken(1);
        r.markTransferring(1, 1);
        kv.allocate(8); // someone else holds most of the cache
        assertThat(s.transferBlocksIfFree(r)).isEqualTo(-1);
    }
}
