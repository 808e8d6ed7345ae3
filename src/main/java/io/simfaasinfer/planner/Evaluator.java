package io.simfaasinfer.planner;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.profile.PredictorFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Simulates a candidate at one rate and judges it. A rate passes only if (a) every SLO of the
 * request holds on the post-warm-up window (TTFT p95, TBT p99, TPOT p99, E2E p99) and no request is
 * rejected, and (b) the system is stable: the requests in the system at the end of the arrivals
 * exceed those at the end of the warm-up by at most 5% of the window's arrivals (so completions keep
 * within 5% of arrivals; a growing backlog fails). A run whose backlog passes a bound that no stable
 * run at that rate approaches is stopped early, its verdict certain. Thread-safe: every trial builds
 * its own simulation; predictors are shared through a cache.
 */
public final class Evaluator {

    private final PlanRequest request;
    private final Catalog catalog;
    private final String model;
    private final String profileGpu;
    private final PredictorFactory.Cache predictors = new PredictorFactory.Cache();
    /** A trace workload is read once for every candidate and rate (parsing it was a third of a search's time). */
    private final io.simfaasinfer.workload.trace.TraceCache traces = new io.simfaasinfer.workload.trace.TraceCache();
    private final java.util.concurrent.atomic.AtomicLong simulations = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param model      catalog model name
     * @param profileGpu the GPU the request's profile was measured on (null without a profile)
     */
    public Evaluator(PlanRequest request, Catalog catalog, String model, String profileGpu) {
        this.request = request;
        this.catalog = catalog;
        this.model = model;
        this.profileGpu = profileGpu;
    }

    /** How the predictors of the runs so far were made (profiles, calibrations, telemetry, warnings). */
    public List<String> predictorNotes() {
        return predictors.notes();
    }

    /** Simulations run so far. */
    public long simulations() {
        return simulations.get();
    }

    /** Screening runs: a third of the measured window, at least 15 s of it (or the full duration when shorter). */
    public double screenDurationS() {
        double full = request.simulation().duration();
        double warm = request.simulation().warmupDuration();
        return Math.min(full, Math.max(15 + warm, warm + (full - warm) / 3));
    }

    /** The configuration overrides of {@code c} at {@code rate} for a run of {@code durationS} arrivals. */
    public List<String> overrides(Candidate c, double rate, double durationS) {
        var w = request.workload();
        var sim = request.simulation();
        List<String> o = new ArrayList<>();
        o.add("model.name=" + model);
        o.add("simulation.random_seed=" + sim.randomSeed());
        o.add("simulation.duration_s=" + num(durationS));
        o.add("simulation.warmup_s=" + num(sim.warmupDuration()));
        o.add("workload.num_requests=null");
        if (w.trace() != null) {
            o.add("workload.trace={file: " + quoted(w.trace()) + ", target_qps: " + num(rate) + "}");
        } else {
            StringBuilder a = new StringBuilder("workload.arrival={process: poisson");
            if (w.arrival() != null) {
                a = new StringBuilder("workload.arrival={");
                boolean first = true;
                for (var e : w.arrival().entrySet()) {
                    if (!e.getKey().equals("rate")) {
                        a.append(first ? "" : ", ").append(e.getKey()).append(": ").append(yaml(e.getValue()));
                        first = false;
                    }
                }
            }
            o.add(a.append(", rate: ").append(num(rate)).append("}").toString());
            o.add("workload.prompt_tokens=" + yaml(w.promptLength()));
            o.add("workload.output_tokens=" + yaml(w.outputLength()));
        }
        if (request.profile() != null) {
            if (c.gpu().equals(profileGpu)) {
                o.add("predictor.kind=profile");
                o.add("predictor.profile=" + quoted(request.profile()));
            } else {
                o.add("predictor.kind=calibrated");
                o.add("predictor.calibrate_from=[" + quoted(request.profile()) + "]");
            }
        }
        if (request.telemetry() != null) {
            o.add("predictor.telemetry=" + quoted(request.telemetry()));
        }
        o.addAll(c.overrides());
        return o;
    }

