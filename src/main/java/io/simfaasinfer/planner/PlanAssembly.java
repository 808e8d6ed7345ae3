package io.simfaasinfer.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns the search's findings into a {@link Plan}: verdicts, costs, the frontier, the choice and its alternatives. */
final class PlanAssembly {

    private PlanAssembly() {
    }

    /**
     * What {@code f} costs per hour: measured at its max QPS (a serverless fleet's billed instance
     * time; an always-on deployment's GPUs x price), else the candidate's always-on bound.
     */
    static double cost(FamilySearch.Found f) {
        Trial t = f.atMax();
        return t != null && t.metrics() != null ? t.metrics().costPerHour() : f.candidate().costPerHour();
    }

    /** The recommendation order: with min_qps, the cheapest per hour (then the most QPS); else the most QPS per dollar. */
    static Comparator<FamilySearch.Found> order(PlanRequest r) {
        Comparator<FamilySearch.Found> byCost = Comparator.comparingDouble(PlanAssembly::cost);
        Comparator<FamilySearch.Found> byQps = Comparator.comparingDouble(f -> -f.maxQps());
        Comparator<FamilySearch.Found> byLabel = Comparator.comparing(f -> f.candidate().label());
        if (r.constraints().minQps() != null) {
            return byCost.thenComparing(byQps).thenComparing(byLabel);
        }
        return Comparator.comparingDouble((FamilySearch.Found f) -> -f.maxQps() / cost(f))
                .thenComparing(byCost).thenComparing(byLabel);
    }

    /** Whether no other finding has at least the QPS at no more cost, and strictly better in one. */
    static boolean nonDominated(FamilySearch.Found f, List<FamilySearch.Found> all) {
        for (FamilySearch.Found o : all) {
            boolean geq = o.maxQps() >= f.maxQps() && cost(o) <= cost(f);
            boolean better = o.maxQps() > f.maxQps() || cost(o) < cost(f);
            if (o != f && geq && better) {
                return false;
            }
        }
        return true;
    }

    static Plan assemble(PlanRequest r, String model, List<FamilySearch.Found> found, Evaluator ev, double seconds,
                         int jobs, Set<FamilySearch.Found> verified) {
        Double minQps = r.constraints().minQps();
        List<FamilySearch.Found> meeting = new ArrayList<>();
        for (FamilySearch.Found f : found) {
            Double budget = r.constraints().maxCostPerHour();
            if (f.verdict().equals("meets_slos") && (minQps == null || f.maxQps() >= minQps)
                    && (budget == null || cost(f) <= budget)) {
                meeting.add(f);
            }
        }
        List<Plan.Configuration> all = new ArrayList<>();
        for (FamilySearch.Found f : found) {
            all.add(configuration(r, f, ev, verified.contains(f)));
        }
        List<FamilySearch.Found> sorted = meeting.stream().sorted(order(r)).toList();
        List<Plan.Configuration> frontier = meeting.stream().filter(f -> nonDominated(f, meeting))
                .sorted(Comparator.comparingDouble(PlanAssembly::cost)
                        .thenComparing(f -> -f.maxQps()))
                .map(f -> all.get(found.indexOf(f))).toList();
        Plan.Configuration best = sorted.isEmpty() ? null : all.get(found.indexOf(sorted.get(0)));
        Plan.Configuration budget = meeting.stream().min(Comparator.comparingDouble(PlanAssembly::cost)
                        .thenComparing(f -> -f.maxQps()))
                .map(f -> all.get(found.indexOf(f))).orElse(null);
        Plan.Configuration premium = meeting.stream().max(Comparator.comparingDouble(FamilySearch.Found::maxQps)
                        .thenComparing(f -> -cost(f)))
                .map(f -> all.get(found.indexOf(f))).orElse(null);
        List<Plan.Configuration> closest = best != null ? List.of() : closest(r, found, all);
        int evaluated = (int) found.stream().filter(f -> f.simulations() > 0).count();
        int skipped = (int) found.stream().filter(f -> f.verdict().equals("skipped")).count();
        String rec = best != null ? recommendation(best) : noneMeets(closest);
        var summary = new Plan.Summary(found.size(), evaluated, meeting.size(), skipped, ev.simulations(), seconds, jobs,
                rec);
        List<String> calibration = ev.predictorNotes();
        return new Plan(CapacityPlanner.now(), r.profile(), model, best, frontier, new Plan.Alternatives(budget, premium),
                closest, all, summary, calibration);
    }

