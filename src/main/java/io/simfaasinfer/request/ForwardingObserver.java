package io.simfaasinfer.request;

/**
 * An observer that hands every event on to another (the run's metrics), for observers that add
 * something of their own to a few events: override those, call {@code super}, and the rest forward.
 */
public abstract class ForwardingObserver implements RequestObserver {

    private final RequestObserver next;
    private final boolean passesDecodeRuns;

    /** An observer whose every decode token reaches its {@link #onToken} (no decode runs). */
    protected ForwardingObserver(RequestObserver next) {
        this(next, false);
    }

    /**
     * @param passesDecodeRuns true if this observer adds nothing to a request's tokens past its second:
     *                         decode runs ({@link RequestObserver#onDecodeRun}) then go on to {@code next}
     *                         whole, when it takes them; false: every token reaches {@link #onToken}
     */
    protected ForwardingObserver(RequestObserver next, boolean passesDecodeRuns) {
        this.next = next;
        this.passesDecodeRuns = passesDecodeRuns;
    }

    @Override
    public boolean acceptsDecodeRuns() {
        return passesDecodeRuns && next.acceptsDecodeRuns();
    }

    @Override
    public void onDecodeRun(int classId, long gapNs, long count, long now) {
        if (!passesDecodeRuns) {
            throw new UnsupportedOperationException(getClass().getName() + " takes every token");
        }
        next.onDecodeRun(classId, gapNs, count, now);
    }

    /**
     * The observer events go on to. {@link #onDecodeTokens} is not forwarded whole here: it reaches
     * {@link #onToken} token by token, so an override of {@code onToken} sees every token; a subclass
     * whose {@code onToken} adds nothing to decode tokens may forward the iteration to this in one call.
     */
    protected final RequestObserver next() {
        return next;
    }

    @Override
    public void onArrival(Request r, long now) {
        next.onArrival(r, now);
    }

    @Override
    public void onRejected(Request r, String reason, long now) {
        next.onRejected(r, reason, now);
    }

    @Override
    public void onFirstScheduled(Request r, long now) {
        next.onFirstScheduled(r, now);
    }

    @Override
    public void onToken(Request r, long gapNs, long now) {
        next.onToken(r, gapNs, now);
    }

    @Override
    public void onPreempted(Request r, long now) {
        next.onPreempted(r, now);
    }

    @Override
    public void onFinished(Request r, long now) {
        next.onFinished(r, now);
    }
}