    /** The validated configuration of {@code c} (throws the one-line ConfigException when it is infeasible). */
    public SimulatorConfig config(Candidate c, double rate, double durationS) {
        SimulatorConfig cfg = new ConfigLoader().load(null, overrides(c, rate, durationS)).config();
        return io.simfaasinfer.validation.ConfigValidator.validate(cfg, catalog, "candidate " + c.label());
    }

    /** Runs {@code c} at {@code rate} and judges it, stopping early once an SLO is certainly missed. */
    public Trial trial(Candidate c, double rate, boolean fullLength) {
        return trial(c, rate, fullLength, true);
    }

    /**
     * Runs {@code c} at {@code rate} and judges it.
     *
     * @param stopOnCertainMiss stop once a TTFT or E2E objective is certainly missed (false: measure the whole run,
     *                          for the figures of what to relax)
     */
    public Trial trial(Candidate c, double rate, boolean fullLength, boolean stopOnCertainMiss) {
        double duration = fullLength ? request.simulation().duration() : screenDurationS();
        // validated by the Simulator (once); FamilySearch already checked the candidate is feasible
        SimulatorConfig cfg = new ConfigLoader().load(null, overrides(c, rate, duration)).config();
        double warm = request.simulation().warmupDuration();
        Backlog backlog = new Backlog(warm, duration, request.constraints(), rate * (duration - warm),
                stopOnCertainMiss);
        var cons = request.constraints();
        double boundS = cons.maxLatencyP99Ms() != null ? cons.maxLatencyP99Ms() / 1e3 : 60;
        long limit = (long) Math.ceil(rate * boundS * 4 + 64 + (long) c.replicas() * c.maxBatch());
        simulations.incrementAndGet();
        SimulationResult r;
        try {
            r = new Simulator(cfg, catalog, null, backlog, predictors, traces).stopWhenBacklogExceeds(limit).run();
        } catch (Simulator.BacklogExceeded e) {
            return new Trial(rate, fullLength, false, "unstable: " + e.getMessage() + " (stopped early)",
                    "throughput: the backlog grows at this rate", null);
        } catch (CertainMiss e) {
            return new Trial(rate, fullLength, false, e.getMessage() + " (stopped early)", e.bottleneck, null);
        }
        return judge(c, rate, fullLength, r, backlog);
    }

