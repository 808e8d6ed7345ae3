package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;

import java.util.Arrays;

/**
 * LightLLM's router (ModelTC/lightllm, {@code router/req_queue}): token-level admission that
 * never needs preemption. A waiting request joins only if the KV cache can hold the peak of the
 * running requests plus it, each assumed to run until its last output token. LightLLM estimates
 * that peak by sorting the requests by remaining output tokens, longest first: when the j-th of
 * them finishes, the first j still hold their current tokens plus that many more, so the peak is
 * <pre>  max_j ( sum_{k&lt;=j} used_k  +  j * left_j )</pre>
 * Here it is counted in KV blocks (each request's tokens rounded up to whole blocks, a bound that
 * is never below the true block count), so the cache can never overflow. Otherwise the loop is
 * LightLLM's: admitted prompts are prefilled whole in a prefill-only iteration (at most
 * {@code max_num_batched_tokens} prompt tokens, LightLLM's batch_max_tokens, and at most
 * {@code max_num_seqs} running requests), and when nothing is admitted every running request
 * decodes one token. Admission is in local-policy order and stops at the first request that
 * does not fit.
 *
 * <p>The simulator knows each output length; it stands in for the request's {@code max_new_tokens}.
 *
 * <p>The check runs at every iteration while requests wait; the running requests' order by tokens left
 * is kept across iterations rather than sorted at each check (it changes only when one is admitted or
 * leaves: see {@link #peakBlocks}), the sorted computation kept as the reference.
 */
public class LightLlmScheduler extends AbstractScheduler {

    private final int maxNumSeqs;
    private final int maxBatchedTokens;
    /** (tokens left to add &lt;&lt; 32 | tokens held) of each running request plus the candidate, reused. */
    private long[] packed = new long[64];
    /**
     * The running requests in descending {@link #pack} order, kept across iterations: every running request
     * decodes in step (its tokens left fall by one as its tokens held rise by one) and a prefill-only
     * iteration changes no running request's packed value (an admitted one's is the same before and after
     * its prefill), so their order only changes when one leaves or is admitted. The first
     * {@link #orderedCount} entries are valid.
     */
    private Request[] ordered = new Request[64];
    private int orderedCount;
    /** Requests admitted since {@link #ordered} was last brought up to date, in admission order. */
    private Request[] admittedSince = new Request[16];
    private int admittedCount;

    public LightLlmScheduler(SchedulerContext ctx) {
        super(ctx);
        this.maxNumSeqs = ctx.config().maxNumSeqs();
        this.maxBatchedTokens = ctx.config().maxNumBatchedTokens();
    }

    @Override
    public String name() {
        return "lightllm";
    }

    /**
     * Not a decode pool: its bound assumes every request it counts starts now, but a transferred
     * request waits for its KV while the others advance, so the bound would not hold.
     */
    @Override
    public boolean supportsDecodeRole() {
        return false;
    }

    @Override
    public String admissionProblem(Request r) {
        return budgetProblem(r, r.promptTokens(), maxBatchedTokens);
    }

    @Override
    public boolean schedule(long now, Batch out) {
        out.clear();
        schedulePrefills(now, out);
        if (out.numPrefills() > 0) {
            return true;
        }
        if (scheduleSteadyDecodes(out, running.size())) {
            return true; // every running request decodes, as one cohort (same result as the pass below)
        }
        for (int i = 0, n = running.size(); i < n; i++) {
            Request r = running.get(i);
            int need = extraBlocksFor(r, (long) r.kvTokens() + 1);
            if (need > kv.freeBlocks()) {
                throw new IllegalStateException("lightllm admission bound violated: request " + r.id() + " needs "
                        + need + " blocks, " + kv.freeBlocks() + " free");
            }
            grow(r, need);
            out.addDecode(r, r.kvTokens());
        }
        return !out.isEmpty();
    }

    private void schedulePrefills(long now, Batch out) {
        int budget = maxBatchedTokens;
        if (selectsAdmissions()) { // the running set's projected peak is needed only then
            selectAdmissions(now, budget, kv.totalBlocks() - (int) Math.min(kv.totalBlocks(), peakBlocks(null)),
                    maxNumSeqs - running.size(), 0, budget, false);
        }
        while (!waiting.isEmpty() && running.size() < maxNumSeqs) {
            Request r = waiting.peek();
            int tokens = r.remainingPrefill();
            if (tokens > budget || !mayAdmit(r) || peakBlocks(r) > kv.totalBlocks()) {
                return;
            }
            int blocks = kv.blocksFor(r.prefillTarget());
            if (blocks > kv.freeBlocks()) {
                return; // cannot happen while the bound holds; kept as a guard
            }
            waiting.poll();
            admit(r, blocks, now);
            if (admittedCount == admittedSince.length) {
                admittedSince = Arrays.copyOf(admittedSince, 2 * admittedCount);
            }
            admittedSince[admittedCount++] = r;
            out.addPrefill(r, tokens, r.prefilled());
            budget -= tokens;
        }
    }

