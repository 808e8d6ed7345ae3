package io.simfaasinfer.kvcache;

import io.simfaasinfer.request.Request;

/**
 * Paged KV-cache accounting of one replica (vLLM's block manager, by count): the cache is
 * {@code totalBlocks} blocks of {@code blockSize} tokens; a sequence holding t tokens uses
 * ceil(t / blockSize) blocks. Every TP shard holds the same block table, so one count serves
 * the whole replica. Never over capacity: an allocation that does not fit is refused.
 *
 * <p>With prefix caching on ({@link PrefixCache}), requests are admitted with {@link #allocateFor}
 * and released with {@link #release}, which share cached prompt blocks; cached blocks no request
 * holds count as free and are evicted (LRU) when an allocation needs them.
 */
public final class BlockManager {

    private final int totalBlocks;
    private final int blockSize;
    private int used;
    private int peak;
    /** Null when prefix caching is off. */
    private final PrefixCache prefix;

    public BlockManager(int totalBlocks, int blockSize) {
        this(totalBlocks, blockSize, false);
    }

    /** @param prefixCaching whether blocks of equal prompt prefixes are shared and kept cached */
    public BlockManager(int totalBlocks, int blockSize, boolean prefixCaching) {
        if (totalBlocks < 1 || blockSize < 1) {
            throw new IllegalArgumentException("totalBlocks and blockSize must be >= 1");
        }
        this.totalBlocks = totalBlocks;
        this.blockSize = blockSize;
        this.prefix = prefixCaching ? new PrefixCache(this) : null;
    }

    /** The prefix cache, or null when prefix caching is off. */
    public PrefixCache prefixCache() {
        return prefix;
    }

    /**
     * Gives {@code r}, about to start (or restart) its prefill, {@code blocks} blocks (caller checked
     * {@link #admissionCost}). With prefix caching, its cached leading prompt blocks are shared.
     *
     * @return prompt tokens already cached, which its prefill skips (0 without prefix caching)
     */
    public int allocateFor(Request r, int blocks) {
        return allocateFor(r, blocks, Integer.MAX_VALUE);
    }

    /**
     * As {@link #allocateFor(Request, int)} for a chunked prefill whose first chunk ends at token
     * {@code computeEnd} (cached prefix included): only full prompt blocks up to there are registered
     * for sharing now, the later ones by {@link #cacheUpTo} as their chunks are scheduled.
     */
    public int allocateFor(Request r, int blocks, int computeEnd) {
        if (prefix == null) {
            allocate(blocks);
            return 0;
        }
        int cost = admissionCost(r, blocks);
        if (blocks < 0 || cost > totalBlocks - used) {
            throw new IllegalStateException("KV cache over capacity: want " + cost + ", free " + (totalBlocks - used));
        }
        return prefix.admit(r, blocks, computeEnd);
    }

    /**
     * Prompt tokens of {@code r}'s prefix cached here that admitting it now would skip: whole blocks,
     * at least one prompt token left to compute (0 without prefix caching or once its prefill started).
     */
    public int cachedPrefixTokens(Request r) {
        return prefix == null ? 0 : prefix.admissionHits(r) * blockSize;
    }

    /**
     * Free blocks that admitting {@code r} with {@code blocks} blocks takes: its cached leading blocks
     * that running requests already hold are shared and take none (vLLM v1 counts the same way);
     * cached blocks nobody holds count as free and are taken like empty ones.
     */
    public int admissionCost(Request r, int blocks) {
        if (prefix == null) {
            return blocks;
        }
        int hits = Math.min(prefix.admissionHits(r), blocks);
        return blocks - prefix.heldHits(r, hits);
    }

    /**
     * Registers for sharing the full prompt blocks of {@code r}, in a chunked prefill, up to token
     * {@code computeEnd} (the end of the chunk just scheduled); no-op without prefix caching.
     */
    public void cacheUpTo(Request r, int computeEnd) {
        if (prefix != null) {
            prefix.cacheUpTo(r, computeEnd);
        }
    }

    /**
     * Frees every block {@code r} holds ({@code r.blocks()}), which then holds none; with prefix caching
     * its computed blocks stay cached.
     */
    public void release(Request r) {
        if (prefix == null) {
            free(r.blocks());
        } else {
            prefix.release(r);
        }
        r.setBlocks(0);
    }

    /** Empties the prefix cache of blocks no request holds (no-op without prefix caching). */
    public void clearPrefixCache() {
        if (prefix != null) {
            prefix.dropEvictable();
        }
    }

    /** Leading prompt blocks of {@code r} cached here now (0 without prefix caching). */
    public int cachedPrefixBlocks(Request r) {
        return prefix == null ? 0 : prefix.matchedBlocks(r.blockHashes(), r.promptTokens());
    }

    /**
     * {@link #cachedPrefixBlocks(Request)} asked by a router that asked about {@code previous} (prefix
     * hashes) before, which shares its first {@code common} hashes with {@code r}'s: the walk continues
     * from this cache's answer for {@code previous} when the cache has not changed since
     * ({@link PrefixCache#matchedBlocks(long[], int, long[], int)}). The same answer.
     */
    public int cachedPrefixBlocks(Request r, long[] previous, int common) {
        return prefix == null ? 0 : prefix.matchedBlocks(r.blockHashes(), r.promptTokens(), previous, common);
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

    /**
     * Extra blocks {@code r} needs to hold {@code tokens} tokens. Called for every decode of every
     * iteration, where a new block is needed only once per block size of tokens: the blocks held
     * are compared by a multiplication, and only a request that outgrows them pays the division.
     */
    public int extraBlocksFor(Request r, long tokens) {
        int held = r.blocks();
        if (tokens <= (long) held * blockSize) {
            return 0;
        }
        return blocksFor(tokens) - held;
    }

    /** Gives {@code r} {@code blocks} more blocks (caller checked they are free). */
    public void grow(Request r, int blocks) {
        if (blocks > 0) {
            allocate(blocks);
            r.setBlocks(r.blocks() + blocks);
        }
    }

    public boolean canAllocate(int blocks) {
        return blocks <= totalBlocks - used;
    }

    /** Takes {@code blocks} free blocks; throws if they are not free (callers check first). */
    public void allocate(int blocks) {
        if (blocks < 0 || blocks > totalBlocks - used) {
            throw new IllegalStateException("KV cache over capacity: want " + blocks + ", free " + (totalBlocks - used));
        }
        allocateFresh(blocks);
    }

    /** Takes {@code blocks} free blocks (checked by the caller), evicting cached ones if needed. */
    void allocateFresh(int blocks) {
        if (prefix != null) {
            prefix.makeRoom(blocks);
        }
        addUsed(blocks);
    }

    /** Adjusts the blocks in use (prefix cache bookkeeping). */
    void addUsed(int delta) {
        used += delta;
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
