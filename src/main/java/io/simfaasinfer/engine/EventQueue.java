package io.simfaasinfer.engine;

import java.util.Arrays;

/**
 * The simulation's future event list and clock. Time is in integer nanoseconds so that equal
 * times are exactly equal and the order of same-time events is decided only by {@link Phase}
 * and insertion sequence. One instance per simulation; not thread-safe.
 *
 * <p>A 4-ary heap over primitive arrays: each slot holds the event's time and one {@code long} of
 * phase and insertion sequence ({@code phase << 58 | seq}), side by side in one array
 * ({@code slots[2i]}, {@code slots[2i + 1]}), so sifting compares longs held in the array itself, never
 * dereferences an event, and scheduling allocates nothing. Four children per node halve the levels of
 * a binary heap, and a node's four children's times and keys are 64 contiguous bytes: on a large
 * cluster (one iteration event per busy replica, a heap of 10,000 and more) each level below the
 * cached top is one or two cache lines of the array and one of the events, not three.
 * Every key is distinct, so the firing order is the total order (time, phase, sequence) whatever the
 * heap's shape or arity.
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

    /**
     * Slot {@code i}'s time at {@code 2i} and its key at {@code 2i + 1}: the phase ordinal in the top
     * bits, the insertion sequence below, so one comparison orders both.
     */
    private long[] slots = new long[2 * 1024];
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
        if (size == events.length) {
            int n = size * 2;
            slots = Arrays.copyOf(slots, 2 * n);
            events = Arrays.copyOf(events, n);
        }
        // sift up: move parents down into the hole until the new key's place is found
        long[] a = slots;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            long pt = a[2 * parent];
            if (pt < time || (pt == time && a[2 * parent + 1] < key)) {
                break;
            }
            a[2 * i] = pt;
            a[2 * i + 1] = a[2 * parent + 1];
            events[i] = events[parent];
            i = parent;
        }
        a[2 * i] = time;
        a[2 * i + 1] = key;
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
        if (time != now || (size > 0 && slots[0] <= now)) {
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
            long t = slots[0];
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
        long t = slots[0];
        long key = slots[1];
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

    /** Removes the root: the last slot sifts down from the top, to the least of each node's (up to four) children. */
    private void removeTop() {
        int n = --size;
        long[] a = slots;
        long time = a[2 * n];
        long key = a[2 * n + 1];
        Event event = events[n];
        events[n] = null;
        if (n == 0) {
            return;
        }
        int i = 0;
        while (true) {
            int first = 4 * i + 1;
            if (first >= n) {
                break;
            }
            int c = first;
            long ct = a[2 * c];
            long ck = a[2 * c + 1];
            int last = Math.min(first + 4, n);
            for (int j = first + 1; j < last; j++) {
                long jt = a[2 * j];
                if (jt < ct || (jt == ct && a[2 * j + 1] < ck)) {
                    c = j;
                    ct = jt;
                    ck = a[2 * j + 1];
                }
            }
            if (time < ct || (time == ct && key < ck)) {
                break;
            }
            a[2 * i] = ct;
            a[2 * i + 1] = ck;
            events[i] = events[c];
            i = c;
        }
        a[2 * i] = time;
        a[2 * i + 1] = key;
        events[i] = event;
    }
}
