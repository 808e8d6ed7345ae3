package io.simfaasinfer.planner;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.metrics.RequestRecord;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.predictor.PredictorFactory;

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

    /** Simulations run so far. */
    public long simulations() {
        return simulations.get();
    }

    /** Screening runs: a third of the full duration, at least 20 s (or the full duration when shorter). */
    public double screenDurationS() {
        double full = request.simulation().duration();
        double warm = request.simulation().warmupDuration();
        return Math.min(full, Math.max(20 + warm, warm + (full - warm) / 3));
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
        return io.simfaasinfer.config.ConfigValidator.validate(cfg, catalog, "candidate " + c.label());
    }

    /** Runs {@code c} at {@code rate} and judges it. */
    public Trial trial(Candidate c, double rate, boolean fullLength) {
        double duration = fullLength ? request.simulation().duration() : screenDurationS();
        SimulatorConfig cfg = config(c, rate, duration);
        double warm = request.simulation().warmupDuration();
        Backlog backlog = new Backlog(warm, duration);
        var cons = request.constraints();
        double boundS = cons.maxLatencyP99Ms() != null ? cons.maxLatencyP99Ms() / 1e3 : 60;
        long limit = (long) Math.ceil(rate * boundS * 4 + 64 + (long) c.replicas() * c.maxBatch());
        simulations.incrementAndGet();
        SimulationResult r;
        try {
            r = new Simulator(cfg, catalog, null, backlog, predictors).stopWhenBacklogExceeds(limit).run();
        } catch (Simulator.BacklogExceeded e) {
            return new Trial(rate, fullLength, false, "unstable: " + e.getMessage() + " (stopped early)",
                    "throughput: the backlog grows at this rate", null);
        }
        return judge(c, rate, fullLength, r, backlog);
    }

    private Trial judge(Candidate c, double rate, boolean full, SimulationResult r, Backlog backlog) {
        var u = r.utilization();
        var m = new Trial.Metrics(r.requests().completed(), r.throughput().requestsPerS(), r.ttftMs().p95(),
                r.tbtMs().p99(), r.tpotMs().p99(), r.e2eMs().p50(), r.e2eMs().p95(), r.e2eMs().p99(),
                r.queueDelayMs().p95(), u.mfuMean(), u.kvCacheUtilMean(), u.kvCacheUtilPeak(), r.requests().preemptions());
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

    private static String yaml(Object v) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Requests in the system at the end of the warm-up and at the end of the arrivals, from the
     * records: L(t) = arrived by t and not finished by t.
     */
    private static final class Backlog implements Consumer<RequestRecord> {
        private final double warmMs;
        private final double endMs;
        private long atWarm;
        private long atEnd;
        private long arrivalsInWindow;

        Backlog(double warmS, double endS) {
            this.warmMs = warmS * 1e3;
            this.endMs = endS * 1e3;
        }

        @Override
        public void accept(RequestRecord r) {
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