    private static Plan.Configuration configuration(PlanRequest r, FamilySearch.Found f, Evaluator ev, boolean verified) {
        Candidate c = f.candidate();
        Trial t = f.atMax() != null ? f.atMax() : f.above();
        Trial.Metrics m = t == null ? null : t.metrics();
        double q = f.maxQps();
        var cons = r.constraints();
        double perHour = cost(f);
        var perf = new Plan.Performance(q, verified, m == null ? 0 : m.e2eP50Ms(), m == null ? 0 : m.e2eP95Ms(),
                m == null ? 0 : m.e2eP99Ms(), m == null ? 0 : m.ttftP95Ms(), m == null ? 0 : m.tbtP99Ms(),
                m == null ? 0 : m.tpotP99Ms(), m == null ? 0 : m.meanMfu(), m == null ? 0 : m.meanMemoryUtil());
        var cost = new Plan.Cost(perHour, q > 0 ? perHour / (q * 3600) * 1000 : 0, perHour > 0 ? q / perHour : 0);
        String verdict = f.verdict();
        String reason = f.reason();
        if (verdict.equals("meets_slos") && cons.minQps() != null && q < cons.minQps()) {
            verdict = "misses_slos";
            reason = String.format(Locale.ROOT, "max %.2f req/s is below min_qps %.2f", q, cons.minQps());
        } else if (verdict.equals("meets_slos") && cons.maxCostPerHour() != null && perHour > cons.maxCostPerHour()) {
            verdict = "misses_slos";
            reason = String.format(Locale.ROOT, "over budget at its max QPS: $%.2f/h > max_cost_per_hour $%.2f/h",
                    perHour, cons.maxCostPerHour());
        }
        boolean measured = m != null && f.atMax() != null;
        var slo = new Plan.SloCompliance(verdict.equals("meets_slos"),
                met(cons.maxTtftP95Ms(), measured ? m.ttftP95Ms() : null),
                met(cons.maxTbtP99Ms(), measured ? m.tbtP99Ms() : null),
                met(cons.maxTpotP99Ms(), measured ? m.tpotP99Ms() : null),
                met(cons.maxLatencyP99Ms(), measured ? m.e2eP99Ms() : null),
                cons.minQps() == null ? null : q >= cons.minQps(),
                cons.maxCostPerHour() == null ? null : perHour <= cons.maxCostPerHour());
        String bottleneck = f.above() != null ? f.above().bottleneck()
                : verdict.equals("skipped") && reason != null && reason.startsWith("over budget") ? "budget"
                : f.atMax() != null ? "none within the rate range (its top passed)" : null;
        String command = f.verdict().equals("skipped") || f.verdict().equals("infeasible") ? null
                : runCommand(ev.overrides(c, q > 0 ? q : r.workload().arrivalRateRange().get(0),
                r.simulation().duration()));
        return new Plan.Configuration(c.label(), c.gpu(), c.gpusPerReplica(), c.tp(), c.pp(), c.deployment(),
                c.lifecycle(), c.replicas(), c.prefill(), c.decode(), c.totalGpus(), c.scheduler(), c.maxBatch(), perf, cost, slo,
                verdict, reason, bottleneck, command, f.simulations());
    }

    private static Boolean met(Double bound, Double value) {
        return bound == null ? null : value != null && value <= bound;
    }

    /** The command line that reproduces the verification run: the same overrides through the same loader. */
    static String runCommand(List<String> overrides) {
        StringBuilder b = new StringBuilder("./simfaasinfer run");
        for (String o : overrides) {
            b.append(" --set '").append(o.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }

    /** When none meets: the three candidates closest to their SLOs (smallest worst ratio of measured to bound). */
    private static List<Plan.Configuration> closest(PlanRequest r, List<FamilySearch.Found> found,
                                                    List<Plan.Configuration> all) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            if (found.get(i).above() != null || found.get(i).atMax() != null) {
                idx.add(i);
            }
        }
        idx.sort(Comparator.comparingDouble((Integer i) -> violation(r, found.get(i))).thenComparing(i -> i));
        List<Plan.Configuration> out = new ArrayList<>();
        for (int k = 0; k < Math.min(3, idx.size()); k++) {
            FamilySearch.Found f = found.get(idx.get(k));
            Plan.Configuration c = all.get(idx.get(k));
            out.add(new Plan.Configuration(c.label(), c.gpuType(), c.numGpusPerReplica(), c.tensorParallel(),
                    c.pipelineParallel(), c.deployment(), c.lifecycle(), c.numReplicas(), c.prefillReplicas(), c.decodeReplicas(),
                    c.totalGpus(), c.scheduler(), c.maxBatchSize(), c.performance(), c.cost(), c.sloCompliance(),
                    c.verdict(), relax(r, f, c.reason()), c.bottleneck(), c.runCommand(), c.simulations()));
        }
        return out;
    }

