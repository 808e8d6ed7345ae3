package io.simfaasinfer.scheduler;

import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import io.simfaasinfer.scheduler.local.AdmissionBudget;
import io.simfaasinfer.scheduler.local.LocalPolicies;
import io.simfaasinfer.scheduler.local.LocalPolicy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Template for iteration-level schedulers (after Vidur's base scheduler): the waiting queue, the
 * running set, KV bookkeeping, preemption and the end-of-iteration accounting are shared; a
 * subclass only decides what goes into the next batch ({@link #schedule}).
 */
public abstract class AbstractScheduler implements Scheduler {

    /** First come, first served: by arrival time, then id. */
    public static final Comparator<Request> FCFS = LocalPolicies.FCFS;

    protected final SchedulerContext ctx;
    protected final BlockManager kv;
    protected final RequestObserver observer;
    protected final PriorityQueue<Request> waiting;
    /** Running requests in admission order. */
    protected final ArrayList<Request> running = new ArrayList<>();
    protected long preemptions;
    /** Orders the waiting queue and, for a batch-selecting policy, picks each iteration's admissions. */
    protected final LocalPolicy localPolicy;
    private final AdmissionBudget admissionBudget = new AdmissionBudget(this::admissionBlocks);
    /** Remaining prefill plus output tokens of every outstanding request. */
    private long remainingWork;
    /** Prefill replica of a disaggregated deployment: where prefilled requests go; null otherwise. */
    private final Handoff handoff;
    /** The steady decoders, for a scheduler whose decode iterations decode every running request; null until used. */
    private DecodeCohort cohort;
    /**
     * Running requests from which a scheduler starts a cohort of steady decoders (it then keeps it
     * while it has members): below this the per-request pass costs less than the cohort's bookkeeping
     * (measured on the Mooncake replay, about two decoders per iteration). Either way the results are
     * the same.
     */
    static final int STEADY_MIN = 8;
    /** Whether the observer takes decode runs ({@link RequestObserver#acceptsDecodeRuns}): fixed with it. */
    private final boolean acceptsDecodeRuns;
    /** The gaps of an iteration's decode tokens, by decode entry (reused, allocation-free). */
    private long[] gaps = new long[64];
    /** Requests handed off in the iteration being completed (reused, allocation-free). */
    private final ArrayList<Request> handedOff = new ArrayList<>();
    /** KV blocks the {@code watermark} fraction keeps free when admitting (for schedulers that use it). */
    protected final int watermarkBlocks;
    private int heldForTransfer;
    private int incoming;
    private long emitted;
    /** Written by {@link #touch} so its reads are not optimised away; never read. */
    @SuppressWarnings("unused")
    private int touched;

    protected AbstractScheduler(SchedulerContext ctx, Comparator<Request> waitingOrder) {
        this(ctx, LocalPolicy.ordered(waitingOrder));
    }

    /** A scheduler whose waiting queue follows the configured local policy ({@code scheduler.local_policy}). */
    protected AbstractScheduler(SchedulerContext ctx) {
        this(ctx, LocalPolicies.create(ctx.policyContext()));
    }

    protected AbstractScheduler(SchedulerContext ctx, LocalPolicy localPolicy) {
        this.ctx = ctx;
        this.kv = ctx.kv();
        this.observer = ctx.observer();
        this.localPolicy = localPolicy;
        this.waiting = new PriorityQueue<>(64, localPolicy.order());
        this.handoff = ctx.handoff();
        this.watermarkBlocks = (int) Math.floor(ctx.config().watermark() * kv.totalBlocks());
        this.acceptsDecodeRuns = observer.acceptsDecodeRuns();
    }

    @Override
    public void enqueue(Request r, long now) {
        remainingWork += LocalPolicies.remainingWork(r);
        waiting.add(r);
    }

    @Override
    public java.util.Map<String, Long> policyCounters() {
        return localPolicy.counters();
    }

    @Override
    public long remainingWorkTokens() {
        return remainingWork;
    }

    /**
     * Call before admitting waiting requests: a batch-selecting local policy chooses which may join
     * (see {@link AdmissionBudget#set} for the arguments); {@link #mayAdmit} then says yes only to them.
     */
    protected void selectAdmissions(long now, int tokens, int freeBlocks, int freeSeqs, long batchTokens,
                                    int iterationTokens, boolean chunked) {
        if (selectsAdmissions()) {
            admissionBudget.set(tokens, freeBlocks, freeSeqs, batchTokens, iterationTokens, chunked);
            localPolicy.select(waiting, admissionBudget, now);
        }
    }

    /** Whether {@link #selectAdmissions} would consult the local policy now (it selects batches, and some wait). */
    protected final boolean selectsAdmissions() {
        return localPolicy.selectsBatch() && !waiting.isEmpty();
    }

    /** Whether the local policy lets {@code r}, the head of the waiting queue, join this iteration. */
    protected boolean mayAdmit(Request r) {
        return localPolicy.mayAdmit(r);
    }

    /** KV blocks {@code r} still lacks for its whole life, prompt plus every output token (reserved up front). */
    protected final int blocksForWholeRequest(Request r) {
        return kv.blocksFor((long) r.promptTokens() + r.outputTokens()) - r.blocks();
    }

    /**
     * {@link Scheduler#admissionProblem}, then: a request whose single prefill of {@code prefillTokens}
     * tokens exceeds the iteration budget {@code budget} can never be scheduled.
     */
    protected final String budgetProblem(Request r, long prefillTokens, int budget) {
        String p = Scheduler.super.admissionProblem(r);
        if (p == null && prefillTokens > budget) {
            return "exceeds_max_num_batched_tokens";
        }
        return p;
    }

    /** KV blocks this scheduler needs free to admit {@code r} with its first {@code tokens} tokens. */
    protected int admissionBlocks(Request r, int tokens) {
        return kv.blocksFor(r.prefillTarget());
    }

    @Override
    public int waiting() {
        return waiting.size();
    }

    @Override
    public int running() {
        return running.size();
    }

    @Override
    public BlockManager kv() {
        return kv;
    }

    public long preemptions() {
        return preemptions;
    }

    /**
     * Moves {@code r} from waiting to running, holding {@code blocks} KV blocks. With prefix caching
     * ({@code cluster.prefix_caching}) the cached leading prompt blocks are shared and {@code r}'s
     * prefill advances past them here, so callers read {@code r.remainingPrefill()} and
     * {@code r.prefilled()} after this call to size the prefill they schedule.
     */
    protected void admit(Request r, int blocks, long now) {
        admit(r, blocks, Integer.MAX_VALUE, now);
    }

    /**
     * As {@link #admit(Request, int, long)} for a chunked prefill whose first chunk ends at prompt
     * token {@code computeEnd} (cached prefix included): with prefix caching the chunk must be sized
     * after the cached prefix ({@code kv.cachedPrefixTokens(r)} before this call), and only the full
     * prompt blocks up to {@code computeEnd} become shareable now; {@link #addPrefillChunk} registers
     * the later ones chunk by chunk.
     */
    protected void admit(Request r, int blocks, int computeEnd, long now) {
        int cached = kv.allocateFor(r, blocks, computeEnd);
        if (cached > 0) {
            r.advancePrefill(cached);
            remainingWork -= cached;
        }
        r.setBlocks(r.blocks() + blocks);
        if (r.firstScheduledNs() < 0) {
            r.markRunning(now);
            observer.onFirstScheduled(r, now);
        } else {
            r.markRunning(now);
        }
        running.add(r);
    }

    /**
     * Adds the next {@code tokens} prefill tokens of {@code r} (which holds their blocks) to
     * {@code out}; with prefix caching its full prompt blocks up to the chunk's end become shareable.
     */
    protected void addPrefillChunk(Batch out, Request r, int tokens) {
        kv.cacheUpTo(r, r.prefilled() + tokens);
        out.addPrefill(r, tokens, r.prefilled());
    }

    /** Gives {@code r} {@code blocks} more KV blocks (caller checked they are free): {@link BlockManager#grow}. */
    protected void grow(Request r, int blocks) {
        kv.grow(r, blocks);
    }

    /** Extra blocks {@code r} needs to hold {@code tokens} tokens: {@link BlockManager#extraBlocksFor}. */
    protected int extraBlocksFor(Request r, long tokens) {
        return kv.extraBlocksFor(r, tokens);
    }

    /** Recompute preemption of the running request at {@code index}: frees its KV, requeues it. */
    protected void preempt(int index, long now) {
        Request victim = running.remove(index);
        kv.release(victim);
        int before = victim.remainingPrefill();
        victim.preempt();
        remainingWork += victim.remainingPrefill() - before;
        preemptions++;
        observer.onPreempted(victim, now);
        waiting.add(victim);
    }

    /**
     * Frees blocks for the running request at {@code index}, which needs {@code need} more, by
     * recompute preemption of the most recently arrived running requests at or after it (vLLM's
     * victim order), possibly itself. True if it was itself preempted (it left {@code running}; the
     * element now at {@code index}, if any, is next).
     */
    protected final boolean preemptUntilFits(int index, int need, long now) {
        while (need > kv.freeBlocks()) {
            int victim = latestArrivedRunning(index);
            preempt(victim, now);
            if (victim == index) {
                return true;
            }
        }
        return false;
    }

    /** Index in {@code running} of the most recently arrived request at or after {@code from}. */
    protected int latestArrivedRunning(int from) {
        int best = -1;
        for (int i = from; i < running.size(); i++) {
            if (best < 0 || FCFS.compare(running.get(i), running.get(best)) > 0) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public void complete(Batch batch, long now) {
        long iterationNs = batch.startNs() >= 0 ? now - batch.startNs() : 0;
        boolean steady = batch.steadyDecodes();
        if (!steady) {
            touch(batch);
        }
        boolean anyFinished = false;
        for (int i = 0, n = batch.numPrefills(); i < n; i++) {
            Request r = batch.prefillRequest(i);
            int tokens = batch.realPrefillTokens(i);
            r.advancePrefill(tokens);
            remainingWork -= tokens;
            if (!r.inPrefill()) {
                anyFinished |= emit(r, now, iterationNs);
            }
        }
        if (steady) {
            completeSteady(batch, now); // the prefilled ones (after the decoders in running) are still in place
        } else if (batch.steps() == 1) {
            anyFinished |= emitDecodes(batch, now);
        } else {
            anyFinished |= completeRun(batch, now, iterationNs);
        }
        if (anyFinished) {
            running.removeIf(AbstractScheduler::leaves);
        }
        if (!handedOff.isEmpty()) {
            for (int i = 0, n = handedOff.size(); i < n; i++) {
                handoff.onPrefilled(handedOff.get(i), ctx.replica(), now);
            }
            handedOff.clear();
        }
    }

    /**
     * For an iteration in which the first {@code decoders} running requests (every one past its
     * prefill) decode one token each (vLLM v0's decode iterations; the decodes-first part of a
     * chunked-prefill iteration): forms their decodes into {@code out} from the steady decoders
     * ({@link DecodeCohort}) when its observer takes decode tokens as runs
     * ({@link RequestObserver#acceptsDecodeRuns}) and the blocks they need are free; the caller adds
     * the prefill chunks after. False, with nothing changed and every request off the clock, when the
     * caller must decode request by request (preemption, or an observer that wants every token).
     */
    protected final boolean scheduleSteadyDecodes(Batch out, int decoders) {
        if (!acceptsDecodeRuns || decoders == 0) {
            endSteadyDecodes();
            return false;
        }
        if ((cohort == null || cohort.members() == 0) && decoders < STEADY_MIN) {
            return false; // a cohort starts only for enough decoders to be worth its bookkeeping
        }
        if (cohort == null) {
            cohort = new DecodeCohort(kv);
        }
        if (cohort.schedule(running, decoders, out)) {
            return true;
        }
        cohort.dissolve(running);
        return false;
    }

    /**
     * Running requests at the head of the running list known to be past their prefill: the steady
     * decoders' members (a prefix of it), 0 without a cohort. A scheduler need not read them to find
     * its decoders.
     */
    protected final int steadyMembers() {
        return cohort == null ? 0 : cohort.members();
    }

    /** Every steady decoder leaves the clock (before an iteration the cohort cannot form); none: no-op. */
    protected final void endSteadyDecodes() {
        if (cohort != null && cohort.members() > 0) {
            cohort.dissolve(running);
        }
    }

    /** The decodes of a steady decode iteration ({@link #scheduleSteadyDecodes}), after its prefills. */
    private void completeSteady(Batch batch, long now) {
        int tokens = cohort.complete(running, batch.numDecodes() - batch.numPaddingDecodes(), now, observer);
        emitted += tokens;
        remainingWork -= tokens;
    }

    /**
     * Reads the decodes' requests once before emitting their tokens. On a large cluster they have
     * left the CPU caches since the iteration began (the other replicas ran theirs meanwhile); loads
     * that depend on nothing let the CPU fetch many of them at once, where the emitting loop, with
     * its long body per request, waits for them nearly one by one. Changes nothing.
     */
    private void touch(Batch batch) {
        int sum = 0;
        for (int i = 0, n = batch.numDecodes(); i < n; i++) {
            Request r = batch.decodeRequest(i);
            if (r != null) {
                sum += r.touch();
            }
        }
        touched = sum;
    }

    /**
     * The decodes of a one-step iteration, one token each, in one pass: every token is emitted, then
     * the observer takes the iteration's gaps at once ({@link RequestObserver#onDecodeTokens}), then
     * the requests that finished release their KV and are reported finished, in batch order. A decode
     * never hands a request off (its first token came from its prefill). True if any finished.
     */
    private boolean emitDecodes(Batch batch, long now) {
        int n = batch.numDecodes();
        Request[] requests = batch.decodeRequests();
        if (gaps.length < n) {
            gaps = new long[Math.max(n, 2 * gaps.length)];
        }
        long[] g = gaps;
        int finished = 0;
        for (int i = 0; i < n; i++) {
            Request r = requests[i];
            if (r != null) { // null: a padding decode (static batching), no token
                g[i] = r.emitToken(now);
                if (r.isFinished()) {
                    finished++;
                }
            }
        }
        int tokens = n - batch.numPaddingDecodes();
        emitted += tokens;
        remainingWork -= tokens;
        observer.onDecodeTokens(requests, g, n, now);
        boolean any = finished > 0;
        for (int i = 0; finished > 0 && i < n; i++) {
            Request r = requests[i];
            if (r != null && r.isFinished()) {
                finished--;
                kv.release(r);
                observer.onFinished(r, now);
            }
        }
        return any;
    }

    /**
     * The end of a multi-step run ({@link Batch#steps} &gt; 1), which only a scheduler that forms them
     * overrides ({@link VllmScheduler}). True if any request finished.
     */
    protected boolean completeRun(Batch batch, long now, long iterationNs) {
        throw new IllegalStateException(name() + " forms no multi-step runs");
    }

    private static boolean leaves(Request r) {
        return r.isFinished() || r.state() == Request.State.TRANSFERRING;
    }

    /** Emits the next token of {@code r}; true if it leaves the running set (finished, or handed off). */
    protected final boolean emit(Request r, long now, long iterationNs) {
        long gap = r.emitToken(now);
        emitted++;
        remainingWork--;
        observer.onToken(r, gap, now);
        if (r.isFinished()) {
            kv.release(r);
            observer.onFinished(r, now);
            return true;
        }
        if (handoff != null && r.generated() == 1) {
            // prefill replica: the first token is out; decoding happens elsewhere once the KV is sent
            remainingWork -= r.remainingOutput();
            r.markTransferring(now, iterationNs);
            heldForTransfer++;
            handedOff.add(r);
            return true;
        }
        return false;
    }

    // ---- disaggregated serving ----

    @Override
    public boolean supportsDisaggregation() {
        return true;
    }

    @Override
    public void releaseHandedOff(Request r) {
        if (r.state() != Request.State.TRANSFERRING || heldForTransfer == 0) {
            throw new IllegalStateException("request " + r.id() + " is not held for a transfer here");
        }
        kv.release(r);
        heldForTransfer--;
    }

    @Override
    public long emittedTokens() {
        return emitted;
    }

    @Override
    public int heldForTransfer() {
        return heldForTransfer;
    }

    /**
     * KV blocks a transferred request takes on arrival: its cache (it grows by decodes from there);
     * schedulers that reserve a request's whole KV up front reserve prompt + output instead.
     */
    protected int transferReservation(Request r) {
        return kv.blocksFor(r.kvTokens());
    }

    @Override
    public int transferBlocksIfFree(Request r) {
        int blocks = transferReservation(r);
        return blocks <= transferHeadroom() ? blocks : -1;
    }

    @Override
    public int transferBlocks(Request r) {
        return transferReservation(r);
    }

    @Override
    public int transferHeadroom() {
        if (running.size() + incoming >= ctx.config().maxNumSeqs()) {
            return -1;
        }
        return kv.freeBlocks() - (running.isEmpty() && incoming == 0 ? 0 : watermarkBlocks);
    }

    @Override
    public void reserveTransfer(Request r, int blocks) {
        kv.allocate(blocks);
        incoming++;
    }

    @Override
    public void acceptTransferred(Request r, int blocks, long now) {
        if (incoming == 0) {
            throw new IllegalStateException("request " + r.id() + " arrived without a reservation");
        }
        incoming--;
        r.setBlocks(blocks);
        r.joinDecode(ctx.replica(), now);
        remainingWork += r.remainingOutput();
        running.add(r);
    }

    @Override
    public int incomingTransfers() {
        return incoming;
    }
}
