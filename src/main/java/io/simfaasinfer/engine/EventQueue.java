package io.simfaasinfer.engine;

import java.util.Arrays;

/**
 * The simulation's future event list and clock. Time is in integer nanoseconds so that equal
 * times are exactly equal and the order of same-time events is decided only by {@link Phase}
 * and insertion sequence. One instance per simulation; not thread-safe.
 *
 * <p>A binary heap over parallel primitive arrays: each slot holds the event's time and one
 * {@code long} of phase and insertion sequence ({@code phase << 58 | seq}), so sifting compares
 * two longs held in the arrays themselves, never dereferences an event, and scheduling allocates
 * nothing. Every key is distinct, so the firing order is the total order (time, phase, sequence)
 * whatever the heap's shape.
 */
public final class EventQueue {

    /** An event with its firing time and tie-breaking sequence number. */
    public record Entry(long time, int phase, long seq, Event event) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            if (time != o.time) {
                return Long.compare(time, o.time);
            }
            if (phase != o.phase) {
                return Integer.compare(phase, o.phase);
            }
            return Long.compare(seq, o.seq);
        }
    }

    /**
     * The latest time an event may be scheduled at: a quarter of the nanosecond {@code long} range
     * (73 years), so that adding any realistic duration to a valid time cannot overflow unnoticed.
     */
    public static final long HORIZON_NS = Long.MAX_VALUE / 4;

    private static final int SEQ_BITS = 58;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;

    private long[] times = new long[1024];
    /** Phase ordinal in the top bits, insertion sequence below: one comparison orders both. */
    private long[] keys = new long[1024];
    private Event[] events = new Event[1024];
    private int size;

    private long now;
    private long nextSeq;
    private long processed;

    /** Current simulated time, ns. */
    public long now() {
        return now;
    }

    /** Events taken from the queue so far. */
    public long processed() {
        return processed;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** Schedules {@code event} at absolute time {@code time} (ns); never in the past. */
    public void schedule(long time, Event event) {
        if (time < 0 || time > HORIZON_NS) {
            // a negative time is a sum that overflowed the long clock; past the horizon, one is about to
            throw new ClockRangeException(HORIZON_NS);
        }
        if (time < now) {
            throw new IllegalStateException("event " + event + " scheduled at " + time + " ns, before now " + now);
        }
        if (nextSeq > SEQ_MASK) {
            throw new IllegalStateException("more than 2^58 events scheduled");
        }
        long key = ((long) event.phase().ordinal() << SEQ_BITS) | nextSeq++;
        if (size == times.length) {
            int n = size * 2;
            times = Arrays.copyOf(times, n);
            keys = Arrays.copyOf(keys, n);
            events = Arrays.copyOf(events, n);
        }
        // sift up: move parents down into the hole until the new key's place is found
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long pt = times[parent];
            if (pt < time || (pt == time && keys[parent] < key)) {
                break;
            }
            times[i] = pt;
            keys[i] = keys[parent];
            events[i] = events[parent];
            i = parent;
        }
        times[i] = time;
        keys[i] = key;
        events[i] = event;
    }

    /**
     * Fires {@code event}, due at {@code time}, at once when it would be the next to fire anyway:
     * {@code time} is now and no other event is due now (they are all later). Returns false, doing
     * nothing, otherwise (the caller schedules it). Counted as one event fired, like one taken from the
     * queue; the order of everything else is unchanged (the events scheduled later keep their order,
     * and the one fired took the place it would have had). For an event scheduled last by its
     * handler's caller; it fires inside that handler.
     */
    public boolean fireIfNext(long time, Event event) {
        if (time != now || (size > 0 && times[0] <= now)) {
            return false;
        }
        processed++;
        event.fire(now);
        return true;
    }

    /**
     * Fires every event in order until none is left (each event's handler may schedule more).
     *
     * @return events fired
     */
    public long runToEnd() {
        long before = processed;
        while (size > 0) {
            long t = times[0];
            Event e = events[0];
            removeTop();
            advanceTo(t);
            e.fire(t);
        }
        return processed - before;
    }

    /** Removes the next event and advances the clock to its time; null when none is left. */
    public Entry poll() {
        if (size == 0) {
            return null;
        }
        long t = times[0];
        long key = keys[0];
        Event e = events[0];
        removeTop();
        advanceTo(t);
        return new Entry(t, (int) (key >>> SEQ_BITS), key & SEQ_MASK, e);
    }

    private void advanceTo(long t) {
        if (t < now) {
            throw new IllegalStateException("time went backwards: " + t + " < " + now);
        }
        now = t;
        processed++;
    }

    /** Removes the root: the last slot sifts down from the top. */
    private void removeTop() {
        int n = --size;
        long time = times[n];
        long key = keys[n];
        Event event = events[n];
        events[n] = null;
        if (n == 0) {
            return;
        }
        int i = 0;
        int half = n >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            long ct = times[c];
            long ck = keys[c];
            int r = c + 1;
            if (r < n) {
                long rt = times[r];
                long rk = keys[r];
                if (rt < ct || (rt == ct && rk < ck)) {
                    c = r;
                    ct = rt;
                    ck = rk;
                }
            }
            if (time < ct || (time == ct && key < ck)) {
                break;
            }
            times[i] = ct;
            keys[i] = ck;
            events[i] = events[c];
            i = c;
        }
        times[i] = time;
        keys[i] = key;
        events[i] = event;
    }
}
