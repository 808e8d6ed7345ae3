package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;

/**
 * vLLM v1's scheduler (vLLM 0.8+, {@code vllm/v1/core/sched/scheduler.py}): no prefill or decode
 * phases, one token budget ({@code max_num_batched_tokens}) per step. Running requests are served
 * first, in running order: a decoding request takes one token, a request still prefilling (a new
 * one or a recomputed one) takes as much of its remaining prefill as the budget allows (chunked
 * prefill). KV blocks are allocated for exactly the tokens scheduled; when they are not free the
 * last request of the running list (the latest admitted) is preempted by recompute, until the
 * allocation fits or the request preempted itself, which ends the running pass. Then, only if no
 * request was preempted in this step, waiting requests are admitted in local-policy order with a
 * chunk of what is left of the budget, while fewer than {@code max_num_seqs} run and their first
 * chunk's blocks are free; admission stops at the first that does not fit. No watermark.
 *
 * <p>With prefix caching ({@code cluster.prefix_caching}, on by default in real vLLM v1) an admitted
 * request first takes its cached leading prompt blocks, its first chunk is sized from what remains,
 * and it needs free blocks for the chunk plus those cached blocks no running request holds (as
 * {@code allocate_slots} counts); each scheduled chunk makes its full prompt blocks shareable.
 *
 * <p>With {@code scheduler.long_prefill_token_threshold} T &gt; 0, a prefill chunk, of a running
 * request or a newly admitted one (after its cached prefix), is at most T tokens per step, as vLLM v1
 * caps {@code num_new_tokens} before taking the budget ({@code 0 < threshold < num_new_tokens});
 * what the budget keeps goes to the next requests. T = 0 (the default) leaves chunks to the budget.
 */
public class VllmV1Scheduler extends AbstractScheduler {

    private final int maxNumSeqs;
    private final int maxBatchedTokens;
    /** Most prefill tokens of one request per step; Integer.MAX_VALUE when the threshold is 0. */
    private final int longPrefillCap;

    public VllmV1Scheduler(SchedulerContext ctx) {
        super(ctx);
        this.maxNumSeqs = ctx.config().maxNumSeqs();
        this.maxBatchedTokens = ctx.config().maxNumBatchedTokens();
        int threshold = ctx.config().longPrefillTokenThreshold();
        this.longPrefillCap = threshold > 0 ? threshold : Integer.MAX_VALUE;
    }

    @Override
    public String name() {
        return "vllm-v1";
    }

    /** Only the first chunk's blocks are allocated at admission. */
    @Override
    protected int admissionBlocks(Request r, int tokens) {
        return extraBlocksFor(r, (long) r.prefilled() + tokens);
    }

    @Override
    public boolean schedule(long now, Batch out) {
        out.clear();
        int budget = maxBatchedTokens;
        boolean preempted = false;
        int i = 0;
        // the running list's leading decoders, when the budget holds them and only prefills follow them:
        // as one cohort (same result as the pass below); if none, every steady decoder leaves the clock
        int decoders = leadingDecoders(budget);
        if (scheduleSteadyDecodes(out, decoders)) {
            budget -= decoders;
            i = decoders;
        }
        while (i < running.size() && budget > 0) {
            Request r = running.get(i);
            boolean prefill = r.inPrefill();
            int tokens = prefill ? Math.min(Math.min(r.remainingPrefill(), longPrefillCap), budget) : 1;
            long target = prefill ? (long) r.prefilled() + tokens : (long) r.kvTokens() + 1;
            int need = extraBlocksFor(r, target);
            boolean selfPreempted = false;
            while (need > kv.freeBlocks()) {
                int victim = running.size() - 1; // the lowest priority: last in the running list
                selfPreempted = victim == i;
                preempt(victim, now);
                preempted = true;
                if (selfPreempted) {
                    break;
                }
            }
            if (selfPreempted) {
                break;
            }
            grow(r, need);
            if (prefill) {
                addPrefillChunk(out, r, tokens);
            } else {
                out.addDecode(r, r.kvTokens());
            }
            budget -= tokens;
            i++;
        }
        if (!preempted) {
            admitNew(now, out, budget);
        }
        return !out.isEmpty();
    }

    /**
     * How many requests at the head of the running list are past their prefill, if they are at most
     * {@code budget} and every request after them is still prefilling (the requests the running pass
     * would decode are then exactly those, each one token); 0 otherwise. The steady decoders at the
     * head are not read; the rest is (the running pass reads it anyway).
     */
    private int leadingDecoders(int budget) {
        int n = running.size();
        int d = steadyMembers();
        while (d < n && !running.get(d).inPrefill()) {
            d++;
        }
        if (d > budget) {
            return 0;
        }
        for (int i = d; i < n; i++) {
            if (!running.get(i).inPrefill()) {
                return 0; // a decoder behind a prefill: the pass decides who gets the budget
            }
        }
        return d;
    }

    private void admitNew(long now, Batch out, int budget) {
        selectAdmissions(now, budget, kv.freeBlocks(), maxNumSeqs - running.size(), maxBatchedTokens - budget,
                maxBatchedTokens, true);
        while (budget > 0 && !waiting.isEmpty() && running.size() < maxNumSeqs) {
            Request r = waiting.peek();
            if (!mayAdmit(r)) {
                return;
            }
            // With prefix caching the cached prefix is skipped first and the chunk is what remains
            // (vLLM v1: get_computed_blocks, then allocate_slots for computed + new tokens).
            int cached = kv.cachedPrefixTokens(r);
            int tokens = Math.min(Math.min(r.remainingPrefill() - cached, longPrefillCap), budget);
            int end = r.prefilled() + cached + tokens;
            int blocks = extraBlocksFor(r, end);
            if (kv.admissionCost(r, blocks) > kv.freeBlocks()) {
                return;
            }
            waiting.poll();
            admit(r, blocks, end, now);
            out.addPrefill(r, tokens, r.prefilled());
            budget -= tokens;
        }
    }
}