    private Trial judge(Candidate c, double rate, boolean full, SimulationResult r, Backlog backlog) {
        var u = r.utilization();
        var m = new Trial.Metrics(r.requests().completed(), r.throughput().requestsPerS(), r.ttftMs().p95(),
                r.tbtMs().p99(), r.tpotMs().p99(), r.e2eMs().p50(), r.e2eMs().p95(), r.e2eMs().p99(),
                r.queueDelayMs().p95(), u.mfuMean(), u.kvCacheUtilMean(), u.kvCacheUtilPeak(), r.requests().preemptions(),
                r.simulation().simulatedS() > 0 ? r.cost().costUsd() / (r.simulation().simulatedS() / 3600)
                        : c.costPerHour());
        var cons = request.constraints();
        String reason = null;
        String bottleneck = null;
        boolean kvBound = u.kvCacheUtilPeak() >= 0.98 || r.requests().preemptions() > 0;
        if (r.requests().rejected() > 0) {
            reason = r.requests().rejected() + " requests rejected " + r.requests().rejectedByReason();
            bottleneck = "KV memory or context: some requests can never fit";
        } else if (!backlog.stable()) {
            reason = "unstable: " + backlog.describe();
            bottleneck = kvBound ? "KV memory (preemptions, full cache)" : "compute: throughput saturates";
        } else if (cons.maxTtftP95Ms() != null && m.ttftP95Ms() > cons.maxTtftP95Ms()) {
            reason = String.format(Locale.ROOT, "TTFT p95 %.1f ms > %.1f ms", m.ttftP95Ms(), cons.maxTtftP95Ms());
            bottleneck = m.queueP95Ms() > 0.5 * m.ttftP95Ms() ? "TTFT queueing" : "prefill time (TTFT even unqueued)";
        } else if (cons.maxTbtP99Ms() != null && m.tbtP99Ms() > cons.maxTbtP99Ms()) {
            reason = String.format(Locale.ROOT, "TBT p99 %.1f ms > %.1f ms", m.tbtP99Ms(), cons.maxTbtP99Ms());
            bottleneck = c.disaggregated() ? (kvBound ? "KV memory of the decode pool" : "decode batch size (TBT)")
                    : "TBT from prefill interference (prefills stall decodes)";
        } else if (cons.maxTpotP99Ms() != null && m.tpotP99Ms() > cons.maxTpotP99Ms()) {
            reason = String.format(Locale.ROOT, "TPOT p99 %.1f ms > %.1f ms", m.tpotP99Ms(), cons.maxTpotP99Ms());
            bottleneck = c.disaggregated() ? "decode batch size (TPOT)" : "TPOT from prefill interference";
        } else if (cons.maxLatencyP99Ms() != null && m.e2eP99Ms() > cons.maxLatencyP99Ms()) {
            reason = String.format(Locale.ROOT, "E2E p99 %.1f ms > %.1f ms", m.e2eP99Ms(), cons.maxLatencyP99Ms());
            bottleneck = kvBound ? "KV memory (preemptions)" : "end-to-end latency (queueing and decode speed)";
        }
        return new Trial(rate, full, reason == null, reason, bottleneck, m);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** Writes request values as flow YAML (JSON is YAML); thread-safe once built. */
    private static final com.fasterxml.jackson.databind.ObjectMapper FLOW = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String yaml(Object v) {
        try {
            return FLOW.writeValueAsString(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A percentile objective is already missed by more requests than its percentile allows of the whole run. */
    private static final class CertainMiss extends RuntimeException {
        final String bottleneck;

        CertainMiss(String message, String bottleneck) {
            super(message, null, false, false);
            this.bottleneck = bottleneck;
        }
    }

    /**
     * Requests in the system at the end of the warm-up and at the end of the arrivals, from the
     * records: L(t) = arrived by t and not finished by t. Also stops the run once a TTFT p95 or E2E
     * p99 objective is certainly missed: more measured requests over the bound than 5% (1%) of the
     * most the run can measure (its expected count plus four standard deviations of a Poisson count).
     */
    private static final class Backlog implements Consumer<RequestRecord> {
        private final double warmMs;
        private final double endMs;
        private final Double ttftBound;
        private final Double e2eBound;
        private final double mostMeasured;
        private long ttftOver;
        private long e2eOver;
        private long atWarm;
        private long atEnd;
        private long arrivalsInWindow;

        Backlog(double warmS, double endS, PlanRequest.Constraints c, double expectedMeasured, boolean stopEarly) {
            this.warmMs = warmS * 1e3;
            this.endMs = endS * 1e3;
            this.ttftBound = stopEarly ? c.maxTtftP95Ms() : null;
            this.e2eBound = stopEarly ? c.maxLatencyP99Ms() : null;
            this.mostMeasured = expectedMeasured + 4 * Math.sqrt(expectedMeasured) + 1;
        }

        @Override
        public void accept(RequestRecord r) {
            if (r.measured() && r.outcome().equals("completed")) {
                if (ttftBound != null && r.ttftMs() > ttftBound && ++ttftOver > 0.05 * mostMeasured) {
                    throw new CertainMiss(String.format(Locale.ROOT, "TTFT p95 > %.1f ms: %d measured requests over it",
                            ttftBound, ttftOver), "TTFT queueing");
                }
                if (e2eBound != null && r.e2eMs() > e2eBound && ++e2eOver > 0.01 * mostMeasured) {
                    throw new CertainMiss(String.format(Locale.ROOT, "E2E p99 > %.1f ms: %d measured requests over it",
                            e2eBound, e2eOver), "end-to-end latency (queueing and decode speed)");
                }
            }
            double finish = r.outcome().equals("completed") ? r.finishMs() : r.arrivalMs();
            if (r.arrivalMs() <= warmMs && finish > warmMs) {
                atWarm++;
            }
            if (r.arrivalMs() <= endMs && finish > endMs) {
                atEnd++;
            }
            if (r.arrivalMs() > warmMs && r.arrivalMs() <= endMs) {
                arrivalsInWindow++;
            }
        }

        boolean stable() {
            return atEnd - atWarm <= 0.05 * arrivalsInWindow + 8;
        }

        String describe() {
            return "backlog grew from " + atWarm + " to " + atEnd + " requests over the window's " + arrivalsInWindow
                    + " arrivals (completions fell more than 5% behind arrivals)";
        }
    }
}
