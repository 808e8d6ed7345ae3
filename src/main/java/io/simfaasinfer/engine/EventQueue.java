package io.simfaasinfer.engine;

import java.util.Arrays;

/**
 * The simulation's future event list and clock. Time is in integer nanoseconds so that equal
 * times are exactly equal and the order of same-time events is decided only by {@link Phase}
 * and insertion sequence. One instance per simulation; not thread-safe.
 *
 * <p>A 4-ary heap over primitive arrays: each slot holds the event's time and one {@code long} key of
 * phase, insertion sequence and the event's handle ({@code phase << 59 | seq << 28 | handle}), side by
 * side in one array ({@code slots[2i]}, {@code slots[2i + 1]}), so sifting compares and moves longs held
 * in the array itself and nothing else: the event stays where it was stored under its handle (a free
 * list of {@code events} indices) and is read once, when it fires. Scheduling allocates nothing. Four
 * children per node halve the levels of a binary heap, and a node's four children are 64 contiguous
 * bytes: on a large cluster (one iteration event per busy replica, a heap of 10,000 and more) each level
 * below the cached top is one or two cache lines. Every key is distinct (the sequence is), so the firing
 * order is the total order (time, phase, sequence) whatever the heap's shape or arity; the handle below
 * the sequence never decides. After 2^31 events the pending ones are renumbered in their order (at
 * most 2^28 are pending).
 */
public final class EventQueue {

    /**
     * An event with its firing time and tie-breaking sequence number (the order it was scheduled in;
     * renumbered, in that order, when the sequence's bits run out).
     */
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

    /**
     * A key: the phase ordinal in three bits from bit 59 (keys stay below 2^62, so the difference of
     * two keys, like that of two times below {@link #HORIZON_NS}, cannot overflow), the insertion
     * sequence below it, the event's handle in the low {@link #HANDLE_BITS}.
     */
    private static final int PHASE_SHIFT = 59;
    private static final int HANDLE_BITS = 28;
    private static final long HANDLE_MASK = (1L << HANDLE_BITS) - 1;
    static final long SEQ_LIMIT = 1L << (PHASE_SHIFT - HANDLE_BITS);

    /**
     * Slot {@code i}'s time at {@code 2i} and its key at {@code 2i + 1}: the phase ordinal in the top
     * bits, the insertion sequence below, the handle lowest, so one comparison orders by both.
     */
    private long[] slots = new long[2 * 1024];
    private int size;
    /** The pending events by handle; a handle is free again once its event is taken. */
    private Event[] events = new Event[1024];
    private int[] freeHandles = new int[1024];
    private int freeCount;
    private int handlesUsed;

    private long now;
    private long nextSeq;
    private long processed;

    public EventQueue() {
        this(0);
    }

    /** A queue whose first event gets sequence number {@code firstSeq} (tests of the renumbering). */
    EventQueue(long firstSeq) {
        this.nextSeq = firstSeq;
    }

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
        if (nextSeq == SEQ_LIMIT) {
            renumber();
        }
        long key = ((long) event.phase().ordinal() << PHASE_SHIFT) | (nextSeq++ << HANDLE_BITS) | handleFor(event);
        if (2 * size == slots.length) {
            slots = Arrays.copyOf(slots, 2 * slots.length);
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
            i = parent;
        }
        a[2 * i] = time;
        a[2 * i + 1] = key;
    }

    /** Stores {@code event} under a free handle and returns the handle. */
    private long handleFor(Event event) {
        int h;
        if (freeCount > 0) {
            h = freeHandles[--freeCount];
        } else {
            if (handlesUsed == HANDLE_MASK + 1) {
                throw new IllegalStateException("more than 2^" + HANDLE_BITS + " events pending at once");
            }
            h = handlesUsed++;
            if (h == events.length) {
                events = Arrays.copyOf(events, 2 * h);
                freeHandles = Arrays.copyOf(freeHandles, 2 * h);
            }
        }
        events[h] = event;
        return h;
    }

    /**
     * Gives the pending events the sequence numbers 0, 1, ... in the order of their old ones, and goes
     * on from there: every comparison of two keys, and so the heap and the firing order, is unchanged
     * (the phase is above the sequence, the handle below it). Runs at most once every 2^31 - 2^28 events.
     */
    private void renumber() {
        long[] seqs = new long[size];
        for (int i = 0; i < size; i++) {
            seqs[i] = slots[2 * i + 1] >>> HANDLE_BITS & (SEQ_LIMIT - 1);
        }
        Arrays.sort(seqs);
        for (int i = 0; i < size; i++) {
            long key = slots[2 * i + 1];
            long rank = Arrays.binarySearch(seqs, key >>> HANDLE_BITS & (SEQ_LIMIT - 1));
            slots[2 * i + 1] = (key >>> PHASE_SHIFT << PHASE_SHIFT) | (rank << HANDLE_BITS) | (key & HANDLE_MASK);
        }
        nextSeq = size;
    }

    /** The event of the root slot, taken out: its handle is free again. */
    private Event takeTop() {
        int h = (int) (slots[1] & HANDLE_MASK);
        Event e = events[h];
        events[h] = null;
        freeHandles[freeCount++] = h;
        return e;
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
            Event e = takeTop();
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
        Event e = takeTop();
        removeTop();
        advanceTo(t);
        return new Entry(t, (int) (key >>> PHASE_SHIFT), (key >>> HANDLE_BITS) & (SEQ_LIMIT - 1), e);
    }

    private void advanceTo(long t) {
        if (t < now) {
            throw new IllegalStateException("time went backwards: " + t + " < " + now);
        }
        now = t;
        processed++;
    }

    /**
     * Removes the root: the last slot sifts down from the top, to the least of each node's (up to four)
     * children. A full node's four children are picked by a two-round tournament of branch-free
     * comparisons (two independent ones, then one): the outcome of comparing two event times is a coin
     * toss the processor cannot predict, and a mispredicted branch per comparison cost more than the
     * comparisons (a 10,000-event heap: 106 -> 71 ns per event fired and rescheduled, {@code bench/EventQueueBench.java}).
     */
    private void removeTop() {
        int n = --size;
        long[] a = slots;
        long time = a[2 * n];
        long key = a[2 * n + 1];
        if (n == 0) {
            return;
        }
        int i = 0;
        while (true) {
            int first = 4 * i + 1;
            int c;
            if (first + 3 < n) {
                int c01 = first + firstBit(a, first + 1, first);
                int c23 = first + 2 + firstBit(a, first + 3, first + 2);
                c = c01 ^ ((c01 ^ c23) & -firstBit(a, c23, c01));
            } else if (first < n) {
                c = first;
                for (int j = first + 1; j < n; j++) {
                    c += (j - c) & -firstBit(a, j, c);
                }
            } else {
                break;
            }
            long ct = a[2 * c];
            long ck = a[2 * c + 1];
            if (time < ct || (time == ct && key < ck)) {
                break;
            }
            a[2 * i] = ct;
            a[2 * i + 1] = ck;
            i = c;
        }
        a[2 * i] = time;
        a[2 * i + 1] = key;
    }

    /**
     * 1 when slot {@code x} fires before slot {@code y}, else 0, with no branch on the outcome: times and
     * keys are non-negative longs, so their differences cannot overflow, and the sign bit is the answer;
     * only equal times (rare, and predictable) take the keys' difference instead.
     */
    private static int firstBit(long[] a, int x, int y) {
        long d = a[2 * x] - a[2 * y];
        if (d == 0) {
            d = a[2 * x + 1] - a[2 * y + 1];
        }
        return (int) (d >>> 63);
    }
}
