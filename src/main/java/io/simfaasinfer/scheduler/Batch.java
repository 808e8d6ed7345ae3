package io.simfaasinfer.scheduler;

import io.simfaasinfer.predictor.BatchView;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.request.Request;

import java.util.Arrays;

/**
 * The work of one iteration on one replica: prefill entries (new tokens on top of cached
 * context) and decode entries (one token each). Reused across iterations of a replica to avoid
 * allocation in the hot loop; only one iteration per replica is in flight at a time.
 *
 * <p>Padding (static batching, {@code faster-transformer} with {@code scheduler.ft_padding}): the
 * predictor ({@link BatchView}) sees what the GPU computes, the scheduler's accounting
 * ({@link #realPrefillTokens}, {@link #decodeRequest}) what the requests get. With
 * {@link #padPrefillsTo} every prefill is costed as padded to a common length, and a
 * {@linkplain #addPaddingDecode padding decode} is a sequence the GPU still steps (a finished one)
 * that has no request and emits no token. Other schedulers use neither, and then the two views agree.
 */
public final class Batch implements BatchView {

    private Request[] prefillReq = new Request[16];
    private int[] prefillTokens = new int[16];
    private int[] prefillContext = new int[16];
    private int nPrefill;
    private long sumPrefillTokens;
    /** Every prefill is costed as (padTo - context) new tokens when larger than its own; 0 = no padding. */
    private int padTo;
    private long sumPaddedPrefillTokens;

    private Request[] decodeReq = new Request[64];
    private int[] decodeContext = new int[64];
    private int nDecode;
    private long sumDecodeContext;
    private int nPaddingDecodes;

    /**
     * Non-null when the decode entries are the first {@code nDecode} requests of this list, in order
     * (a scheduler's running set, decoding in step: {@link #setSteadyDecodes}); their contexts are then
     * read from the requests, valid until the iteration completes.
     */
    private java.util.List<Request> steadyDecodes;
    /**
     * With steady decodes: every decode entry's context when they are a static batch's padded step
     * ({@link #padSteadyDecodes}), else -1 (each request's own KV tokens).
     */
    private int uniformContext = -1;

    private long startNs = -1;
    /** Decode steps this batch runs for one scheduling decision (vLLM multi-step); 1 otherwise. */
    private int steps = 1;
    /** While a multi-step run is timed: the step being predicted (its decodes' contexts are this much longer). */
    private int stepOffset;

    /** When the iteration of this batch started (set by the replica that runs it), or -1 if unknown. */
    public long startNs() {
        return startNs;
    }

    public void setStartNs(long t) {
        startNs = t;
    }

    public void clear() {
        Arrays.fill(prefillReq, 0, nPrefill, null);
        if (steadyDecodes == null) {
            Arrays.fill(decodeReq, 0, nDecode, null);
        }
        steadyDecodes = null;
        uniformContext = -1;
        nPrefill = 0;
        nDecode = 0;
        sumPrefillTokens = 0;
        sumDecodeContext = 0;
        padTo = 0;
        sumPaddedPrefillTokens = 0;
        nPaddingDecodes = 0;
        steps = 1;
        stepOffset = 0;
    }

    /**
     * Makes this decode-only batch a multi-step run of {@code n} steps (vLLM 0.6
     * {@code --num-scheduler-steps}): the same sequences decode {@code n} times in a row, each step's
     * contexts one token longer, and only the first step pays the host's per-iteration work
     * ({@link #paysHost}; the per-sequence output processing is paid by every step). Cleared by {@link #clear}.
     */
    public void setSteps(int n) {
        if (n < 1 || (n > 1 && nPrefill > 0)) {
            throw new IllegalArgumentException("a multi-step run is decode-only and has at least one step, got " + n);
        }
        steps = n;
    }

    /** Decode steps of this batch: 1, or a multi-step run's length. */
    public int steps() {
        return steps;
    }

    /**
     * The predicted time of this batch: one iteration, or for a multi-step run the sum of its steps,
     * step {@code s} (from 0) with every decode context {@code s} tokens longer and the host paid at
     * step 0 only. A one-step batch is predicted exactly as before ({@code p.predict(this)}).
     */
    public Breakdown predictWith(ExecutionTimePredictor p) {
        if (steps == 1) {
            return p.predict(this);
        }
        double linear = 0, prefillAttn = 0, decodeAttn = 0, lmHead = 0, comm = 0, overhead = 0, flops = 0, bytes = 0;
        try {
            for (int s = 0; s < steps; s++) {
                stepOffset = s;
                Breakdown b = p.predict(this);
                linear += b.linearMs();
                prefillAttn += b.prefillAttentionMs();
                decodeAttn += b.decodeAttentionMs();
                lmHead += b.lmHeadMs();
                comm += b.communicationMs();
                overhead += b.overheadMs();
                flops += b.flops();
                bytes += b.bytes();
            }
        } finally {
            stepOffset = 0;
        }
        return new Breakdown(linear, prefillAttn, decodeAttn, lmHead, comm, overhead, flops, bytes);
    }

    /** False for the second and later steps of a multi-step run while it is timed. */
    @Override
    public boolean paysHost() {
        return stepOffset == 0;
    }

    public boolean isEmpty() {
        return nPrefill == 0 && nDecode == 0;
    }

