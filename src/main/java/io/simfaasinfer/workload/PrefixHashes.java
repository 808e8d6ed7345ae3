package io.simfaasinfer.workload;

/**
 * Hashes naming a request's KV-cache blocks ({@code block_size} tokens each) for prefix caching:
 * equal hashes at equal positions mean equal token prefixes up to the end of that block, so each
 * hash depends on everything before it. Derived deterministically (SplitMix64 mixing), never from
 * a random stream.
 */
public final class PrefixHashes {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private PrefixHashes() {
    }

    /** SplitMix64 finaliser. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Cache-block hashes of a prompt described by a trace's prefix-block hash ids (Mooncake: one id
     * per 512 tokens, equal leading ids = shared prefix). Cache block b covers tokens
     * [b x blockSize, (b + 1) x blockSize); its hash chains every trace id up to the trace block holding
     * its last token, and its position, so a 512-token trace block with block size 16 maps to 32
     * distinct cache-block hashes. Only full cache blocks inside the prompt and covered by the ids
     * get a hash.
     *
     * @param ids              the trace's hash ids ({@code count} valid)
     * @param traceBlockTokens tokens per trace hash id
     * @param blockSize        tokens per cache block
     * @param promptTokens     the prompt's length (after any clipping)
     * @param salt             mixed into every hash (distinct salts never share blocks)
     * @return the hashes, or null if no cache block has one
     */
    public static long[] fromTraceBlocks(long[] ids, int count, int traceBlockTokens, int blockSize, int promptTokens,
                                         long salt) {
        long covered = (long) count * traceBlockTokens;
        int blocks = (int) (Math.min(promptTokens, covered) / blockSize);
        if (blocks <= 0) {
            return null;
        }
        long[] out = new long[blocks];
        long chain = mix(salt ^ GOLDEN);
        int b = 0;
        for (int j = 0; b < blocks; j++) {
            chain = mix(chain ^ mix(ids[j] + GOLDEN));
            // the blocks whose last token is in trace block j: (b + 1) x blockSize <= (j + 1) x traceBlockTokens
            int end = (int) Math.min(blocks, (long) (j + 1) * traceBlockTokens / blockSize);
            for (; b < end; b++) {
                out[b] = mix(chain + (b + 1) * GOLDEN);
            }
        }
        return out;
    }

    /**
     * Hashes of the first {@code tokens / blockSize} full blocks of a token stream whose first
     * {@code prefixTokens} tokens are a prefix shared by every stream with {@code prefixSalt} and
     * whose remaining tokens belong to this stream alone ({@code streamSalt}).
     *
     * @return the hashes, or null if there is no full block
     */
    public static long[] synthetic(long prefixSalt, int prefixTokens, long streamSalt, int tokens, int blockSize) {
        return segmented(new int[] {prefixTokens, 0}, new long[] {prefixSalt, streamSalt}, 2, tokens, blockSize);
    }

    /**
     * Hashes of the first {@code tokens / blockSize} full blocks of a token stream made of
     * {@code segments} consecutive segments: segment i ends (exclusive) at token {@code ends[i]}
     * (non-decreasing; the last segment is open-ended, its end is ignored) and is named by
     * {@code salts[i]}. A block is named by the salt of the segment holding its last token, and by
     * its position: two streams whose blocks end in the same segment (same salt, hence the same
     * tokens from the stream's start up to that segment's end) share those blocks. Synthetic
     * sessions use two segments (shared system prompt, then the conversation); trace sessions one
     * segment per divergence of a conversation from its previous turn.
     *
     * @return the hashes, or null if there is no full block
     */
    public static long[] segmented(int[] ends, long[] salts, int segments, int tokens, int blockSize) {
        int blocks = tokens / blockSize;
        if (blocks <= 0) {
            return null;
        }
        long[] out = new long[blocks];
        int j = 0;
        for (int b = 0; b < blocks; b++) {
            long end = (long) (b + 1) * blockSize;
            while (j < segments - 1 && end > ends[j]) {
                j++;
            }
            out[b] = mix(salts[j] + (b + 1) * GOLDEN);
        }
        return out;
    }
}
