package io.simfaasinfer.transfer;

import io.simfaasinfer.engine.Event;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.engine.Phase;

import java.util.PriorityQueue;

/**
 * A link whose bandwidth the transfers on it share fairly (processor sharing): with n transfers
 * in flight each moves at bandwidth / n, so two transfers of B bytes started together both take
 * 2B / bandwidth. Kept exact in O(log n) per change with a virtual clock: {@code virtual} is the
 * bytes each transfer in flight has been given since the link opened, advancing at bandwidth / n;
 * a transfer of b bytes started at virtual v finishes when the clock reaches v + b. One pending
 * {@link Done} event at a time (a newer one supersedes it by generation).
 *
 * <p>A transfer first waits its fixed latency on its own (set-up and completion notice do not
 * use bandwidth), then joins the link.
 *
 * @param <T> what a transfer carries back to its owner on completion
 */
public final class SharedLink<T> {

    /** Told when a transfer finishes. */
    @FunctionalInterface
    public interface Sink<T> {
        void transferred(T payload, long now);
    }

    private static final class Flow<T> implements Comparable<Flow<T>> {
        final double finishVirtual;
        final long seq;
        final T payload;

        Flow(double finishVirtual, long seq, T payload) {
            this.finishVirtual = finishVirtual;
            this.seq = seq;
            this.payload = payload;
        }

        @Override
        public int compareTo(Flow<T> o) {
            int c = Double.compare(finishVirtual, o.finishVirtual);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** The latency of a transfer has elapsed: its bytes join the link. */
    private record Joined<T>(SharedLink<T> link, double bytes, T payload) implements Event {
        @Override
        public Phase phase() {
            return Phase.TRANSFER;
        }

        @Override
        public void fire(long now) {
            link.join(bytes, payload, now);
        }
    }

    /** The earliest transfer on the link may have finished (ignored if a later change superseded it). */
    private record Done<T>(SharedLink<T> link, long generation) implements Event {
        @Override
        public Phase phase() {
            return Phase.TRANSFER;
        }

        @Override
        public void fire(long now) {
            link.onDone(generation, now);
        }
    }

    private final EventQueue queue;
    private final double bytesPerNs;
    private final Sink<T> sink;
    private final PriorityQueue<Flow<T>> flows = new PriorityQueue<>();
    private double virtual;
    private long lastNs;
    private long generation;
    private long seq;
    private int peakFlows;

    public SharedLink(EventQueue queue, double bytesPerNs, Sink<T> sink) {
        if (!(bytesPerNs > 0)) {
            throw new IllegalArgumentException("bandwidth must be > 0");
        }
        this.queue = queue;
        this.bytesPerNs = bytesPerNs;
        this.sink = sink;
    }

    /** Starts sending {@code bytes} at {@code now}: after {@code latencyNs} alone, then sharing the link. */
    public void send(double bytes, long latencyNs, T payload, long now) {
        if (latencyNs > 0) {
            queue.schedule(now + latencyNs, new Joined<>(this, bytes, payload));
        } else {
            join(bytes, payload, now);
        }
    }

    /** The link's bandwidth, bytes per ns. */
    public double bytesPerNs() {
        return bytesPerNs;
    }

    /** Transfers on the link now. */
    public int inFlight() {
        return flows.size();
    }

    /** Most transfers ever on the link at once. */
    public int peakInFlight() {
        return peakFlows;
    }

    private void advance(long now) {
        if (!flows.isEmpty()) {
            virtual += (now - lastNs) * bytesPerNs / flows.size();
        }
        lastNs = now;
    }

    private void join(double bytes, T payload, long now) {
        advance(now);
        flows.add(new Flow<>(virtual + Math.max(0, bytes), seq++, payload));
        peakFlows = Math.max(peakFlows, flows.size());
        reschedule(now);
    }

    private void onDone(long gen, long now) {
        if (gen != generation) {
            return;
        }
        advance(now);
        // a flow within one nanosecond's share of its end is done (the event time was rounded to ns)
        double tolerance = bytesPerNs / Math.max(1, flows.size());
        while (!flows.isEmpty() && flows.peek().finishVirtual - virtual <= tolerance) {
            Flow<T> f = flows.poll();
            sink.transferred(f.payload, now);
        }
        if (flows.isEmpty()) {
            virtual = 0; // an idle link restarts its virtual clock (keeps the doubles small)
        }
        reschedule(now);
    }

    private void reschedule(long now) {
        generation++;
        if (flows.isEmpty()) {
            return;
        }
        double left = Math.max(0, flows.peek().finishVirtual - virtual);
        long dt = Math.round(left * flows.size() / bytesPerNs);
        queue.schedule(now + dt, new Done<>(this, generation));
    }
}
