package io.simfaasinfer.kvcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayDeque;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockManagerTest {

    @ParameterizedTest
    @CsvSource({"0,0", "1,1", "15,1", "16,1", "17,2", "32,2", "33,3", "4096,256", "4097,257"})
    void blocksForRoundsUp(long tokens, int blocks) {
        assertThat(new BlockManager(10, 16).blocksFor(tokens)).isEqualTo(blocks);
    }

    @Test
    void blocksForWithBlockSizeOne() {
        BlockManager kv = new BlockManager(10, 1);
        for (int t = 0; t < 100; t++) {
            assertThat(kv.blocksFor(t)).isEqualTo(t);
        }
    }

    @Test
    void rejectsBadConstruction() {
        assertThatThrownBy(() -> new BlockManager(0, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlockManager(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allocateBeyondFreeThrowsAndLeavesStateUnchanged() {
        BlockManager kv = new BlockManager(10, 16);
        kv.allocate(7);
        assertThat(kv.canAllocate(3)).isTrue();
        assertThat(kv.canAllocate(4)).isFalse();
        assertThatThrownBy(() -> kv.allocate(4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("4").hasMessageContaining("free 3");
        assertThat(kv.usedBlocks()).isEqualTo(7);
        assertThat(kv.freeBlocks()).isEqualTo(3);
        assertThat(kv.peakBlocks()).isEqualTo(7);
        assertThatThrownBy(() -> kv.allocate(-1)).isInstanceOf(IllegalStateException.class);
        assertThat(kv.usedBlocks()).isEqualTo(7);
        kv.allocate(3); // exactly the rest fits
        assertThat(kv.freeBlocks()).isZero();
        assertThat(kv.utilization()).isEqualTo(1.0);
        assertThatThrownBy(() -> kv.allocate(1)).isInstanceOf(IllegalStateException.class);
        assertThat(kv.usedBlocks()).isEqualTo(10);
    }

    @Test
    void freeMoreThanUsedThrowsAndLeavesStateUnchanged() {
        BlockManager kv = new BlockManager(10, 16);
        kv.allocate(4);
        assertThatThrownBy(() -> kv.free(5)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("5").hasMessageContaining("4");
        assertThat(kv.usedBlocks()).isEqualTo(4);
        assertThatThrownBy(() -> kv.free(-1)).isInstanceOf(IllegalStateException.class);
        assertThat(kv.usedBlocks()).isEqualTo(4);
        kv.free(4);
        assertThat(kv.usedBlocks()).isZero();
        assertThatThrownBy(() -> kv.free(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void peakTracksHighWaterMark() {
        BlockManager kv = new BlockManager(100, 16);
        kv.allocate(30);
        kv.free(20);
        kv.allocate(5);
        assertThat(kv.usedBlocks()).isEqualTo(15);
        assertThat(kv.peakBlocks()).isEqualTo(30);
        kv.allocate(40);
        assertThat(kv.peakBlocks()).isEqualTo(55);
        kv.free(55);
        assertThat(kv.peakBlocks()).isEqualTo(55);
        assertThat(kv.utilization()).isZero();
    }

    @Test
    void randomAllocateFreeKeepsAccountingConsistent() {
        for (long seed = 0; seed < 20; seed++) {
            Random rnd = new Random(seed);
            int total = 1 + rnd.nextInt(200);
            BlockManager kv = new BlockManager(total, 16);
            ArrayDeque<Integer> held = new ArrayDeque<>();
            int used = 0;
            int peak = 0;
            for (int i = 0; i < 2000; i++) {
                if (rnd.nextBoolean()) {
                    int b = rnd.nextInt(total / 4 + 2);
                    if (kv.canAllocate(b)) {
                        kv.allocate(b);
                        held.add(b);
                        used += b;
                        peak = Math.max(peak, used);
                    } else {
                        assertThat(b).isGreaterThan(total - used);
                        assertThatThrownBy(() -> kv.allocate(b)).isInstanceOf(IllegalStateException.class);
                    }
                } else if (!held.isEmpty()) {
                    int b = held.poll();
                    kv.free(b);
                    used -= b;
                }
                assertThat(kv.usedBlocks()).isEqualTo(used).isLessThanOrEqualTo(total);
                assertThat(kv.freeBlocks()).isEqualTo(total - used);
                assertThat(kv.peakBlocks()).isEqualTo(peak);
            }
        }
    }
}