    /** Adds a prefill (or prefill chunk) of {@code tokens} new tokens on top of {@code context} cached ones. */
    public void addPrefill(Request r, int tokens, int context) {
        if (nPrefill == prefillReq.length) {
            int n = nPrefill * 2;
            prefillReq = Arrays.copyOf(prefillReq, n);
            prefillTokens = Arrays.copyOf(prefillTokens, n);
            prefillContext = Arrays.copyOf(prefillContext, n);
        }
        prefillReq[nPrefill] = r;
        prefillTokens[nPrefill] = tokens;
        prefillContext[nPrefill] = context;
        nPrefill++;
        sumPrefillTokens += tokens;
        if (padTo > 0) {
            sumPaddedPrefillTokens += Math.max(tokens, padTo - context);
        }
    }

    /**
     * Costs every prefill of this batch (added before or after) as padded to {@code length} tokens
     * of context plus new tokens: an entry with {@code c} cached and {@code q} new tokens is seen by
     * the predictor as {@code max(q, length - c)} new tokens. The requests still advance by their own
     * {@code q} ({@link #realPrefillTokens}). Cleared by {@link #clear}.
     */
    public void padPrefillsTo(int length) {
        padTo = length;
        long s = 0;
        for (int i = 0; i < nPrefill; i++) {
            s += prefillTokens(i);
        }
        sumPaddedPrefillTokens = s;
    }

    /**
     * Adds a decode step the GPU computes for no request (a finished sequence of a static batch,
     * still stepped, its token masked): costed like a decode with {@code context} cached tokens,
     * {@link #decodeRequest} is null for it and no token is emitted.
     */
    public void addPaddingDecode(int context) {
        addDecode(null, context);
        nPaddingDecodes++;
    }

    /**
     * Makes the decodes of this batch the first {@code n} requests of {@code running} (none added
     * otherwise), with {@code sumContext} the sum of their KV tokens: one decode each, no entry copied.
     * The list must keep those requests in place until the iteration completes.
     */
    void setSteadyDecodes(java.util.List<Request> running, int n, long sumContext) {
        if (nDecode > 0 || padTo > 0) {
            throw new IllegalStateException("steady decodes replace the decode entries of an empty batch");
        }
        steadyDecodes = running;
        nDecode = n;
        sumDecodeContext = sumContext;
    }

    /**
     * Makes the steady decodes of this batch ({@link #setSteadyDecodes}, {@code m} of them) a padded static
     * batch's step of {@code total} sequences: the first {@code m} entries its requests, the other
     * {@code total - m} {@linkplain #addPaddingDecode padding decodes}, every entry costed with
     * {@code context} cached tokens, as {@code m} {@link #addDecode}s and {@code total - m} padding
     * decodes at {@code context} would be.
     */
    void padSteadyDecodes(int total, int context) {
        if (steadyDecodes == null || total < nDecode || context < 0) {
            throw new IllegalStateException("padding " + nDecode + " steady decodes to " + total + " at context " + context);
        }
        nPaddingDecodes = total - nDecode;
        nDecode = total;
        uniformContext = context;
        sumDecodeContext = (long) total * context;
    }

    /** Whether the decodes are a scheduler's steady decoders ({@link #setSteadyDecodes}). */
    boolean steadyDecodes() {
        return steadyDecodes != null;
    }

    /** Adds a decode step of a sequence with {@code context} tokens already cached. */
    public void addDecode(Request r, int context) {
        if (steadyDecodes != null) {
            throw new IllegalStateException("a batch of steady decodes takes no other decode");
        }
        if (nDecode == decodeReq.length) {
            int n = nDecode * 2;
            decodeReq = Arrays.copyOf(decodeReq, n);
            decodeContext = Arrays.copyOf(decodeContext, n);
        }
        decodeReq[nDecode] = r;
        decodeContext[nDecode] = context;
        nDecode++;
        sumDecodeContext += context;
    }

    public Request prefillRequest(int i) { return prefillReq[i]; }
    /**
     * The decode entries' requests ({@link #decodeRequest} for every {@code i < numDecodes()}): the
     * batch's own array, for the scheduler's pass at the end of the iteration; not to be modified.
     */
    Request[] decodeRequests() {
        if (steadyDecodes != null) {
            throw new IllegalStateException("steady decodes have no entry array");
        }
        return decodeReq;
    }
    /** The request of decode entry {@code i}; null for a {@linkplain #addPaddingDecode padding decode}. */
    public Request decodeRequest(int i) {
        if (steadyDecodes != null) {
            return i < nDecode - nPaddingDecodes ? steadyDecodes.get(i) : null;
        }
        return decodeReq[i];
    }
    /** Prompt tokens entry {@code i} advances its request by (without padding). */
    public int realPrefillTokens(int i) { return prefillTokens[i]; }
    /** Prompt tokens the prefills advance their requests by (without padding). */
    public long totalRealPrefillTokens() { return sumPrefillTokens; }
    /** Decode entries without a request. */
    public int numPaddingDecodes() { return nPaddingDecodes; }

    @Override public int numPrefills() { return nPrefill; }
    /** New tokens the GPU computes for prefill entry {@code i}: its own, or more when padded. */
    @Override public int prefillTokens(int i) {
        return padTo > 0 ? Math.max(prefillTokens[i], padTo - prefillContext[i]) : prefillTokens[i];
    }
    @Override public int prefillContext(int i) { return prefillContext[i]; }
    @Override public int numDecodes() { return nDecode; }
    @Override public int decodeContext(int i) {
        if (steadyDecodes != null) {
            return (uniformContext >= 0 ? uniformContext : steadyDecodes.get(i).kvTokens()) + stepOffset;
        }
        return decodeContext[i] + stepOffset;
    }
    @Override public long totalPrefillTokens() { return padTo > 0 ? sumPaddedPrefillTokens : sumPrefillTokens; }
    @Override public long totalDecodeContext() { return sumDecodeContext + (long) nDecode * stepOffset; }
}
