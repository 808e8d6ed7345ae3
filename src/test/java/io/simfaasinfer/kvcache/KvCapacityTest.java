package io.simfaasinfer.kvcache;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KvCapacityTest {

    private static final Catalog CATALOG = Catalog.builtin();
    private static final ModelSpec LLAMA2_7B = CATALOG.model("llama-2-7b");
    private static final ModelSpec LLAMA3_70B = CATALOG.model("llama-3-70b");
    private static final GpuSpec H100 = CATALOG.gpu("h100-80gb");
    /** What nvidia-smi reports for an H100 SXM 80GB: 81559 MiB (its "80 GB" is ~80 GiB, not 80 x 10^9 bytes). */
    private static final double H100_BYTES = 81559.0 * 1024 * 1024;
    private static final double USABLE = H100_BYTES * 0.9;

    @Test
    void llama2_7bOnH100MatchesTheFormulaExactly() {
        // 2 (K,V) x 32 layers x 32 heads x 128 head dim x 2 bytes = 512 KiB per token
        assertThat(LLAMA2_7B.kvBytesPerToken()).isEqualTo(524_288L);
        KvCapacity cap = KvCapacity.of(LLAMA2_7B, H100, 1, 0.9, 16, 1.0, 4096);
        double weights = LLAMA2_7B.weightBytes();
        long expected = (long) Math.floor((USABLE - weights - 1e9) / (524_288.0 * 16));
        assertThat(cap.totalBlocks()).isEqualTo(expected);
        assertThat(cap.blockBytes()).isEqualTo(524_288.0 * 16);
        assertThat(cap.weightBytes()).isEqualTo(weights);
        assertThat(cap.activationBytes()).isEqualTo(1e9);
        assertThat(cap.usableBytes()).isEqualTo(USABLE);
        assertThat(cap.gpuMemoryBytes()).isEqualTo(H100_BYTES);
        assertThat(cap.kvBytes()).isEqualTo(USABLE - weights - 1e9);
        assertThat(cap.tokenCapacity(16)).isEqualTo(expected * 16);
        // sanity on the magnitude: ~6.74B params -> ~13.5 GB, ~62.5 GB of KV -> ~7450 blocks
        assertThat(weights / 1e9).isBetween(13.4, 13.6);
        assertThat(cap.totalBlocks()).isBetween(7400, 7500);
    }

    @Test
    void tp2HalvesWeightsAndBlockBytesPerShard() {
        KvCapacity one = KvCapacity.of(LLAMA2_7B, H100, 1, 0.9, 16, 1.0, 4096);
        KvCapacity two = KvCapacity.of(LLAMA2_7B, H100, 2, 0.9, 16, 1.0, 4096);
        assertThat(two.weightBytes()).isEqualTo(one.weightBytes() / 2);
        assertThat(two.blockBytes()).isEqualTo(one.blockBytes() / 2);
        long expected = (long) Math.floor((USABLE - LLAMA2_7B.weightBytes() / 2.0 - 1e9) / (524_288.0 * 16 / 2));
        assertThat(two.totalBlocks()).isEqualTo(expected);
        // each shard keeps half of every block, and has more free memory: more than twice the blocks
        assertThat(two.totalBlocks()).isGreaterThan(2 * one.totalBlocks());
    }

    @Test
    void gqaBeyondKvHeadsReplicatesOneKvHeadPerShard() {
        assertThat(LLAMA3_70B.numKvHeads()).isEqualTo(8);
        int headDim = LLAMA3_70B.headDim();
        assertThat(headDim).isEqualTo(128);
        double oneHeadBlock = 2.0 * LLAMA3_70B.numLayers() * 1 * headDim * LLAMA3_70B.bytesPerParam() * 16;
        assertThat(KvCapacity.blockBytesPerShard(LLAMA3_70B, 16, 16)).isEqualTo(oneHeadBlock);
        assertThat(KvCapacity.blockBytesPerShard(LLAMA3_70B, 8, 16)).isEqualTo(oneHeadBlock);
        // below the KV-head count the heads are split evenly
        assertThat(KvCapacity.blockBytesPerShard(LLAMA3_70B, 4, 16)).isEqualTo(2 * oneHeadBlock);
        assertThat(KvCapacity.blockBytesPerShard(LLAMA3_70B, 1, 16))
                .isEqualTo((double) LLAMA3_70B.kvBytesPerToken() * 16);

        KvCapacity cap = KvCapacity.of(LLAMA3_70B, H100, 16, 0.9, 16, 1.0, 8192);
        assertThat(cap.blockBytes()).isEqualTo(oneHeadBlock);
        assertThat(cap.weightBytes()).isEqualTo(LLAMA3_70B.weightBytes() / 16.0);
        assertThat(cap.totalBlocks())
                .isEqualTo((long) Math.floor((USABLE - LLAMA3_70B.weightBytes() / 16.0 - 1e9) / oneHeadBlock));
    }

    @Test
    void blockBytesScaleLinearlyWithBlockSize() {
        for (int bs : new int[] {1, 8, 16, 32, 128}) {
            assertThat(KvCapacity.blockBytesPerShard(LLAMA2_7B, 1, bs)).isEqualTo(524_288.0 * bs);
        }
    }

    @Test
    void modelThatDoesNotFitHasZeroBlocks() {
        GpuSpec a10g = CATALOG.gpu("a10g");
        KvCapacity cap = KvCapacity.of(CATALOG.model("llama-2-70b"), a10g, 1, 0.9, 16, 1.0, 4096);
        assertThat(cap.totalBlocks()).isZero();
        assertThat(cap.kvBytes()).isZero();
    }

    @Test
    void derivedActivationReserveGrowsWithTokensAndShrinksWithTp() {
        double a1 = KvCapacity.derivedActivationBytes(LLAMA2_7B, 1, 4096);
        double a2 = KvCapacity.derivedActivationBytes(LLAMA2_7B, 1, 8192);
        double a1tp2 = KvCapacity.derivedActivationBytes(LLAMA2_7B, 2, 4096);
        assertThat(a2).isGreaterThan(a1);
        assertThat(a1tp2).isLessThan(a1);
        KvCapacity derived = KvCapacity.of(LLAMA2_7B, H100, 1, 0.9, 16, -1, 4096);
        assertThat(derived.activationBytes()).isCloseTo(a1, within(1e-3));
    }
}
