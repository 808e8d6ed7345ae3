package io.simfaasinfer.serverless;

/**
 * What an autoscaling policy sees of the fleet: read-only counts now, and averages over recent
 * periodic samples (one per evaluation tick). Windowed figures cover the ticks whose sample falls in
 * the last {@code windowS} seconds up to the latest tick; when no tick has passed yet they fall back
 * to the value now.
 */
public interface FleetView {

    int minInstances();

    int maxInstances();

    /** Instances in their cold start. */
    int starting();

    /** Ready instances with no request. */
    int idle();

    /** Ready instances serving at least one request. */
    int busy();

    default int ready() {
        return idle() + busy();
    }

    /** Instances alive: starting or ready. */
    default int live() {
        return starting() + ready();
    }

    /** The instance count the policy asked for last (after clamping). */
    int lastDesired();

    /** Requests in the global queue (waiting for an instance with room). */
    int queued();

    /** Requests routed to instances and not finished (waiting in or running on their scheduler). */
    int inFlight();

    /** Requests not yet admitted to a batch: the global queue plus instances' waiting queues. */
    int waiting();

    /** Requests in the system now: queued + in flight. */
    default int demand() {
        return queued() + inFlight();
    }

    /** Most requests in flight on one instance; 0 = no limit. */
    int instanceConcurrency();

    /** Most sequences one instance's scheduler batches ({@code scheduler.max_num_seqs}). */
    int maxBatchSize();

    /** Mean fraction of KV blocks in use over ready instances now (0 without ready instances). */
    double kvUtilization();

    /** Time-averaged demand (queued + in flight) over the window. */
    double averageDemand(double windowS);

    /** Arrivals per second over the window. */
    double arrivalRate(double windowS);

    /** Fraction of ready-instance time spent running iterations over the window (0 without ready instances). */
    double busyFraction(double windowS);

    /** Mean service time (first scheduled to finish) of requests finished in the window, s; NaN if none. */
    double meanServiceTimeS(double windowS);

    /** Arrival rate of each evaluation interval in the window, oldest first (req/s). */
    double[] arrivalRates(double windowS);

    /** Seconds between periodic evaluations. */
    double evaluationIntervalS();

    /** Seconds one cold start takes from the configured checkpoint tier. */
    double coldStartS();
}
