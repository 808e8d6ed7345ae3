package io.simfaasinfer.request;

/**
 * One inference request and its progress. Created by a workload, advanced by exactly one
 * replica's scheduler, observed by metrics. Mutable for speed (the hot loop touches every
 * running request every iteration); only the simulation that owns it touches it.
 *
 * <p>Token accounting: a prompt of P tokens is prefilled (possibly in chunks); the iteration that
 * finishes the prefill emits the first output token. Each later decode step appends the last
 * emitted token to the KV cache and emits one more. A request with O output tokens therefore
 * needs 1 prefill (or P/chunk prefill chunks) and O - 1 decode steps.
 */
public final class Request {

    /** Lifecycle states. */
    public enum State {
        CREATED, WAITING, RUNNING,
        /** Disaggregated serving: prefilled, first token emitted, KV on its way to a decode replica. */
        TRANSFERRING,
        FINISHED, REJECTED
    }

    private final long id;
    private final long arrivalNs;
    private final int promptTokens;
    private final int outputTokens;
    private final boolean measured;
    /** Index of the request's workload class (0 when the workload has one class). */
    private final int classId;
    /** Deadline for the first token, absolute ns; Long.MAX_VALUE when the request has no TTFT SLO. */
    private final long ttftDeadlineNs;
    /** Hashes of the prompt's KV blocks for prefix reuse (equal leading hashes = shared prefix); null if unknown. */
    private final long[] blockHashes;

    // Fields the hot loop reads or writes for every running request every iteration come first and
    // stay few, so that a request spans as few cache lines as possible (with a thousand replicas the
    // running requests outgrow the caches, and every iteration's first touch of each is a miss);
    // what changes at most a few times per request lives in its Milestones.
    /** Last emitted token, ns (-1: none yet). */
    private long lastTokenNs = -1;
    private long maxGapNs;
    private long firstTokenNs = -1;
    /** Tokens that the current (re)prefill must process: the prompt, or prompt + emitted tokens after a preemption. */
    private int prefillTarget;
    /** Tokens of that target already prefilled. */
    private int prefilled;
    /** Output tokens emitted so far. */
    private int generated;
    /** KV blocks currently held. */
    private int blocks;
    private State state = State.CREATED;
    /**
     * Non-null while the request decodes in step with its scheduler's other steady decoders: then
     * {@code generated}, {@code lastTokenNs} and {@code maxGapNs} hold their values at epoch
     * {@code clockEpoch} of the clock, and the accessors add the clock's progress since.
     */
    private DecodeClock clock;
    private long clockEpoch;
    /**
     * On a clock that accounts blocks: the epoch of the first block it allocates this request (its KV
     * tokens then pass {@code blocks x block size}), then one every block size of epochs before its
     * last; {@code Long.MAX_VALUE} if none (it holds every block it will need).
     */
    private long growFrom = Long.MAX_VALUE;
    private final Milestones m = new Milestones();

    /** What happens to a request a few times in its life: where it runs, when it starts, ends, moves. */
    private static final class Milestones {
        int replica = -1;
        int preemptions;
        long firstScheduledNs = -1;
        long finishNs = -1;
        /** Disaggregated serving: when the prefill replica handed the request off, when its KV reached decode; -1 if not. */
        long handoffNs = -1;
        long decodeJoinNs = -1;
        long handoffIterationNs;
    }

    public Request(long id, long arrivalNs, int promptTokens, int outputTokens, boolean measured) {
        this(id, arrivalNs, promptTokens, outputTokens, measured, 0, Long.MAX_VALUE, null);
    }

    /**
     * @param classId        workload class index
     * @param ttftDeadlineNs absolute time by which the first token is due, or Long.MAX_VALUE for none
     * @param blockHashes    prefix-block hashes of the prompt (not copied; must not be modified), or null
     */
    public Request(long id, long arrivalNs, int promptTokens, int outputTokens, boolean measured, int classId,
                   long ttftDeadlineNs, long[] blockHashes) {
        if (promptTokens < 1 || outputTokens < 1) {
            throw new IllegalArgumentException("request " + id + ": prompt and output tokens must be >= 1");
        }
        this.id = id;
        this.arrivalNs = arrivalNs;
        this.promptTokens = promptTokens;
        this.outputTokens = outputTokens;
        this.measured = measured;
        this.prefillTarget = promptTokens;
        this.classId = classId;
        this.ttftDeadlineNs = ttftDeadlineNs;
        this.blockHashes = blockHashes;
    }

