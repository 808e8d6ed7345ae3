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
 * ({@link #seal}) for delivery at the end of the next engine step: when the next iteration ends, if it is
 * one step (the pool delivers them first thing then), else by one {@link Delivery} event (phase
 * {@link Phase#OUTPUT_DELIVERED}: before an iteration that ends at the same instant). Sealed groups are
 * delivered in the order they were sealed and never earlier than the one before, so a request's first
 * token always reaches the metrics before its end. Allocation-free once the buffers have grown.
 */
final class OutputLag extends ForwardingObserver {

    private static final byte FIRST_TOKEN = 1;
    private static final byte FINISHED = 2;

    /** Delivers this replica's oldest sealed group of outputs. */
    record Delivery(OutputLag lag) implements Event {
        @Override
        public Phase phase() {
            return Phase.OUTPUT_DELIVERED;
        }

        @Override
        public void fire(long now) {
            lag.deliverOldest(now);
        }
    }

    private final EventQueue queue;
    private final Delivery delivery = new Delivery(this);
    /** The held outputs, oldest first, in a ring: the sealed groups, then the open one. */
    private Request[] requests = new Request[16];
    private byte[] kinds = new byte[16];
    private int head;
    private int size;
    /** Outputs at the ring's end not sealed yet (the last iteration's). */
    private int open;
    /** Sizes of the sealed groups, oldest first, in a ring. */
    private int[] groups = new int[4];
    private int groupHead;
    private int groupCount;
    private long lastDeliveryNs = Long.MIN_VALUE;
    /** The oldest (and only) sealed group goes out when the replica's running iteration ends. */
    private boolean dueAtIterationEnd;
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
     * end of the replica's next engine step), or after the previous group if that is later; nothing if
     * there are none. {@code atIterationEnd}: {@code atNs} is when the iteration just started ends (a
     * single-step one), so the pool delivers them then ({@link #onIterationEnd}), before that iteration's
     * own outputs, without an event of their own, unless earlier groups are still on their way.
     */
    void seal(long atNs, boolean atIterationEnd) {
        if (open == 0) {
            return;
        }
        if (groupCount == groups.length) {
            groups = unroll(groups, groupHead, groupCount);
            groupHead = 0;
        }
        groups[(groupHead + groupCount++) % groups.length] = open;
        open = 0;
        long t = Math.max(atNs, lastDeliveryNs);
        lastDeliveryNs = t;
        if (atIterationEnd && groupCount == 1 && t == atNs) {
            dueAtIterationEnd = true;
        } else {
            queue.schedule(t, delivery);
        }
    }

    /** The replica's iteration ended at {@code now}: the group sealed to go out then goes out first. */
    void onIterationEnd(long now) {
        if (dueAtIterationEnd) {
            dueAtIterationEnd = false;
            deliverOldest(now);
        }
    }

    private void hold(Request r, byte kind) {
        if (size == requests.length) {
            Request[] rs = new Request[2 * size];
            byte[] ks = new byte[2 * size];
            for (int i = 0; i < size; i++) {
                rs[i] = requests[(head + i) % size];
                ks[i] = kinds[(head + i) % size];
            }
            requests = rs;
            kinds = ks;
            head = 0;
        }
        int at = (head + size++) % requests.length;
        requests[at] = r;
        kinds[at] = kind;
        open++;
    }

    private void deliverOldest(long now) {
        int n = groups[groupHead];
        groupHead = (groupHead + 1) % groups.length;
        groupCount--;
        RequestObserver next = next();
        for (int i = 0; i < n; i++) {
            Request r = requests[head];
            byte kind = kinds[head];
            requests[head] = null;
            head = (head + 1) % requests.length;
            size--;
            if (kind == FIRST_TOKEN) {
                r.deliverFirstTokenAt(now);
                next.onToken(r, -1, now);
            } else {
                r.deliverFinishAt(now);
                next.onFinished(r, now);
            }
        }
        delivered += n;
    }

    private static int[] unroll(int[] ring, int head, int count) {
        int[] out = new int[2 * ring.length];
        for (int i = 0; i < count; i++) {
            out[i] = ring[(head + i) % ring.length];
        }
        return out;
    }
}
