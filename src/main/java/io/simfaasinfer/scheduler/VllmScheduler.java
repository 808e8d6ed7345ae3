package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;

/**
 * vLLM v0's default scheduler: continuous batching with prefill priority.
 *
 * <p>Each iteration first admits waiting requests in FCFS order as whole-prompt prefills while
 * the token budget ({@code max_num_batched_tokens}), the sequence limit ({@code max_num_seqs})
 * and free KV blocks (minus a watermark) allow; the first request that does not fit stops
 * admission (no skipping). If any prefill was admitted the iteration is prefill-only. Otherwise
 * every running sequence decodes one token; a sequence that needs a new block when none is free
 * preempts the most recently arrived running request (recompute: its KV is dropped and it is
 * prefilled again later), possibly itself. The waiting order is the configured local policy
 * ({@code scheduler.local_policy}, FCFS by default, as vLLM).
 */
public class VllmScheduler extends AbstractScheduler {

    private final int maxNumSeqs;
    private final int maxBatchedTokens;

    public VllmScheduler(SchedulerContext ctx) {
        super(ctx);
        this.maxNumSeqs = ctx.config().maxNumSeqs();
        this.maxBatchedTokens = ctx.config().maxNumBatchedTokens();
    }

    @Override
    public String name() {
        return "vllm";
    }

    @Override
    public String admissionProblem(Request r) {
        // A recomputed prompt can grow up to prompt + output - 1 tokens; it must fit one prefill.
        return budgetProblem(r, (long) r.promptTokens() + r.outputTokens() - 1, maxBatchedTokens);
    }

    @Override
    public boolean schedule(long now, Batch out) {
        out.clear();
        schedulePrefills(now, out);
        if (out.numPrefills() > 0) {
            return true;
        }
        scheduleDecodes(now, out);
        return !out.isEmpty();
    }

    private void schedulePrefills(long now, Batch out) {
        int budget = maxBatchedTokens;
        selectAdmissions(now, budget, kv.freeBlocks() - (running.isEmpty() ? 0 : watermarkBlocks),
                maxNumSeqs - running.size(), 0, budget, false);
        while (!waiting.isEmpty()) {
            Request r = waiting.peek();
            int tokens = r.remainingPrefill();
            if (tokens > budget || running.size() + 1 > maxNumSeqs || !mayAdmit(r)) {
                return;
            }
            int blocks = kv.blocksFor(r.prefillTarget());
            // The watermark keeps headroom for decodes; an empty replica ignores it so a large prompt cannot starve.
            int reserve = running.isEmpty() ? 0 : watermarkBlocks;
            if (blocks + reserve > kv.freeBlocks()) {
                return;
            }
            waiting.poll();
            admit(r, blocks, now);
            int computed = r.remainingPrefill(); // fewer than tokens when a cached prefix is reused
            out.addPrefill(r, computed, r.prefilled());
            budget -= computed;
        }
    }

    private void scheduleDecodes(long now, Batch out) {
        int i = 0;
        while (i < running.size()) {
            Request r = running.get(i);
            // This step appends the last emitted token to the KV cache.
            int need = extraBlocksFor(r, (long) r.kvTokens() + 1);
            boolean selfPreempted = false;
            while (need > kv.freeBlocks()) {
                int victim = latestArrivedRunning(i);
                selfPreempted = victim == i;
                preempt(victim, now);
                if (selfPreempted) {
                    break;
                }
            }
            if (selfPreempted) {
                continue; // r left running; the element now at i (if any) is next
            }
            grow(r, need);
            out.addDecode(r, r.kvTokens());
            i++;
        }
    }
}
