package io.simfaasinfer.metrics;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;

import java.util.ArrayList;
import java.util.List;

/**
 * Request metrics split by workload class ({@link Request#classId()}): counts, latency
 * distributions of measured requests, and attainment of each request's TTFT deadline. Classes are
 * added as their ids appear; per-token work is O(1) with no allocation. These are the only
 * per-token histograms of a run: the overall distributions are the classes' merged at the end
 * ({@link #merged}), so a token is recorded once, not once per view.
 */
public final class ClassMetrics {

    /** One class's counters. */
    static final class PerClass {
        final LatencyStats ttft = new LatencyStats();
        final LatencyStats tbt = new LatencyStats();
        final LatencyStats tpot = new LatencyStats();
        final LatencyStats e2e = new LatencyStats();
        long arrived;
        long completed;
        long rejected;
        long sloRequests;
        long sloMet;
        long promptTokens;
        long outputTokens;
    }

    /** By class id; the first {@code size} exist (a plain array: looked up once per token). */
    private PerClass[] classes = new PerClass[0];
    private int size;

    /** One latency of every class, merged into one distribution. */
    LatencyStats merged(java.util.function.Function<PerClass, LatencyStats> latency) {
        LatencyStats all = new LatencyStats();
        for (int i = 0; i < size; i++) {
            all.add(latency.apply(classes[i]));
        }
        return all;
    }

    private PerClass of(Request r) {
        return of(r.classId());
    }

    private PerClass of(int id) {
        if (id < size) {
            return classes[id];
        }
        classes = java.util.Arrays.copyOf(classes, id + 1);
        while (size <= id) {
            classes[size++] = new PerClass();
        }
        return classes[id];
    }

    void onArrival(Request r) {
        PerClass c = of(r);
        c.arrived++;
        if (r.measured() && r.ttftDeadlineNs() != Long.MAX_VALUE) {
            c.sloRequests++;
        }
    }

    void onRejected(Request r) {
        of(r).rejected++;
    }

    /** @param egressNs the API front end's delay from the engine's token to the client's ({@code ApiOverhead}) */
    void onToken(Request r, long gapNs, long now, long egressNs) {
        if (!r.measured()) {
            return;
        }
        PerClass c = of(r);
        if (gapNs < 0) {
            c.ttft.record(now + egressNs - r.arrivalNs());
            if (now + egressNs <= r.ttftDeadlineNs() && r.ttftDeadlineNs() != Long.MAX_VALUE) {
                c.sloMet++;
            }
        } else if (gapNs > 0) {
            // a token delivered at the same instant as the one before came in the same streamed chunk
            // (a multi-step run's burst): one inter-token gap per chunk, as benchmark clients measure ITL
            c.tbt.record(gapNs);
        }
    }

    /**
     * {@link RequestObserver#onDecodeTokens} for {@code metrics}: the gaps of measured requests go to
     * their class's TBT in runs (the decodes of one iteration mostly share one gap and one class),
     * one histogram call per run; a first token (gap -1) goes to {@code metrics.onToken}. The same
     * samples as {@link #onToken} per token (a distribution is a multiset: their order does not matter).
     */
    void onDecodeTokens(Request[] requests, long[] gapsNs, int n, long now, long egressNs, RequestObserver metrics) {
        LatencyStats run = null;
        long runGap = 0;
        long runCount = 0;
        for (int i = 0; i < n; i++) {
            Request r = requests[i];
            if (r == null || !r.measured()) {
                continue;
            }
            long gap = gapsNs[i];
            if (gap <= 0) {
                if (gap < 0) {
                    metrics.onToken(r, gap, now);
                }
                continue; // gap 0: the same streamed chunk as the token before (onToken counts none either)
            }
            LatencyStats tbt = of(r).tbt;
            if (tbt == run && gap == runGap) {
                runCount++;
                continue;
            }
            if (runCount > 0) {
                run.recordMany(runGap, runCount);
            }
            run = tbt;
            runGap = gap;
            runCount = 1;
        }
        if (runCount > 0) {
            run.recordMany(runGap, runCount);
        }
    }

    /** {@code count} inter-token gaps of {@code gapNs} of measured requests of class {@code classId}. */
    void onDecodeRun(int classId, long gapNs, long count) {
        if (gapNs <= 0 || count <= 0) {
            throw new IllegalArgumentException("a decode run has gaps > 0 and tokens, got " + gapNs + " x " + count);
        }
        of(classId).tbt.recordMany(gapNs, count);
    }

    void onFinished(Request r, long now, long egressNs) {
        PerClass c = of(r);
        c.completed++;
        if (r.measured()) {
            c.promptTokens += r.promptTokens();
            c.outputTokens += r.outputTokens();
            c.e2e.record(now + egressNs - r.arrivalNs()); // TPOT: both ends are delayed alike
            if (r.outputTokens() > 1) {
                c.tpot.record((now - r.firstTokenNs()) / (r.outputTokens() - 1));
            }
        }
    }

    /**
     * The results, one per class id in {@code names} (a class that saw no request reports zeros).
     *
     * @param names  class names by id
     * @param sloMs  each class's TTFT objective in ms, or null where it has none
     */
    public List<SimulationResult.ClassStats> summary(List<String> names, List<Double> sloMs) {
        return summary(names, sloMs, null, 0);
    }

    /** As {@link #summary(List, List)}, with each class's objectives met from {@code slo} (null: none). */
    public List<SimulationResult.ClassStats> summary(List<String> names, List<Double> sloMs, SloTracker sloTracker,
                                                     double windowS) {
        List<SimulationResult.ClassStats> out = new ArrayList<>();
        int n = Math.max(names.size(), size);
        for (int i = 0; i < n; i++) {
            PerClass c = i < size ? classes[i] : new PerClass();
            String name = i < names.size() ? names.get(i) : "class_" + i;
            Double slo = i < sloMs.size() ? sloMs.get(i) : null;
            SloTracker tracker = sloTracker;
            Double attained = c.sloRequests == 0 ? null : (double) c.sloMet / c.sloRequests;
            long measured = c.e2e.count();
            out.add(new SimulationResult.ClassStats(name, c.arrived, c.completed, c.rejected,
                    measured == 0 ? 0 : (double) c.promptTokens / measured,
                    measured == 0 ? 0 : (double) c.outputTokens / measured,
                    c.ttft.summary(), c.tbt.summary(), c.tpot.summary(), c.e2e.summary(), slo, attained,
                    tracker == null ? null : tracker.summary(i, windowS)));
        }
        return out;
    }
}
