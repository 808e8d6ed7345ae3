package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.request.Request;

/**
 * What the iteration being formed still has room for, as a scheduler hands it to a
 * batch-selecting policy. Mutable and reused by its scheduler, so forming a batch allocates
 * nothing; valid only during {@link LocalPolicy#select}.
 */
public final class AdmissionBudget {

    /** KV blocks a scheduler must allocate (or reserve) to admit a request with its first {@code tokens} tokens. */
    @FunctionalInterface
    public interface BlockNeed {
        int blocks(Request r, int tokens);
    }

    private final BlockNeed blockNeed;
    private int tokens;
    private int freeBlocks;
    private int freeSeqs;
    private long batchTokens;
    private int iterationTokens;
    private boolean chunked;

    public AdmissionBudget(BlockNeed blockNeed) {
        this.blockNeed = blockNeed;
    }

    /**
     * @param tokens          new tokens the admissions may add to this iteration
     * @param freeBlocks      KV blocks the admissions may take
     * @param freeSeqs        sequences that may still join
     * @param batchTokens     tokens already in this iteration (decodes, continued chunks)
     * @param iterationTokens tokens of a full iteration (to estimate how long a chunked prefill takes)
     * @param chunked         true if a prompt may be split over iterations, false if it is prefilled whole
     */
    public AdmissionBudget set(int tokens, int freeBlocks, int freeSeqs, long batchTokens, int iterationTokens,
                               boolean chunked) {
        this.tokens = tokens;
        this.freeBlocks = freeBlocks;
        this.freeSeqs = freeSeqs;
        this.batchTokens = batchTokens;
        this.iterationTokens = iterationTokens;
        this.chunked = chunked;
        return this;
    }

    public int tokens() { return tokens; }
    public int freeBlocks() { return freeBlocks; }
    public int freeSeqs() { return freeSeqs; }
    public long batchTokens() { return batchTokens; }
    public int iterationTokens() { return iterationTokens; }
    public boolean chunked() { return chunked; }

    /** Tokens admitting {@code r} now adds to this iteration: its whole (re)prefill, or a chunk of it. */
    public int tokensFor(Request r) {
        return chunked ? Math.min(r.remainingPrefill(), tokens) : r.remainingPrefill();
    }

    /** KV blocks admitting {@code r} with {@code tokens} tokens takes. */
    public int blocksFor(Request r, int tokens) {
        return blockNeed.blocks(r, tokens);
    }
}
