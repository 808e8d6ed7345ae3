package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;

/**
 * Orca (Yu et al., OSDI 2022): iteration-level scheduling. Every iteration runs one decode step
 * of every running request and, in the same batch, the whole prompts of newly admitted ones
 * (prefills and decodes mixed; Orca's selective batching). A request is admitted, in local-policy
 * order, only if the KV cache can hold its maximum length (prompt + output tokens), which is
 * reserved up front; so a running request never runs out of memory and nothing is ever
 * preempted. Admission stops at the first request that does not fit (no skipping), when
 * {@code max_num_seqs} requests run (Orca's max batch size), or when the iteration's prompt tokens
 * would exceed {@code max_num_batched_tokens} (which keeps an iteration within the activation
 * memory the KV capacity was sized with; decode tokens are not counted).
 *
 * <p>The simulator knows each request's output length; it stands in for the {@code max_tokens}
 * Orca reserves for (a client that sets max_tokens to exactly what it gets).
 */
public class OrcaScheduler extends AbstractScheduler {

    private final int maxNumSeqs;
    private final int maxBatchedTokens;

    public OrcaScheduler(SchedulerContext ctx) {
        super(ctx);
        this.maxNumSeqs = ctx.config().maxNumSeqs();
        this.maxBatchedTokens = ctx.config().maxNumBatchedTokens();
    }

    @Override
    public String name() {
        return "orca";
    }

    @Override
    public String admissionProblem(Request r) {
        return budgetProblem(r, r.promptTokens(), maxBatchedTokens);
    }

    /** The whole request's KV, prompt plus output, is reserved at admission. */
    @Override
    protected int admissionBlocks(Request r, int tokens) {
        return blocksForWholeRequest(r);
    }

    /** A transferred request reserves its whole KV too (this scheduler never grows a running request's). */
    @Override
    protected int transferReservation(Request r) {
        return kv.blocksFor((long) r.promptTokens() + r.outputTokens());
    }

    @Override
    public boolean schedule(long now, Batch out) {
        out.clear();
        // every running request decodes (all are past their prefill: a prompt is prefilled whole): as one
        // cohort when it can (same result as the pass; their blocks were reserved at admission)
        if (!scheduleSteadyDecodes(out, running.size())) {
            for (int i = 0, n = running.size(); i < n; i++) {
                Request r = running.get(i);
                out.addDecode(r, r.kvTokens());
            }
        }
        int budget = maxBatchedTokens;
        selectAdmissions(now, budget, kv.freeBlocks(), maxNumSeqs - running.size(), out.numDecodes(), budget, false);
        while (!waiting.isEmpty() && running.size() < maxNumSeqs) {
            Request r = waiting.peek();
            int tokens = r.remainingPrefill();
            if (tokens > budget || !mayAdmit(r)) {
                break;
            }
            int blocks = admissionBlocks(r, tokens);
            if (blocks > kv.freeBlocks()) {
                break;
            }
            waiting.poll();
            admit(r, blocks, now);
            out.addPrefill(r, tokens, r.prefilled());
            budget -= tokens;
        }
        return !out.isEmpty();
    }
}
