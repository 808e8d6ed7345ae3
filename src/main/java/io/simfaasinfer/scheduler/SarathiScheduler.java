package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;

import java.util.ArrayList;

/**
 * Sarathi-Serve (Agrawal et al., OSDI 2024): chunked prefills with stall-free batching. Each
 * iteration has a token budget of {@code chunk_size} tokens, filled in order with
 * <ol>
 *   <li>one decode token for every running request past its prefill (decodes never stall),</li>
 *   <li>the next chunk of every running request still in a partial prefill,</li>
 *   <li>the first chunk of newly admitted waiting requests, in local-policy order,</li>
 * </ol>
 * each prefill chunk being as large as the remaining budget allows. A prompt of P tokens thus
 * takes about P / chunk_size iterations to prefill, and the iteration time stays bounded, which
 * bounds the time between tokens of the running requests. KV blocks are allocated chunk by chunk
 * as a prefill grows and token by token as a sequence decodes; when a running request needs a
 * block and none is free, the most recently arrived unscheduled running request is preempted
 * (recompute, as in vLLM), possibly itself. A waiting request is admitted only if its whole
 * (re)prefill fits the free blocks minus the {@code watermark}, as vLLM's chunked-prefill
 * scheduler checks, and while fewer than {@code max_num_seqs} requests run; admission stops at
 * the first that does not fit.
 *
 * <p>With prefix caching ({@code cluster.prefix_caching}) an admitted request's cached leading
 * prompt blocks are shared and skipped, and only the rest of its prompt is chunked; the admission
 * check still counts the whole (re)prefill's blocks, as vLLM v0's block manager does. Each scheduled
 * chunk makes its full prompt blocks shareable.
 */
public class SarathiScheduler extends AbstractScheduler {

    private final int maxNumSeqs;
    private final int chunkSize;
    private final ArrayList<Request> partials = new ArrayList<>();

    public SarathiScheduler(SchedulerContext ctx) {
        super(ctx);
        this.maxNumSeqs = ctx.config().maxNumSeqs();
        this.chunkSize = ctx.config().chunkSize();
    }

    @Override
    public String name() {
        return "sarathi";
    }

    @Override
    public boolean schedule(long now, Batch out) {
        out.clear();
        int decoders = decodesFirst();
        int budget = chunkSize;
        int i = 0;
        // every decoder takes a token when the budget holds them all: as one cohort (same result as the pass)
        if (decoders <= budget && scheduleSteadyDecodes(out, decoders)) {
            budget -= decoders;
            i = decoders; // the partial prefills follow
        } else {
            endSteadyDecodes();
        }
        while (i < running.size()) {
            Request r = running.get(i);
            boolean prefill = r.inPrefill();
            int tokens = prefill ? Math.min(r.remainingPrefill(), budget) : Math.min(1, budget);
            if (tokens == 0) {
                i++; // no budget left: it waits for the next iteration
                continue;
            }
            long target = prefill ? (long) r.prefilled() + tokens : (long) r.kvTokens() + 1;
            int need = extraBlocksFor(r, target);
            if (preemptUntilFits(i, need, now)) {
                continue; // the element now at i (if any) is next
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
        admitNew(now, out, budget);
        return !out.isEmpty();
    }

    private void admitNew(long now, Batch out, int budget) {
        int reserve = running.isEmpty() ? 0 : watermarkBlocks;
        selectAdmissions(now, budget, kv.freeBlocks() - reserve, maxNumSeqs - running.size(),
                chunkSize - budget, chunkSize, true);
        while (budget > 0 && !waiting.isEmpty() && running.size() < maxNumSeqs) {
            Request r = waiting.peek();
            if (!mayAdmit(r)) {
                return;
            }
            reserve = running.isEmpty() ? 0 : watermarkBlocks;
            if (admissionBlocks(r, 0) + reserve > kv.freeBlocks()) {
                return;
            }
            // With prefix caching the cached prefix is skipped and only the rest of the prompt is chunked.
            int cached = kv.cachedPrefixTokens(r);
            int tokens = Math.min(r.remainingPrefill() - cached, budget);
            int end = cached + tokens;
            waiting.poll();
            admit(r, kv.blocksFor(end), end, now);
            out.addPrefill(r, tokens, r.prefilled());
            budget -= tokens;
        }
    }

    /**
     * Stable partition of the running list: requests past their prefill first, partial prefills after.
     * The steady decoders at its head are past their prefill already and not read. Returns how many
     * are past their prefill.
     */
    private int decodesFirst() {
        partials.clear();
        int k = steadyMembers();
        for (int i = k, n = running.size(); i < n; i++) {
            Request r = running.get(i);
            if (r.inPrefill()) {
                partials.add(r);
            } else {
                running.set(k++, r);
            }
        }
        int decoders = k;
        for (int i = 0, n = partials.size(); i < n; i++) {
            running.set(k++, partials.get(i));
        }
        partials.clear();
        return decoders;
    }
}
