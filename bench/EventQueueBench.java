import io.simfaasinfer.engine.Event;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.engine.Phase;

import java.util.Locale;

/**
 * The event queue alone, in the hold model of a large cluster: N events pending (one iteration event
 * per busy replica), each fired event schedules one more 20-30 ms later (a pseudo-random draw), until
 * TOTAL events have fired. Prints ns per event fired and rescheduled for each of REPEAT queues in one
 * JVM (the first ones include the JIT's warm-up; read the last).
 * Run from source against a jar, pinned:
 * taskset -c 1 java -XX:+UseSerialGC -cp target/simfaasinfer.jar bench/EventQueueBench.java N TOTAL [REPEAT]
 */
public final class EventQueueBench {

    private static final class Hold {
        final EventQueue queue = new EventQueue();
        long left;
    }

    private static final class Tick implements Event {
        private final Hold hold;
        private final long state;

        Tick(Hold hold, long state) {
            this.hold = hold;
            this.state = state;
        }

        @Override
        public Phase phase() {
            return Phase.ITERATION_DONE;
        }

        @Override
        public void fire(long now) {
            if (--hold.left <= 0) {
                return;
            }
            long s = state * 6364136223846793005L + 1442695040888963407L;
            hold.queue.schedule(now + 20_000_000 + (s >>> 40) % 10_000_000, new Tick(hold, s));
        }
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        long total = Long.parseLong(args[1]);
        int repeat = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        for (int rep = 0; rep < repeat; rep++) {
            Hold hold = new Hold();
            for (int i = 0; i < n; i++) {
                hold.queue.schedule(i * 1000L, new Tick(hold, i * 7919L + 1));
            }
            hold.left = total;
            long t0 = System.nanoTime();
            long fired = hold.queue.runToEnd();
            long t1 = System.nanoTime();
            System.out.printf(Locale.ROOT, "pending %d: %d events, %.1f ns per event%n", n, fired,
                    (t1 - t0) / (double) fired);
        }
    }
}
