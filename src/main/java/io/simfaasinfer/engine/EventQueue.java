package io.simfaasinfer.engine;

import java.util.PriorityQueue;

/**
 * The simulation's future event list and clock. Time is in integer nanoseconds so that equal
 * times are exactly equal and the order of same-time events is decided only by {@link Phase}
 * and insertion sequence. One instance per simulation; not thread-safe.
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

    private final PriorityQueue<Entry> heap = new PriorityQueue<>(1024);
    /**
     * The latest time an event may be scheduled at: a quarter of the nanosecond {@code long} range
     * (73 years), so that adding any realistic duration to a valid time cannot overflow unnoticed.
     */
    public static final long HORIZON_NS = Long.MAX_VALUE / 4;

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
        return heap.isEmpty();
    }

    public int size() {
        return heap.size();
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
        heap.add(new Entry(time, event.phase().ordinal(), nextSeq++, event));
    }

    /**
     * Fires every event in order until none is left (each event's handler may schedule more).
     *
     * @return events fired
     */
    public long runToEnd() {
        long before = processed;
        Entry e;
        while ((e = poll()) != null) {
            e.event.fire(e.time);
        }
        return processed - before;
    }

    /** Removes the next event and advances the clock to its time. */
    public Entry poll() {
        Entry e = heap.poll();
        if (e == null) {
            return null;
        }
        if (e.time < now) {
            throw new IllegalStateException("time went backwards: " + e.time + " < " + now);
        }
        now = e.time;
        processed++;
        return e;
    }
}
