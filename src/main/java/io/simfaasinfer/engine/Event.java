package io.simfaasinfer.engine;

/**
 * A simulation event: small and immutable, and carrying its own handler (as in Vidur), so the event
 * loop is closed to new kinds of event: it only keeps the clock and calls {@link #fire}. The engine
 * orders events by (time, {@link #phase()}, insertion sequence).
 *
 * <p>Each event type lives beside the component that handles it (a pool's iterations and
 * scheduling passes in {@code deployment}, KV transfers in {@code transfer}, instance lifecycles in
 * {@code serverless}, arrivals at the deployment's front door).
 */
public interface Event {

    /** Where the event falls among events of the same instant. */
    Phase phase();

    /** Carries the event out at simulated time {@code now} (its own firing time). */
    void fire(long now);
}
