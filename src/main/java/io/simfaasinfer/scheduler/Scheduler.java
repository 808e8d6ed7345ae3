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

    /** What the replica's local policy counted (e.g. MILP solves and fallbacks); empty if nothing. */
    default Map<String, Long> policyCounters() {
        return Map.of();
    }

    /** The replica's KV cache. */
    BlockManager kv();

    /** Whether a request of this size could ever be served by this scheduler; null if yes, else a reason code. */
    default String admissionProblem(Request r) {
        if (kv().blocksFor((long) r.promptTokens() + r.outputTokens()) > kv().totalBlocks()) {
            return "exceeds_kv_capacity";
        }
        return null;
    }
}
