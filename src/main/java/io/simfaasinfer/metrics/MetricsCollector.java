package io.simfaasinfer.metrics;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Request-level metrics of one simulation, observed as events happen: counts for every request,
 * latency distributions for measured (non-warm-up) ones. Per-token work is O(1) with no
 * allocation.
 */
public final class MetricsCollector implements RequestObserver {

    private final LatencyStats queueDelay = new LatencyStats();
    private final LatencyStats ttftPrefill = new LatencyStats();
    private final Map<String, Long> rejectedByReason = new TreeMap<>();
    private final Consumer<RequestRecord> recordSink;
    private final ClassMetrics classes = new ClassMetrics();

    private long arrived;
    private long completed;
    private long rejected;
    private long preemptions;
    private long preemptedRequests;
    private long measuredArrived;
    private long measuredCompleted;
    private long measuredOutputTokens;
    private long measuredPromptTokens;
    private long firstMeasuredArrivalNs = -1;
    private long lastMeasuredFinishNs = -1;
    private long lastFinishNs;

    private final SloTracker slo;
    /** The API front end's delay from each engine token to the client ({@code ApiOverhead#egressNs}), ns. */
    private final long egressNs;
    /** Told of every request that leaves the system, after it is counted (a closed-loop workload); or null. */
    private java.util.function.ObjLongConsumer<Request> doneListener;

    /** @param recordSink receives a record per finished or rejected request, or null for none */
    public MetricsCollector(Consumer<RequestRecord> recordSink) {
        this(recordSink, new SloTracker(null, null, false));
    }

    /** @param slo counts the service-level objectives met */
    public MetricsCollector(Consumer<RequestRecord> recordSink, SloTracker slo) {
        this(recordSink, slo, 0);
    }

    /**
     * @param slo      counts the service-level objectives met
     * @param egressNs the API front end's delay from the engine's output to the client's, ns: added
     *                 to every TTFT and E2E (and the SLO checks), not to TPOT or inter-token gaps; a
     *                 closed-loop user hears of the response that much later
     */
    public MetricsCollector(Consumer<RequestRecord> recordSink, SloTracker slo, long egressNs) {
        if (egressNs < 0) {
            throw new IllegalArgumentException("egress delay must be >= 0 ns, got " + egressNs);
        }
        this.recordSink = recordSink;
        this.slo = slo;
        this.egressNs = egressNs;
    }

    /**
     * Tells {@code listener} of every request that leaves the system (finished or rejected), with the
     * time, after the metrics have counted it: the seam through which a closed-loop workload hears its
     * users' responses. One listener per run; set before the run starts.
     */
    public void onDone(java.util.function.ObjLongConsumer<Request> listener) {
        if (doneListener != null) {
            throw new IllegalStateException("a done listener is already set");
        }
        this.doneListener = listener;
    }

    /** The objectives met so far. */
    public SloTracker slo() {
        return slo;
    }

    @Override
    public void onArrival(Request r, long now) {
        arrived++;
        classes.onArrival(r);
        if (r.measured()) {
            measuredArrived++;
            if (firstMeasuredArrivalNs < 0) {
                firstMeasuredArrivalNs = r.arrivalNs();
            }
        }
    }

    @Override
    public void onRejected(Request r, String reason, long now) {
        rejected++;
        rejectedByReason.merge(reason, 1L, Long::sum);
        classes.onRejected(r);
        slo.onRejected(r);
        if (recordSink != null) {
            recordSink.accept(RequestRecord.of(r, "rejected:" + reason));
        }
        if (doneListener != null) {
            doneListener.accept(r, now);
        }
    }

    @Override
    public void onFirstScheduled(Request r, long now) {
        if (r.measured()) {
            queueDelay.record(now - r.arrivalNs());
        }
    }

    @Override
    public void onToken(Request r, long gapNs, long now) {
        classes.onToken(r, gapNs, now, egressNs);
        if (gapNs < 0 && r.measured()) {
            ttftPrefill.record(now - r.firstScheduledNs());
        }
    }

    /** As {@link #onToken} for each: one pass over the iteration (a first token, gap -1, takes the per-token path). */
    @Override
    public void onDecodeTokens(Request[] requests, long[] gapsNs, int n, long now) {
        classes.onDecodeTokens(requests, gapsNs, n, now, egressNs, this);
    }

    @Override
    public boolean acceptsDecodeRuns() {
        return true;
    }

    @Override
    public void onDecodeRun(int classId, long gapNs, long count, long now) {
        classes.onDecodeRun(classId, gapNs, count);
    }

    @Override
    public void onPreempted(Request r, long now) {
        preemptions++;
        if (r.preemptions() == 1) {
            preemptedRequests++;
        }
    }

    @Override
    public void onFinished(Request r, long now) {
        completed++;
        classes.onFinished(r, now, egressNs);
        slo.onFinished(r, now, egressNs);
        lastFinishNs = Math.max(lastFinishNs, now);
        if (r.measured()) {
            measuredCompleted++;
            measuredOutputTokens += r.outputTokens();
            measuredPromptTokens += r.promptTokens();
            lastMeasuredFinishNs = Math.max(lastMeasuredFinishNs, now + egressNs); // the client's end
        }
        if (recordSink != null) {
            recordSink.accept(RequestRecord.of(r, "completed", egressNs));
        }
        if (doneListener != null) {
            doneListener.accept(r, now + egressNs); // the user has the response only then
        }
    }

    public long arrived() { return arrived; }
    public long completed() { return completed; }
    public long rejected() { return rejected; }
    public long preemptions() { return preemptions; }
    public long preemptedRequests() { return preemptedRequests; }
    public long measuredArrived() { return measuredArrived; }
    public long measuredCompleted() { return measuredCompleted; }
    public long measuredOutputTokens() { return measuredOutputTokens; }
    public long measuredPromptTokens() { return measuredPromptTokens; }
    public long lastFinishNs() { return lastFinishNs; }
    public Map<String, Long> rejectedByReason() { return Map.copyOf(rejectedByReason); }
    /** TTFT of every measured request (the classes' distributions merged; a new object per call). */
    public LatencyStats ttft() { return classes.merged(c -> c.ttft); }
    /** Every inter-token gap of measured requests (merged from the classes). */
    public LatencyStats tbt() { return classes.merged(c -> c.tbt); }
    /** Time per output token of measured requests (merged from the classes). */
    public LatencyStats tpot() { return classes.merged(c -> c.tpot); }
    /** End-to-end latency of measured requests (merged from the classes). */
    public LatencyStats e2e() { return classes.merged(c -> c.e2e); }
    public LatencyStats queueDelay() { return queueDelay; }
    /** First scheduled to first token of measured requests (TTFT = queue delay + this + API egress, per request). */
    public LatencyStats ttftPrefill() { return ttftPrefill; }
    /** The same metrics split by workload class. */
    public ClassMetrics classes() { return classes; }

    /** Seconds from the first measured arrival to the last measured completion (0 if none). */
    public double measurementWindowS() {
        if (firstMeasuredArrivalNs < 0 || lastMeasuredFinishNs < firstMeasuredArrivalNs) {
            return 0;
        }
        return (lastMeasuredFinishNs - firstMeasuredArrivalNs) / 1e9;
    }
}