    public long id() { return id; }
    public long arrivalNs() { return arrivalNs; }
    public int promptTokens() { return promptTokens; }
    public int outputTokens() { return outputTokens; }
    /** False for warm-up requests, which are simulated but excluded from latency metrics. */
    public boolean measured() { return measured; }
    public int classId() { return classId; }
    public long ttftDeadlineNs() { return ttftDeadlineNs; }
    /** Prefix-block hashes of the prompt, or null; callers must not modify the array. */
    public long[] blockHashes() { return blockHashes; }
    public State state() { return state; }
    public int replica() { return m.replica; }
    public int generated() { return clock == null ? generated : generated + (int) (clock.epoch() - clockEpoch); }
    public int blocks() { return clock == null ? blocks : blocks + clockGrows(); }
    public int preemptions() { return m.preemptions; }
    public long firstScheduledNs() { return m.firstScheduledNs; }
    public long firstTokenNs() { return firstTokenNs; }
    public long lastTokenNs() { return clock == null ? lastTokenNs : clock.lastEndNs(); }
    public long finishNs() { return m.finishNs; }
    public long maxGapNs() { return clock == null ? maxGapNs : Math.max(maxGapNs, clock.maxGapSince(clockEpoch)); }
    public int prefilled() { return prefilled; }
    /** When the prefill replica handed the request to the decode stage (first token emitted), or -1. */
    public long handoffNs() { return m.handoffNs; }
    /** Duration of the prefill iteration that emitted its first token (for layer-wise transfer overlap), ns. */
    public long handoffIterationNs() { return m.handoffIterationNs; }
    /** When its KV cache reached the decode replica and it joined that replica's batches, or -1. */
    public long decodeJoinNs() { return m.decodeJoinNs; }

    /** Tokens that the current (re)prefill must process: the prompt, plus emitted tokens after a recompute preemption. */
    public int prefillTarget() {
        return prefillTarget;
    }

    /** Prefill tokens still to process before the next token can be emitted. */
    public int remainingPrefill() {
        return prefillTarget() - prefilled;
    }

    /** True while the request still needs prefill work before decoding. */
    public boolean inPrefill() {
        return prefilled < prefillTarget();
    }

    /** Tokens in the KV cache right now. */
    public int kvTokens() {
        if (inPrefill()) {
            return prefilled;
        }
        // prompt + all emitted tokens except the last one, which is appended by the next decode step
        return promptTokens + generated() - 1;
    }

    /** Output tokens still to emit. */
    public int remainingOutput() {
        return outputTokens - generated();
    }

    public boolean isFinished() {
        return generated() >= outputTokens;
    }

    // ---- transitions, called by schedulers ----

    public void assign(int replicaIndex) {
        leaveClock();
        m.replica = replicaIndex;
        this.state = State.WAITING;
    }

    /**
     * Disaggregated serving: the prefill replica emitted the first token at {@code now}; the request
     * leaves its batches (keeping its KV there) until the transfer to a decode replica completes.
     *
     * @param iterationNs duration of the iteration that finished its prefill
     */
    public void markTransferring(long now, long iterationNs) {
        leaveClock();
        if (generated != 1 || inPrefill()) {
            throw new IllegalStateException("request " + id + " handed off before its first token");
        }
        state = State.TRANSFERRING;
        m.handoffNs = now;
        m.handoffIterationNs = iterationNs;
    }

    /** Disaggregated serving: its KV arrived at decode replica {@code replicaIndex} at {@code now}; it decodes there. */
    public void joinDecode(int replicaIndex, long now) {
        leaveClock();
        if (state != State.TRANSFERRING) {
            throw new IllegalStateException("request " + id + " joins decode while " + state);
        }
        m.replica = replicaIndex;
        state = State.RUNNING;
        m.decodeJoinNs = now;
    }

    public void reject() {
        leaveClock();
        this.state = State.REJECTED;
    }

    public void markRunning(long now) {
        leaveClock();
        state = State.RUNNING;
        if (m.firstScheduledNs < 0) {
            m.firstScheduledNs = now;
        }
    }

    public void setBlocks(int blocks) {
        if (clock != null && clock.blockSize() > 0) {
            throw new IllegalStateException("request " + id + ": its decode clock allocates its blocks");
        }
        this.blocks = blocks;
    }

    /** Records that {@code tokens} more prefill tokens were processed. */
    public void advancePrefill(int tokens) {
        leaveClock();
        prefilled += tokens;
    }

    /** Emits one output token at {@code now}; returns the gap since the previous token (or -1 for the first). */
    public long emitToken(long now) {
        leaveClock();
        generated++;
        long gap = -1;
        if (firstTokenNs < 0) {
            firstTokenNs = now;
        } else {
            gap = now - lastTokenNs;
            if (gap > maxGapNs) {
                maxGapNs = gap;
            }
        }
        lastTokenNs = now;
        if (generated >= outputTokens) {
            state = State.FINISHED;
            m.finishNs = now;
        }
        return gap;
    }

