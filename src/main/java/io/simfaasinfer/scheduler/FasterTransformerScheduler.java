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
 * <p>Padding ({@code scheduler.ft_padding}, default true). FasterTransformer runs a batch as one
 * tensor of shape [batch, max length]: the context phase computes every prompt padded to the
 * batch's longest, L tokens, so its prefill is costed as batch x L new tokens with causal
 * attention over L positions each. The generation phase then steps every sequence of the batch,
 * finished ones included (their tokens are masked, not skipped), until the last one finishes. Its
 * step counter and KV-cache layout are shared by the batch, so at the k-th decode step (k = 1, 2,
 * ...) every sequence, whatever its own prompt, attends over L + k - 1 cached positions: the
 * context of the longest prompt, which grows by one per step for finished sequences too. Only the
 * timing changes: a request still receives its tokens, and completes, when its own last token is
 * emitted, and its KV (prompt + output, reserved up front) is released then. With
 * {@code ft_padding: false} padding and finished sequences cost nothing and each sequence attends
 * over its own context, so the simulated latency is a lower bound for static batching.
 */
public class FasterTransformerScheduler extends AbstractScheduler {

    private final int maxNumSeqs;
    private final boolean padding;
    /** Sequences the batch in flight started with. */
    private int batchSize;
    /** Longest prefill (cached context plus prompt) of the batch in flight: its padded length. */
    private int paddedLength;
    /** Decode steps of the batch in flight already scheduled. */
    private int decodeSteps;

    public FasterTransformerScheduler(SchedulerContext ctx) {
        super(ctx);
        this.maxNumSeqs = ctx.config().maxNumSeqs();
        this.padding = ctx.config().ftPadding();
    }

    @Override
    public String name() {
        return "faster-transformer";
    }

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
        if (!running.isEmpty()) {
            // the batch in flight: one decode step for each of its sequences
            int n = running.size();
            if (!padding) {
                if (scheduleSteadyDecodes(out, n)) {
                    return true; // each at its own context: as one cohort (same result as the pass below)
                }
                for (int i = 0; i < n; i++) {
                    Request r = running.get(i);
                    out.addDecode(r, r.kvTokens());
                }
                return true;
            }
            int context = paddedLength + decodeSteps++;
            if (scheduleSteadyDecodes(out, n)) {
                // the same step as the pass below: n decodes, and padding up to the batch's size, at context
                // (n exceeds batchSize when a decode pool's transferred requests joined without a prefill here)
                out.padSteadyDecodes(Math.max(batchSize, n), context);
                return true;
            }
            for (int i = 0; i < n; i++) {
                out.addDecode(running.get(i), context);
            }
            for (int i = n; i < batchSize; i++) {
                out.addPaddingDecode(context); // a finished sequence, still stepped
            }
            return true;
        }
        selectAdmissions(now, Integer.MAX_VALUE, kv.freeBlocks(), maxNumSeqs, 0, Integer.MAX_VALUE, false);
        int longest = 0;
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
            out.addPrefill(r, r.remainingPrefill(), r.prefilled());
            longest = Math.max(longest, r.prefillTarget());
        }
        batchSize = running.size();
        paddedLength = longest;
        decodeSteps = 0;
        if (padding && batchSize > 1) {
            out.padPrefillsTo(longest);
        }
        return !out.isEmpty();
    }
}
