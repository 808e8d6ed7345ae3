package io.simfaasinfer.config;

import java.util.List;

/**
 * Arrival process. Which fields apply depends on {@code process}:
 * <ul>
 *   <li>{@code poisson}, {@code constant}: rate</li>
 *   <li>{@code gamma}: rate, cv (coefficient of variation of inter-arrival times; 1 = Poisson)</li>
 *   <li>{@code weibull}: rate, shape (Weibull shape k of the inter-arrival times; scale from the rate;
 *       k &lt; 1 is burstier than Poisson, k = 1 is Poisson)</li>
 *   <li>{@code on_off}: on_rate, off_rate, on_mean_s, off_mean_s: a two-state Markov-modulated
 *       Poisson process (bursts at on_rate lasting on_mean_s on average, exponentially distributed,
 *       then off_rate (may be 0) for off_mean_s)</li>
 *   <li>{@code diurnal}: rate (mean), amplitude (relative, in [0, 1]), period_s, optional phase_s:
 *       a Poisson process with rate(t) = rate x (1 + amplitude x sin(2 pi (t + phase_s) / period_s))</li>
 *   <li>{@code schedule}: schedule, a list of {duration_s, rate} steps of a piecewise-constant
 *       Poisson rate, repeated from the start after the last step</li>
 *   <li>{@code closed_loop}: concurrency, optional think_time_s: N users, each sending its next
 *       request think_time_s after its previous one finished or was rejected (no rate)</li>
 * </ul>
 *
 * @param process    the process name
 * @param rate       mean requests per second (null where the process has none: on_off, schedule)
 * @param cv         gamma: coefficient of variation
 * @param shape      weibull: shape
 * @param onRate     on_off: requests per second while on
 * @param offRate    on_off: requests per second while off
 * @param onMeanS    on_off: mean length of an on period, s
 * @param offMeanS   on_off: mean length of an off period, s
 * @param amplitude  diurnal: relative amplitude
 * @param periodS    diurnal: period, s
 * @param phaseS     diurnal: phase shift, s (default 0)
 * @param schedule   schedule: the rate steps
 * @param concurrency closed_loop: users (requests in flight at most)
 * @param thinkTimeS  closed_loop: seconds between a response and the user's next request (default 0)
 */
public record ArrivalConfig(String process, Double rate, Double cv, Double shape, Double onRate, Double offRate,
                            Double onMeanS, Double offMeanS, Double amplitude, Double periodS, Double phaseS,
                            List<RateStep> schedule, Integer concurrency, Double thinkTimeS) {

    /** An open-loop process. */
    public ArrivalConfig(String process, Double rate, Double cv, Double shape, Double onRate, Double offRate,
                         Double onMeanS, Double offMeanS, Double amplitude, Double periodS, Double phaseS,
                         List<RateStep> schedule) {
        this(process, rate, cv, shape, onRate, offRate, onMeanS, offMeanS, amplitude, periodS, phaseS, schedule,
                null, null);
    }

    /** A closed loop of {@code concurrency} users thinking {@code thinkTimeS} between requests. */
    public static ArrivalConfig closedLoop(int concurrency, double thinkTimeS) {
        return new ArrivalConfig("closed_loop", null, null, null, null, null, null, null, null, null, null, null,
                concurrency, thinkTimeS);
    }

    /** A Poisson, constant or gamma process. */
    public ArrivalConfig(String process, double rate, Double cv) {
        this(process, rate, cv, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * One step of a piecewise-constant rate schedule.
     *
     * @param durationS how long the step lasts, s
     * @param rate      requests per second during the step (may be 0)
     */
    public record RateStep(double durationS, double rate) {
    }
}