    /**
     * The client gets the first token at {@code ns}, after the engine made it (an engine that processes
     * a step's outputs during the next step: vLLM V0's asynchronous output processing). TTFT and TPOT
     * count from then; the decode gaps stay the engine's.
     */
    public void deliverFirstTokenAt(long ns) {
        if (firstTokenNs < 0 || ns < firstTokenNs) {
            throw new IllegalStateException("request " + id + ": first token made at " + firstTokenNs
                    + " ns cannot reach the client at " + ns + " ns");
        }
        firstTokenNs = ns;
    }

    /** As {@link #deliverFirstTokenAt}, for the last token: the request ends for the client at {@code ns}. */
    public void deliverFinishAt(long ns) {
        if (m.finishNs < 0 || ns < m.finishNs) {
            throw new IllegalStateException("request " + id + ": finished at " + m.finishNs
                    + " ns cannot reach the client at " + ns + " ns");
        }
        m.finishNs = ns;
    }

    /**
     * Joins {@code c}: from now on the request decodes one token at each of the clock's epochs (its
     * scheduler's decode-all iterations) without being touched. Its last token must be the clock's
     * last end ({@link DecodeClock#lastEndNs}), and it must be decoding, not finished.
     */
    public void joinClock(DecodeClock c) {
        if (clock != null || lastTokenNs != c.lastEndNs() || state != State.RUNNING || inPrefill() || isFinished()) {
            throw new IllegalStateException("request " + id + " cannot join a decode clock: " + this);
        }
        int bs = c.blockSize();
        if (bs > 0) {
            // its first block is due at the first epoch whose decode appends past its blocks: kv + 1 > blocks x size
            int kv = kvTokens();
            long from = c.epoch() + (long) blocks * bs - kv;
            if (from < c.epoch()) {
                throw new IllegalStateException("request " + id + " holds " + blocks + " blocks for " + kv + " KV tokens");
            }
            long last = c.epoch() + outputTokens - generated; // the epoch its last token ends
            if (from < last && from - c.epoch() > bs) {
                throw new IllegalStateException("request " + id + " holds " + blocks + " blocks for " + kv
                        + " KV tokens, more than a block ahead of its next one");
            }
            // none if it holds every block it will need (reserved up front, as Orca does)
            growFrom = from < last ? from : Long.MAX_VALUE;
        }
        clock = c;
        clockEpoch = c.epoch();
    }

    /** On its clock: the epoch whose decode emits its last token ends (it is a member until then). */
    private long clockLastEpoch() {
        return clockEpoch + outputTokens - generated;
    }

    /**
     * Blocks its clock has allocated it since it joined: one at {@link #growFrom} and every block size
     * of epochs after, up to the clock's last allocation and before its last token's epoch.
     */
    private int clockGrows() {
        int bs = clock.blockSize();
        if (bs == 0 || growFrom == Long.MAX_VALUE) {
            return 0;
        }
        long last = Math.min(clock.grownThrough(), clockLastEpoch() - 1);
        return last < growFrom ? 0 : (int) ((last - growFrom) / bs) + 1;
    }

    /**
     * On a clock that accounts blocks: the epoch after the clock's last allocation at which this
     * request's owner counts it due for a block ({@link #growFrom}, or a block size after its last
     * allocation, even if it finishes first); {@code Long.MAX_VALUE} if it was never due for one
     * (right after {@link #joinClock}: its first due epoch, or none).
     */
    public long nextGrowEpoch() {
        if (clock == null || clock.blockSize() == 0 || growFrom == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long done = clock.grownThrough();
        return done < growFrom ? growFrom : growFrom + ((done - growFrom) / clock.blockSize() + 1) * clock.blockSize();
    }

    /** The clock's epoch when the request joined it; -1 if it is not on one. */
    public long joinedEpoch() {
        return clock == null ? -1 : clockEpoch;
    }

    /**
     * Leaves its decode clock, if any, keeping the state the clock gave it (its blocks included). Every
     * transition below starts with this ({@link #setBlocks} refuses a request whose clock allocates its
     * blocks).
     */
    public void leaveClock() {
        if (clock != null) {
            blocks = blocks();
            growFrom = Long.MAX_VALUE;
            int g = generated();
            long gap = maxGapNs();
            lastTokenNs = clock.lastEndNs();
            generated = g;
            maxGapNs = gap;
            clock = null;
        }
    }

    /** Reads the fields a token's emission reads (for the scheduler's warm-up pass over a batch); changes nothing. */
    public int touch() {
        return generated + (int) lastTokenNs;
    }

    /** Recompute preemption: KV is dropped; the prompt and emitted tokens will be prefilled again. */
    public void preempt() {
        leaveClock();
        m.preemptions++;
        prefillTarget = promptTokens + generated;
        prefilled = 0;
        blocks = 0;
        state = State.WAITING;
    }

    @Override
    public String toString() {
        return "Request[" + id + ", P=" + promptTokens + ", O=" + outputTokens + ", gen=" + generated() + ", " + state + "]";
    }
}
