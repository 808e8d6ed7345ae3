package io.simfaasinfer.request;

import java.util.Arrays;

/**
 * The shared progress of the requests one scheduler decodes in step (one token each at every decode
 * iteration it runs: vLLM's decode-all iterations), so that an iteration need not touch each of
 * them. A request {@linkplain Request#joinClock joined} to the clock at epoch {@code e0} with
 * {@code g0} tokens has emitted {@code g0 + (epoch - e0)} tokens, the last at {@link #lastEndNs}, and
 * its largest inter-token gap is the larger of its own before joining and {@link #maxGapSince(long)
 * maxGapSince(e0)}. Only the scheduler that owns it advances it; a joined request reads it through
 * its accessors, which therefore always tell the request's exact state.
 *
 * <p>The gaps of the epochs are kept for suffix maxima as a stack of (epoch, gap) whose gaps
 * strictly decrease from the bottom: an epoch's gap removes every earlier one not larger, which can
 * no longer be the largest of any range reaching the present; the largest gap after {@code e0} is
 * the first entry past {@code e0} (binary search). Entries no joined request can ask about are dropped
 * when the stack is full ({@link #advance}'s {@code oldestJoin}).
 */
public final class DecodeClock {

    private long epoch;
    private long lastEndNs = -1;
    /** KV block size in tokens, for the joined requests' blocks; 0: the clock keeps no blocks. */
    private final int blockSize;
    /** The last epoch whose decodes had their blocks allocated ({@link #markGrown}); -1: none. */
    private long grownThrough = -1;
    private long[] epochs = new long[64];
    private long[] gaps = new long[64];
    private int size;

    /** A clock that keeps no KV blocks for its requests (they keep their own). */
    public DecodeClock() {
        this(0);
    }

    /**
     * A clock whose owner allocates its requests' new KV blocks in bulk ({@link #markGrown}): a request
     * joined with {@code b0} blocks and {@code k0} KV tokens at epoch {@code e0} needs its next block at
     * epoch {@code g0 = e0 + b0 x blockSize - k0} and one more every {@code blockSize} epochs, until it
     * finishes; its {@link Request#blocks} counts those allocated so far.
     */
    public DecodeClock(int blockSize) {
        if (blockSize < 0) {
            throw new IllegalArgumentException("block size " + blockSize);
        }
        this.blockSize = blockSize;
    }

    /** KV block size in tokens of the blocks this clock accounts; 0 if it accounts none. */
    public int blockSize() {
        return blockSize;
    }

    /** The owner allocated the blocks the decodes of epoch {@code e} (the current one) need. */
    public void markGrown(long e) {
        if (e != epoch || blockSize == 0) {
            throw new IllegalStateException("decode clock: blocks of epoch " + e + " at epoch " + epoch);
        }
        grownThrough = e;
    }

    /** The last epoch whose blocks were allocated, -1 if none. */
    public long grownThrough() {
        return grownThrough;
    }

    /** Decode iterations completed. */
    public long epoch() {
        return epoch;
    }

    /** When the last one ended, ns (-1: none yet): the last token of every joined request. */
    public long lastEndNs() {
        return lastEndNs;
    }

    /**
     * A decode iteration ended at {@code now}: every joined request emitted one token, {@code now -
     * lastEndNs()} after its previous one.
     *
     * @param oldestJoin the smallest join epoch of the requests still joined (or {@link #epoch} if none):
     *                   gaps at or before it are never asked for again
     */
    public void advance(long now, long oldestJoin) {
        if (now < lastEndNs) {
            throw new IllegalStateException("decode clock went back in time: " + now + " < " + lastEndNs);
        }
        long gap = lastEndNs < 0 ? 0 : now - lastEndNs;
        epoch++;
        lastEndNs = now;
        while (size > 0 && gaps[size - 1] <= gap) {
            size--;
        }
        if (size == epochs.length) {
            int from = firstAfter(oldestJoin);
            if (from > 0) {
                System.arraycopy(epochs, from, epochs, 0, size - from);
                System.arraycopy(gaps, from, gaps, 0, size - from);
                size -= from;
            }
            if (size == epochs.length) {
                epochs = Arrays.copyOf(epochs, 2 * size);
                gaps = Arrays.copyOf(gaps, 2 * size);
            }
        }
        epochs[size] = epoch;
        gaps[size] = gap;
        size++;
    }

    /**
     * Whether the next {@link #advance} may read its {@code oldestJoin} (the gap stack is full); if
     * not, any value will do, so a caller need not look the oldest join up.
     */
    public boolean full() {
        return size == epochs.length;
    }

    /** The largest gap of the epochs after {@code joinEpoch} up to now; 0 if none ended since. */
    public long maxGapSince(long joinEpoch) {
        int i = firstAfter(joinEpoch);
        return i < size ? gaps[i] : 0;
    }

    /** Index of the first stack entry with an epoch after {@code e}, or {@code size}. */
    private int firstAfter(long e) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (epochs[mid] <= e) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
