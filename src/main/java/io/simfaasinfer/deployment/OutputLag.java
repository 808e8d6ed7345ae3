package io.simfaasinfer.deployment;

import io.simfaasinfer.engine.Event;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.engine.Phase;
import io.simfaasinfer.request.ForwardingObserver;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;

/**
 * One replica's outputs delivered one engine step late: vLLM V0's asynchronous output processing
 * (0.6.0 and later, on by default; {@code --disable-async-output-proc}), {@code predictor.async_output_proc}.
 *
 * <p>vLLM V0's {@code LLMEngine.step} does not process a step's outputs when the step ends. It appends
 * the sampled tokens to their sequences ({@code _advance_to_next_step}) and queues the outputs. The next
 * step schedules, launches its forward pass, and then runs the queued processing as the model
 * runner's {@code async_callback}: stop checks, detokenisation, freeing finished groups, building the
 * {@code RequestOutput}s. Those go back to the client when that next step returns (vllm-project/vllm
 * pull request 7049; multi-step runs: pull requests 7921 and 8050, where a run's last step and a
 * prefill step are processed during the engine step after them). So the client gets each step's
 * tokens at the end of the next engine step: one step of a multi-step run, not the whole run. When
 * the replica has nothing more to run, vLLM still runs the finished sequences one more step (they are
 * not yet known to be finished); that step is taken here as long as the replica's last one.
 *
 * <p>What is delayed: a request's first token (TTFT) and its end (E2E, and with both, TPOT unchanged but
 * for the two delays' difference). The decode gaps between, which the same delay moves alike, pass
 * at once, as the scheduler reports them: they are the gaps the engine makes. Not modelled: a
 * finished request's extra scheduled step (vLLM's scheduler runs before the callback that finds it
 * finished, so it holds its slot and KV, and computes a token nobody gets, for one more step).
 *
 * <p>The scheduler reports into this observer as usual. Between iterations the pool seals what came in
 * ({@link #seal}): each held output gets the time it is due, the end of the next engine step, never
 * earlier than the outputs held before it, so they go out in the order they came and a request's first
 * token always reaches the metrics before its end. Whatever is due goes out when the replica's next
 * iteration ends, if that is when (a single step: the pool calls {@link #onIterationEnd} first thing
 * then), else at one {@link Delivery} event (phase {@link Phase#OUTPUT_DELIVERED}: before an iteration
 * that ends at the same instant). Allocation-free once the buffers have grown.
 */
final class OutputLag extends ForwardingObserver {

    private static final byte FIRST_TOKEN = 1;
    private static final byte FINISHED = 2;

    /** Delivers this replica's outputs due by now. */
    record Delivery(OutputLag lag) implements Event {
        @Override
        public Phase phase() {
            return Phase.OUTPUT_DELIVERED;
        }

        @Override
        public void fire(long now) {
            lag.deliverDue(now);
        }
    }

    /** The due time of an output not sealed yet. */
    private static final long UNSEALED = Long.MAX_VALUE;

    private final EventQueue queue;
    private final Delivery delivery = new Delivery(this);
    /** The held outputs, oldest first, in a ring, each with its due time: the sealed ones, then the open ones. */
    private Request[] requests = new Request[16];
    private byte[] kinds = new byte[16];
    private long[] dueNs = new long[16];
    private int head;
    private int size;
    /** Outputs at the ring's end not sealed yet (the last iteration's). */
    private int open;
    private long lastDueNs = Long.MIN_VALUE;
    private long delivered;

    OutputLag(RequestObserver next, EventQueue queue) {
        super(next, true);
        this.queue = queue;
    }

    @Override
    public void onToken(Request r, long gapNs, long now) {
        if (gapNs < 0) {
            hold(r, FIRST_TOKEN);
        } else {
            next().onToken(r, gapNs, now);
        }
    }

    /** The iteration goes on whole unless it holds a first token (a prefill's), which waits. */
    @Override
    public void onDecodeTokens(Request[] rs, long[] gapsNs, int n, long now) {
        boolean anyFirst = false;
        for (int i = 0; i < n && !anyFirst; i++) {
            anyFirst = rs[i] != null && gapsNs[i] < 0;
        }
        if (!anyFirst) {
            next().onDecodeTokens(rs, gapsNs, n, now);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (rs[i] != null) {
                onToken(rs[i], gapsNs[i], now);
            }
        }
    }

    @Override
    public void onFinished(Request r, long now) {
        hold(r, FINISHED);
    }

    /** Outputs held and not yet delivered. */
    int held() {
        return size;
    }

    /** Outputs delivered so far. */
    long delivered() {
        return delivered;
    }

    /**
     * The outputs of the iterations that ended since the last call reach the client at {@code atNs} (the
     * end of the replica's next engine step), or with the ones held before them if those are due later;
     * nothing if there are none. {@code atIterationEnd}: {@code atNs} is when the iteration just started
     * ends (a single step), so {@link #onIterationEnd} delivers them then, before that iteration's own
     * outputs, without an event of their own.
     */
    void seal(long atNs, boolean atIterationEnd) {
        if (open == 0) {
            return;
        }
        long t = Math.max(atNs, lastDueNs);
        lastDueNs = t;
        for (int i = size - open; i < size; i++) {
            dueNs[(head + i) % dueNs.length] = t;
        }
        open = 0;
        if (!(atIterationEnd && t == atNs)) {
            queue.schedule(t, delivery);
        }
    }

    /** The replica's iteration ended at {@code now}: what is due by then goes out first. */
    void onIterationEnd(long now) {
        deliverDue(now);
    }

    private void hold(Request r, byte kind) {
        if (size == requests.length) {
            Request[] rs = new Request[2 * size];
            byte[] ks = new byte[2 * size];
            long[] ds = new long[2 * size];
            for (int i = 0; i < size; i++) {
                rs[i] = requests[(head + i) % size];
                ks[i] = kinds[(head + i) % size];
                ds[i] = dueNs[(head + i) % size];
            }
            requests = rs;
            kinds = ks;
            dueNs = ds;
            head = 0;
        }
        int at = (head + size++) % requests.length;
        requests[at] = r;
        kinds[at] = kind;
        dueNs[at] = UNSEALED;
        open++;
    }

    /** The held outputs due by {@code now}, oldest first (sealed ones only: open ones are never due). */
    private void deliverDue(long now) {
        RequestObserver next = next();
        while (size > 0 && dueNs[head] <= now) {
            Request r = requests[head];
            byte kind = kinds[head];
            requests[head] = null;
            head = (head + 1) % requests.length;
            size--;
            delivered++;
            if (kind == FIRST_TOKEN) {
                r.deliverFirstTokenAt(now);
                next.onToken(r, -1, now);
            } else {
                r.deliverFinishAt(now);
                next.onFinished(r, now);
            }
        }
    }
}
