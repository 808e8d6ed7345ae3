package io.simfaasinfer.kvcache;

/**
 * Paged KV-cache accounting of one replica (vLLM's block manager, by count): the cache is
 * {@code totalBlocks} blocks of {@code blockSize} tokens; a sequence holding t tokens uses
 * ceil(t / blockSize) blocks. Every TP shard holds the same block table, so one count serves
 * the whole replica. Never over capacity: an allocation that does not fit is refused.
 */
public final class BlockManager {

    private final int totalBlocks;
    private final int blockSize;
    private int used;
    private int peak;

    public BlockManager(int totalBlocks, int blockSize) {
        if (totalBlocks < 1 || blockSize < 1) {
            throw new IllegalArgumentException("totalBlocks and blockSize must be >= 1");
        }
        this.totalBlocks = totalBlocks;
        this.blockSize = blockSize;
    }

    public int totalBlocks() { return totalBlocks; }
    public int blockSize() { return blockSize; }
    public int usedBlocks() { return used; }
    public int freeBlocks() { return totalBlocks - used; }
    public int peakBlocks() { return peak; }

    public double utilization() {
        return (double) used / totalBlocks;
    }

    /** Blocks needed to hold {@code tokens} tokens. */
    public int blocksFor(long tokens) {
        return (int) ((tokens + blockSize - 1) / blockSize);
    }

    public boolean canAllocate(int blocks) {
        return blocks <= totalBlocks - used;
    }

    /** Takes {@code blocks} free blocks; throws if they are not free (callers check first). */
    public void allocate(int blocks) {
        if (blocks < 0 || blocks > totalBlocks - used) {
            throw new IllegalStateException("KV cache over capacity: want " + blocks + ", free " + (totalBlocks - used));
        }
        used += blocks;
        if (used > peak) {
            peak = used;
        }
    }

    public void free(int blocks) {
        if (blocks < 0 || blocks > used) {
            throw new IllegalStateException("freeing " + blocks + " blocks, only " + used + " in use");
        }
        used -= blocks;
    }
}
