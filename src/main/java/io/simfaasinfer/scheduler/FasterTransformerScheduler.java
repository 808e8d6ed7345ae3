package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;

/**
 * NVIDIA FasterTransformer-style static batching (request-level scheduling, the baseline of the
 * Orca and vLLM papers). When the replica is idle it forms a batch from the waiting queue, in
 * local-policy order, of up to {@code max_num_seqs} requests (FasterTransformer's max_batch_size)
 * whose maximum KV (prompt + output) fits the cache, reserved up front; it stops at the first
 * request that does not fit. {@code max_num_batched_tokens} does not apply: FasterTransformer
 * sizes its buffers for the whole batch at its maximum length instead of budgeting tokens. The batch prefills all prompts in one iteration, then decodes until every one of its
 * requests has finished; a request that arrives meanwhile waits for the whole batch, and a
 * finished request's slot stays empty. Never preempts.
 *
 * <p>Simplification: FasterTransformer pads prompts to the longest and keeps computing finished
 * sequences until the batch ends; here padding and finished sequences cost nothing, so the
 * simulated latency is a lower bound for static batching.
 */
public class FasterTransformerScheduler extends AbstractScheduler {

    private final int maxNumSeqs;

    public FasterTransformerScheduler(SchedulerContext ctx) {
        super(ctx);
        this.maxNumSeqs = ctx.config().maxNumSeqs();
    }

    @Override
    public String name() {
        return "faster-transformer";
    }

    @Override
    protected int admissionBlocks(Request r, int tokens) {
        return kv.blocksFor((long) r.promptTokens() + r.outputTokens()) - r.blocks();
    }

    @Override
    public boolean schedule(long now, Batch out) {
        out.clear();
        if (!running.isEmpty()) {
            // the batch in flight: one decode step for each of its unfinished requests
            for (int i = 0, n = running.size(); i < n; i++) {
                Request r = running.get(i);
                out.addDecode(r, r.kvTokens());
            }
            return true;
        }
        selectAdmissions(now, Integer.MAX_VALUE, kv.freeBlocks(), maxNumSeqs, 0, Integer.MAX_VALUE, false);
        while (!waiting.isEmpty() && running.size() < maxNumSeqs) {
            Request r = waiting.peek();
            int tokens = r.remainingPrefill();
            if (!mayAdmit(r)) {
                break;
            }
            int blocks = admissionBlocks(r, tokens);
            if (blocks > kv.freeBlocks()) {
                break;
            }
            waiting.poll();
            admit(r, blocks, now);
            out.addPrefill(r, tokens, r.prefilled());
        }
        return !out.isEmpty();
    }
}