    private static double violation(PlanRequest r, FamilySearch.Found f) {
        var cons = r.constraints();
        if (f.maxQps() > 0 && cons.minQps() != null) {
            return cons.minQps() / f.maxQps();
        }
        Trial t = f.above();
        if (t == null || t.metrics() == null) {
            return Double.MAX_VALUE / 2;
        }
        var m = t.metrics();
        double v = 1;
        v = Math.max(v, ratio(m.ttftP95Ms(), cons.maxTtftP95Ms()));
        v = Math.max(v, ratio(m.tbtP99Ms(), cons.maxTbtP99Ms()));
        v = Math.max(v, ratio(m.tpotP99Ms(), cons.maxTpotP99Ms()));
        v = Math.max(v, ratio(m.e2eP99Ms(), cons.maxLatencyP99Ms()));
        return v;
    }

    private static double ratio(double value, Double bound) {
        return bound == null ? 1 : value / bound;
    }

    /** What to relax for {@code f} to meet its SLOs at the lowest rate it was tried at. */
    private static String relax(PlanRequest r, FamilySearch.Found f, String reason) {
        var cons = r.constraints();
        if (f.maxQps() > 0 && cons.minQps() != null) {
            return String.format(Locale.ROOT, "%s; relax min_qps to %.2f or add replicas", reason, f.maxQps());
        }
        Trial t = f.above();
        if (t == null || t.metrics() == null) {
            return reason + "; relax: lower the arrival_rate_range or add replicas";
        }
        var m = t.metrics();
        List<String> relax = new ArrayList<>();
        if (cons.maxTtftP95Ms() != null && m.ttftP95Ms() > cons.maxTtftP95Ms()) {
            relax.add(String.format(Locale.ROOT, "max_ttft_p95_ms to %.0f", Math.ceil(m.ttftP95Ms())));
        }
        if (cons.maxTbtP99Ms() != null && m.tbtP99Ms() > cons.maxTbtP99Ms()) {
            relax.add(String.format(Locale.ROOT, "max_tbt_p99_ms to %.0f", Math.ceil(m.tbtP99Ms())));
        }
        if (cons.maxTpotP99Ms() != null && m.tpotP99Ms() > cons.maxTpotP99Ms()) {
            relax.add(String.format(Locale.ROOT, "max_tpot_p99_ms to %.0f", Math.ceil(m.tpotP99Ms())));
        }
        if (cons.maxLatencyP99Ms() != null && m.e2eP99Ms() > cons.maxLatencyP99Ms()) {
            relax.add(String.format(Locale.ROOT, "max_latency_p99_ms to %.0f", Math.ceil(m.e2eP99Ms())));
        }
        return reason + (relax.isEmpty() ? "" : "; relax " + String.join(", ", relax) + String.format(Locale.ROOT,
                " (its figures at %.3g req/s)", t.rate()));
    }

    private static String recommendation(Plan.Configuration best) {
        return String.format(Locale.ROOT, "Deploy %s (%d GPUs): sustains %.2f req/s within every SLO at $%.2f/h"
                        + " ($%.4f per 1k requests)%s.", best.label(), best.totalGpus(),
                best.performance().maxSustainableQps(), best.cost().costPerHour(), best.cost().costPer1kRequests(),
                best.bottleneck() == null ? "" : "; above that, " + best.bottleneck() + " limits it");
    }

    private static String noneMeets(List<Plan.Configuration> closest) {
        if (closest.isEmpty()) {
            return "No candidate could be simulated: every one was skipped or infeasible (see all_candidates).";
        }
        Plan.Configuration c = closest.get(0);
        return "No candidate meets every SLO. Closest: " + c.label() + " (" + c.reason() + ").";
    }
}