    /**
     * Projected peak KV blocks of the running requests plus {@code candidate} (if not null): the running
     * requests in their kept order ({@link #ordered}) with the candidate merged in at its place, so no sort
     * per call; the same value as {@link #peakBlocksBySorting}.
     */
    long peakBlocks(Request candidate) {
        updateOrder();
        long bs = kv.blockSize();
        long c = candidate == null ? -1 : pack(candidate);
        long cumHeld = 0;
        long peak = 0;
        int j = 0;
        for (int i = 0; i < orderedCount; i++) {
            long e = pack(ordered[i]);
            if (c > e) { // the candidate's place in the descending order (ties: either order, the same maximum)
                cumHeld += c & 0xFFFF_FFFFL;
                peak = Math.max(peak, blocks(cumHeld, ++j, c >>> 32, bs));
                c = -1;
            }
            cumHeld += e & 0xFFFF_FFFFL;
            peak = Math.max(peak, blocks(cumHeld, ++j, e >>> 32, bs));
        }
        if (c >= 0) {
            cumHeld += c & 0xFFFF_FFFFL;
            peak = Math.max(peak, blocks(cumHeld, ++j, c >>> 32, bs));
        }
        return peak;
    }

    /**
     * The blocks the first {@code j} requests (by tokens left, descending) hold when the j-th finishes,
     * {@code left} tokens from now, bounded above as in {@link #peakBlocksBySorting}.
     */
    private static long blocks(long cumHeld, long j, long left, long bs) {
        return (cumHeld + j * left + j * (bs - 1)) / bs;
    }

    /**
     * Brings {@link #ordered} up to date with the running list: the requests that left it (finished, or
     * handed off by a prefill pool) are dropped, those admitted since are inserted at their places; if the
     * result does not hold exactly the running requests (nothing else changes the running list of this
     * scheduler, which never preempts), it is rebuilt by sorting.
     */
    private void updateOrder() {
        int k = 0;
        for (int i = 0; i < orderedCount; i++) {
            Request r = ordered[i];
            if (r.state() == Request.State.RUNNING) {
                ordered[k++] = r;
            }
        }
        Arrays.fill(ordered, k, orderedCount, null);
        orderedCount = k;
        for (int a = 0; a < admittedCount; a++) {
            Request r = admittedSince[a];
            admittedSince[a] = null;
            if (r.state() != Request.State.RUNNING) {
                continue; // admitted and already gone
            }
            if (orderedCount == ordered.length) {
                ordered = Arrays.copyOf(ordered, 2 * orderedCount);
            }
            long key = pack(r);
            int at = orderedCount;
            while (at > 0 && pack(ordered[at - 1]) < key) {
                at--;
            }
            System.arraycopy(ordered, at, ordered, at + 1, orderedCount - at);
            ordered[at] = r;
            orderedCount++;
        }
        admittedCount = 0;
        if (orderedCount != running.size()) {
            rebuildOrder();
        }
    }

    private void rebuildOrder() {
        int n = running.size();
        if (ordered.length < n) {
            ordered = new Request[Math.max(n, 2 * ordered.length)];
        }
        Arrays.fill(ordered, null);
        for (int i = 0; i < n; i++) {
            ordered[i] = running.get(i);
        }
        Arrays.sort(ordered, 0, n, (x, y) -> Long.compare(pack(y), pack(x)));
        orderedCount = n;
    }

    /** {@link #peakBlocks} computed from scratch: every running request packed and sorted (the reference). */
    long peakBlocksBySorting(Request candidate) {
        int n = running.size() + (candidate == null ? 0 : 1);
        if (packed.length < n) {
            packed = Arrays.copyOf(packed, Math.max(n, packed.length * 2));
        }
        int k = 0;
        for (int i = 0, m = running.size(); i < m; i++) {
            packed[k++] = pack(running.get(i));
        }
        if (candidate != null) {
            packed[k++] = pack(candidate);
        }
        Arrays.sort(packed, 0, n);
        long bs = kv.blockSize();
        long cumHeld = 0;
        long peak = 0;
        for (int j = 1; j <= n; j++) {
            long e = packed[n - j]; // descending by tokens left
            long left = e >>> 32;
            cumHeld += e & 0xFFFF_FFFFL;
            // sum over the first j of ceil((held_k + left_j) / bs) <= (cumHeld + j * left_j + j * (bs - 1)) / bs
            long blocks = (cumHeld + j * left + j * (bs - 1)) / bs;
            peak = Math.max(peak, blocks);
        }
        return peak;
    }

    /** A request's (tokens it will still add, tokens it holds once prefilled) packed in one long. */
    private static long pack(Request r) {
        long held;
        long left;
        if (r.inPrefill()) {
            held = r.prefillTarget();
            left = r.remainingOutput() - 1L; // the prefill emits one token, which is never appended
        } else {
            held = r.kvTokens();
            left = r.remainingOutput();
        }
        return (Math.max(0, left) << 32) | held;
    }
}
