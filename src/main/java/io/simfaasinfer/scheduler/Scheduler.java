package io.simfaasinfer.scheduler;

import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.request.Request;

import java.util.Map;

/**
 * Batching policy of one replica: owns its waiting and running requests and decides, iteration by
 * iteration, what runs next. A scheduler knows nothing of the event engine: it is driven by
 * {@link #schedule} and {@link #complete} with the current time, so it can be tested alone.
 */
public interface Scheduler {

    /** Registry name, e.g. {@code vllm}. */
    String name();

    /** A request routed to this replica joins its waiting queue. */
    void enqueue(Request r, long now);

    /**
     * Forms the next iteration into {@code out} (cleared first), allocating KV blocks and
     * preempting as the policy dictates.
     *
     * @return false if there is nothing to run now
     */
    boolean schedule(long now, Batch out);

    /** The iteration {@code batch} finished at {@code now}: emit tokens, retire finished requests. */
    void complete(Batch batch, long now);

    /** Requests waiting for admission (including preempted ones). */
    int waiting();

    /** Requests holding KV cache and being iterated. */
    int running();

    default int outstanding() {
        return waiting() + running();
    }

    /**
     * Work left at this replica: remaining prefill plus remaining output tokens of its outstanding
     * requests. Schedulers that do not track it report {@link #outstanding()}.
     */
    default long remainingWorkTokens() {
        return outstanding();
    }

    /** Output tokens this scheduler's requests emitted so far (first tokens included). */
    default long emittedTokens() {
        return 0;
    }

    /** What the replica's local policy counted (e.g. MILP solves and fallbacks); empty if nothing. */
    default Map<String, Long> policyCounters() {
        return Map.of();
    }

    /** The replica's KV cache. */
    BlockManager kv();

    // ---- disaggregated serving (prefill and decode pools) ----

    /**
     * Whether this scheduler can serve in a prefill or decode pool: hand a prefilled request off with
     * its KV held ({@link SchedulerContext#handoff}), and take in transferred ones
     * ({@link #reserveTransfer}, {@link #acceptTransferred}). The built-in schedulers can.
     */
    default boolean supportsDisaggregation() {
        return false;
    }

    /**
     * Whether this scheduler can serve a decode pool: take in transferred requests and decode them
     * without breaking its own memory rule (false for an admission bound that counts only the
     * requests it admitted itself).
     */
    default boolean supportsDecodeRole() {
        return supportsDisaggregation();
    }

    /** Prefill side: frees the KV of a request handed off earlier, now that its transfer completed. */
    default void releaseHandedOff(Request r) {
        throw new UnsupportedOperationException(name() + " does not serve disaggregated pools");
    }

    /**
     * Decode side: KV blocks to reserve for the transferred cache of {@code r}, or -1 if they (or a
     * sequence slot, counting transfers already on their way here) are not free now.
     */
    default int transferBlocksIfFree(Request r) {
        throw new UnsupportedOperationException(name() + " does not serve disaggregated pools");
    }

    /**
     * Decode side: the blocks {@link #transferBlocksIfFree} would reserve for {@code r} (whether or not
     * they are free), the same on every replica of a pool; -1 when not known without a replica's state.
     */
    default int transferBlocks(Request r) {
        return -1;
    }

    /**
     * Decode side: the most blocks a transfer may reserve here now (free blocks above the watermark
     * kept for running requests), or -1 when no sequence slot is free: {@code transferBlocksIfFree(r)
     * >= 0} exactly when {@code transferBlocks(r) <= transferHeadroom()}. -1 when not known (then a
     * stage asks {@link #transferBlocksIfFree} replica by replica).
     */
    default int transferHeadroom() {
        return -1;
    }

    /** Decode side: takes {@code blocks} KV blocks for the incoming cache of {@code r} (waiting-for-remote-KV). */
    default void reserveTransfer(Request r, int blocks) {
        throw new UnsupportedOperationException(name() + " does not serve disaggregated pools");
    }

    /** Decode side: the cache of {@code r} arrived into its reserved blocks; it joins the running batch. */
    default void acceptTransferred(Request r, int blocks, long now) {
        throw new UnsupportedOperationException(name() + " does not serve disaggregated pools");
    }

    /** Transfers reserved here and not yet arrived (decode side). */
    default int incomingTransfers() {
        return 0;
    }

    /** Requests handed off from here whose KV is still held until their transfer completes (prefill side). */
    default int heldForTransfer() {
        return 0;
    }

    /** Whether a request of this size could ever be served by this scheduler; null if yes, else a reason code. */
    default String admissionProblem(Request r) {
        if (kv().blocksFor((long) r.promptTokens() + r.outputTokens()) > kv().totalBlocks()) {
            return "exceeds_kv_capacity";
        }
        return null;
    }
}
