package io.simfaasinfer.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventQueueTest {

    /** A test event of one phase, naming itself by {@code id}. */
    private record Tick(Phase phase, long id, List<String> log) implements Event {
        Tick(Phase phase, long id) {
            this(phase, id, null);
        }

        @Override
        public void fire(long now) {
            if (log != null) {
                log.add(phase + "#" + id + "@" + now);
            }
        }
    }

    private static Event arrival(long id) {
        return new Tick(Phase.ARRIVAL, id);
    }

    private static Event schedule(int replica) {
        return new Tick(Phase.SCHEDULE, replica);
    }

    private static Event iterationDone(int replica) {
        return new Tick(Phase.ITERATION_DONE, replica);
    }

    @Test
    void runToEndFiresEveryEventInOrderIncludingOnesScheduledByHandlers() {
        EventQueue q = new EventQueue();
        List<String> log = new ArrayList<>();
        q.schedule(5, new Tick(Phase.SCHEDULE, 1, log));
        q.schedule(5, new Event() {
            @Override
            public Phase phase() {
                return Phase.ITERATION_DONE;
            }

            @Override
            public void fire(long now) {
                log.add("done@" + now);
                q.schedule(now, new Tick(Phase.ARRIVAL, 2, log)); // same instant, earlier phase than SCHEDULE
                q.schedule(now + 10, new Tick(Phase.TRANSFER, 3, log));
            }
        });
        assertThat(q.runToEnd()).isEqualTo(4);
        assertThat(log).containsExactly("done@5", "ARRIVAL#2@5", "SCHEDULE#1@5", "TRANSFER#3@15");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void sameTimeEventsComeOutByPhaseWhateverTheInsertionOrder() {
        List<Event> events = List.of(schedule(0), arrival(1), iterationDone(0));
        // every permutation of insertion order
        List<List<Event>> perms = new ArrayList<>();
        permute(new ArrayList<>(events), 0, perms);
        assertThat(perms).hasSize(6);
        for (List<Event> order : perms) {
            EventQueue q = new EventQueue();
            for (Event e : order) {
                q.schedule(100, e);
            }
            List<Phase> out = new ArrayList<>();
            while (!q.isEmpty()) {
                EventQueue.Entry e = q.poll();
                assertThat(e.time()).isEqualTo(100);
                out.add(e.event().phase());
            }
            assertThat(out).as("insertion order %s", order)
                    .containsExactly(Phase.ITERATION_DONE, Phase.ARRIVAL, Phase.SCHEDULE);
        }
    }

    private static void permute(List<Event> a, int k, List<List<Event>> out) {
        if (k == a.size()) {
            out.add(new ArrayList<>(a));
            return;
        }
        for (int i = k; i < a.size(); i++) {
            Collections.swap(a, k, i);
            permute(a, k + 1, out);
            Collections.swap(a, k, i);
        }
    }

    @Test
    void earlierTimeBeatsPhase() {
        EventQueue q = new EventQueue();
        q.schedule(20, iterationDone(0));
        q.schedule(10, schedule(0));
        assertThat(q.poll().time()).isEqualTo(10);
        assertThat(q.now()).isEqualTo(10);
        assertThat(q.poll().time()).isEqualTo(20);
        assertThat(q.now()).isEqualTo(20);
        assertThat(q.poll()).isNull();
        assertThat(q.processed()).isEqualTo(2);
    }

    @Test
    void sameTimeAndPhaseKeepInsertionOrder() {
        EventQueue q = new EventQueue();
        int[] replicas = {7, 3, 9, 0, 5, 1, 8, 2, 6, 4};
        for (int r : replicas) {
            q.schedule(50, schedule(r));
            q.schedule(50, arrival(r)); // interleaved other phase must not disturb the order
        }
        List<Integer> schedules = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        while (!q.isEmpty()) {
            Event e = q.poll().event();
            Tick t = (Tick) e;
            if (t.phase() == Phase.SCHEDULE) {
                schedules.add((int) t.id());
            } else if (t.phase() == Phase.ARRIVAL) {
                assertThat(schedules).as("all arrivals before any schedule").isEmpty();
                arrivals.add(t.id());
            }
        }
        assertThat(schedules).containsExactly(7, 3, 9, 0, 5, 1, 8, 2, 6, 4);
        assertThat(arrivals).containsExactly(7L, 3L, 9L, 0L, 5L, 1L, 8L, 2L, 6L, 4L);
    }

    @Test
    void schedulingInThePastThrowsAndLeavesQueueIntact() {
        EventQueue q = new EventQueue();
        q.schedule(1000, schedule(0));
        q.poll();
        assertThat(q.now()).isEqualTo(1000);
        assertThatThrownBy(() -> q.schedule(999, schedule(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("999").hasMessageContaining("1000");
        assertThat(q.isEmpty()).isTrue();
        q.schedule(1000, schedule(2)); // "now" itself is allowed
        assertThat(q.size()).isEqualTo(1);
    }

    /** Reference model: the pending event that must come out next, by (time, phase, insertion). */
    private record Pending(long time, int phase, long seq, Event event) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 17, 42, 1234, 99999, -5})
    void randomWorkloadNeverGoesBackInTimeAndMatchesReferenceOrder(long seed) {
        Random rnd = new Random(seed);
        EventQueue q = new EventQueue();
        List<Pending> ref = new ArrayList<>();
        long seq = 0;
        long lastTime = 0;
        int polls = 0;
        for (int step = 0; step < 10_000; step++) {
            boolean insert = ref.isEmpty() || rnd.nextInt(100) < 55;
            if (insert) {
                // many ties: offsets drawn from a small range, 0 (= now) common
                long t = q.now() + (rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(50));
                Event e = switch (rnd.nextInt(3)) {
                    case 0 -> new Tick(Phase.ITERATION_DONE, step);
                    case 1 -> arrival(step);
                    default -> new Tick(Phase.SCHEDULE, step);
                };
                q.schedule(t, e);
                ref.add(new Pending(t, e.phase().ordinal(), seq++, e));
            } else {
                Pending expected = ref.get(0);
                for (Pending p : ref) {
                    if (p.time < expected.time || (p.time == expected.time && (p.phase < expected.phase
                            || (p.phase == expected.phase && p.seq < expected.seq)))) {
                        expected = p;
                    }
                }
                ref.remove(expected);
                EventQueue.Entry got = q.poll();
                polls++;
                assertThat(got.time()).isGreaterThanOrEqualTo(lastTime);
                assertThat(q.now()).isEqualTo(got.time());
                assertThat(got.event()).isSameAs(expected.event);
                lastTime = got.time();
            }
            assertThat(q.size()).isEqualTo(ref.size());
        }
        while (!q.isEmpty()) {
            EventQueue.Entry got = q.poll();
            polls++;
            assertThat(got.time()).isGreaterThanOrEqualTo(lastTime);
            lastTime = got.time();
        }
        assertThat(q.processed()).isEqualTo(polls);
    }

    /**
     * A heap as deep as a large cluster's (one iteration event per busy replica: 20,000 pending, grown
     * past the initial capacity four times), drained and refilled: every event in the (time, phase,
     * insertion) order of a reference priority queue, whatever the heap's arity.
     */
    @ParameterizedTest
    @ValueSource(longs = {7, 2024})
    void aDeepHeapGrowsAndFiresInReferenceOrder(long seed) {
        firesInReferenceOrder(new EventQueue(), seed);
    }

    /**
     * The insertion sequence runs out of its bits after 2^31 events and the pending events are renumbered
     * in their order (here during the round of same-time ties): the firing order is the reference's still.
     */
    @ParameterizedTest
    @ValueSource(longs = {7, 2024})
    void renumberingTheSequenceKeepsTheFiringOrder(long seed) {
        firesInReferenceOrder(new EventQueue(EventQueue.SEQ_LIMIT - 30_000), seed);
    }

    @Test
    void everyPhaseFitsTheKeysPhaseBits() {
        assertThat(Phase.values().length).isLessThanOrEqualTo(8);
    }

    private static void firesInReferenceOrder(EventQueue q, long seed) {
        Random rnd = new Random(seed);
        java.util.PriorityQueue<Pending> ref = new java.util.PriorityQueue<>(java.util.Comparator
                .comparingLong(Pending::time).thenComparingInt(Pending::phase).thenComparingLong(Pending::seq));
        long seq = 0;
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 20_000; k++) {
                long t = q.now() + rnd.nextInt(round == 1 ? 8 : 1_000_000); // round 1: ties everywhere
                Event e = rnd.nextBoolean() ? new Tick(Phase.ITERATION_DONE, seq) : new Tick(Phase.SCHEDULE, seq);
                q.schedule(t, e);
                ref.add(new Pending(t, e.phase().ordinal(), seq++, e));
            }
            assertThat(q.size()).isEqualTo(ref.size());
            // drain most of it, rescheduling some events from "handlers" as the simulation does
            for (int k = 0; k < 25_000 && !ref.isEmpty(); k++) {
                EventQueue.Entry got = q.poll();
                Pending expected = ref.poll();
                assertThat(got.event()).isSameAs(expected.event);
                assertThat(got.time()).isEqualTo(expected.time);
                if (k % 3 == 0) {
                    long t = q.now() + rnd.nextInt(1_000);
                    Event e = new Tick(Phase.ITERATION_DONE, seq);
                    q.schedule(t, e);
                    ref.add(new Pending(t, e.phase().ordinal(), seq++, e));
                }
            }
        }
        while (!ref.isEmpty()) {
            assertThat(q.poll().event()).isSameAs(ref.poll().event);
        }
        assertThat(q.isEmpty()).isTrue();
    }
}
