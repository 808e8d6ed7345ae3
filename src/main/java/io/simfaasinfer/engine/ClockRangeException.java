package io.simfaasinfer.engine;

/**
 * A simulation whose events would pass the clock's range ({@link EventQueue#HORIZON_NS}, about 73
 * simulated years in nanoseconds): caused by the input (a tiny arrival rate, a huge duration or
 * overhead), so reported to the user as bad input, not as an internal error.
 */
public final class ClockRangeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClockRangeException(long horizonNs) {
        super(String.format(java.util.Locale.ROOT, "simulated time would pass %.0f years, the range of the"
                + " nanosecond clock; check the arrival rate, durations and overheads of the configuration",
                horizonNs / 1e9 / 86400 / 365.25));
    }
}
