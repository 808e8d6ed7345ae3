package io.simfaasinfer.planner;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.experiment.Parallel;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import io.simfaasinfer.predictor.profile.FaaSInferProfile;
import io.simfaasinfer.predictor.profile.ProfileException;
import io.simfaasinfer.report.JsonReport;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Searches a request's config space for the deployments that meet its SLOs, and the cheapest of
 * them. Each candidate family (one shape, growing replica count) is searched by screening runs
 * ({@link FamilySearch}); families run in parallel ({@code jobs}), each deterministic, so the plan
 * does not depend on the thread count. The Pareto set and the top candidates are then confirmed by
 * full-length runs. Every run uses the request's seed (common random numbers).
 *
 * <pre>{@code
 * CapacityPlanner p = new CapacityPlanner(request, Catalog.builtin(), "request.yaml").calibrate(telemetry);
 * Plan plan = p.search(2, System.err::println);
 * CapacityPlanner.saveReport(plan, Path.of("plan.json"));
 * CapacityPlanner.saveSummary(plan, Path.of("plan.txt"));
 * }</pre>
 */
public final class CapacityPlanner {

    private final PlanRequest request;
    private final Catalog catalog;
    private final String source;
    private final String model;
    private final String profileGpu;

    /** @param source the request file, for messages */
    public CapacityPlanner(PlanRequest request, Catalog catalog, String source) {
        this.request = request;
        this.catalog = catalog;
        this.source = source;
        String m = request.model();
        String gpu = null;
        if (request.profile() != null) {
            try {
                FaaSInferProfile prof = FaaSInferProfile.readAnyDirectoryName(Path.of(request.profile()));
                gpu = PredictorFactory.profileGpu(prof, catalog).name();
                if (m == null) {
                    m = prof.modelName();
                }
            } catch (ProfileException e) {
                throw new ConfigException(e.getMessage());
            }
        }
        if (m == null) {
            throw new ConfigException(source, "model", "missing; name a catalog model or give --profile (its metadata"
                    + " names the model)");
        }
        try {
            this.model = catalog.model(m).name();
        } catch (io.simfaasinfer.catalog.CatalogException e) {
            throw new ConfigException(source, "model", e.getMessage());
        }
        this.profileGpu = gpu;
    }

    /** This planner with its predictor rescaled by production {@code telemetry} samples first. */
    public CapacityPlanner calibrate(Path telemetry) {
        PlanRequest r = new PlanRequest(request.model(), request.profile(), telemetry.toString(), request.workload(),
                request.constraints(), request.configSpace(), request.simulation());
        return new CapacityPlanner(r, catalog, source);
    }

    public PlanRequest request() {
        return request;
    }

    /** Runs the search with {@code jobs} families at once, reporting progress lines to {@code progress}. */
    public Plan search(int jobs, Consumer<String> progress) {
        long wall = System.nanoTime();
        List<CandidateSpace.Entry> entries = CandidateSpace.enumerate(request, catalog, source);
        if (entries.isEmpty()) {
            throw new ConfigException(source, "config_space", "no candidate: no combination of gpu_types,"
                    + " tensor_parallel, pipeline_parallel and num_replicas (and prefill_decode_splits) gives one of"
                    + " num_gpus " + request.configSpace().numGpus());
        }
        if (entries.stream().allMatch(e -> e.skipped() != null)) {
            Map<String, Long> why = new java.util.TreeMap<>();
            double cheapest = Double.MAX_VALUE;
            for (CandidateSpace.Entry e : entries) {
                why.merge(e.skipped().replaceAll(":.*|\\s*\\(.*", ""), 1L, Long::sum);
                cheapest = Math.min(cheapest, e.candidate().costPerHour());
            }
            throw new ConfigException(source, "config_space", "every one of the " + entries.size()
                    + " candidates is filtered out (" + String.join(", ", why.entrySet().stream()
                    .map(x -> x.getValue() + " " + x.getKey()).toList()) + String.format(Locale.ROOT,
                    "; the cheapest costs $%.2f/h)", cheapest));
        }
        Map<String, List<CandidateSpace.Entry>> families = new LinkedHashMap<>();
        for (CandidateSpace.Entry e : entries) {
            families.computeIfAbsent(e.candidate().family(), k -> new ArrayList<>()).add(e);
        }
        Evaluator evaluator = new Evaluator(request, catalog, model, profileGpu);
        var range = request.workload().arrivalRateRange();
        FamilySearch fs = new FamilySearch(evaluator, range.get(0), range.get(1));
        progress.accept(String.format(Locale.ROOT, "plan: %d candidates in %d families, %d jobs", entries.size(),
                families.size(), jobs));
        List<FamilySearch.Found> found = new ArrayList<>();
        int[] done = {0};
        List<Callable<List<FamilySearch.Found>>> searches = new ArrayList<>();
        for (List<CandidateSpace.Entry> fam : families.values()) {
            searches.add(() -> fs.search(fam));
        }
        Parallel.run(searches, jobs, r -> {
            found.addAll(r);
            for (FamilySearch.Found x : r) {
                double elapsed = (System.nanoTime() - wall) / 1e9;
                double rate = (done[0] + 1) / Math.max(elapsed, 1e-9);
                progress.accept(String.format(Locale.ROOT, "  [%d/%d] ETA %4.0f s  %-40s %s", ++done[0], entries.size(),
                        (entries.size() - done[0]) / rate,
                        x.candidate().label(), x.maxQps() > 0 ? String.format(Locale.ROOT, "max %.2f req/s",
                                x.maxQps()) : x.verdict() + (x.reason() == null ? "" : ": " + x.reason())));
            }
        });
        // confirm the frontier and the top candidates with full-length runs
        List<Integer> toConfirm = confirmSet(found);
        progress.accept("plan: confirming " + toConfirm.size() + " candidates with full-length runs");
        List<Callable<FamilySearch.Found>> confirmations = new ArrayList<>();
        for (int i : toConfirm) {
            FamilySearch.Found f = found.get(i);
            confirmations.add(() -> fs.confirm(f));
        }
        List<FamilySearch.Found> confirmed = Parallel.run(confirmations, jobs);
        for (int k = 0; k < toConfirm.size(); k++) {
            found.set(toConfirm.get(k), confirmed.get(k));
        }
        double seconds = (System.nanoTime() - wall) / 1e9;
        return PlanAssembly.assemble(request, model, found, evaluator, seconds, jobs, confirmedSet(found));
    }

    private static java.util.Set<FamilySearch.Found> confirmedSet(List<FamilySearch.Found> found) {
        java.util.Set<FamilySearch.Found> s = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (FamilySearch.Found f : found) {
            if (f.atMax() != null && f.atMax().fullLength()) {
                s.add(f);
            }
        }
        return s;
    }

    /** Indexes of the Pareto set and the three best (by the recommendation order) among those meeting the SLOs. */
    private List<Integer> confirmSet(List<FamilySearch.Found> found) {
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            if (found.get(i).verdict().equals("meets_slos")) {
                ok.add(i);
            }
        }
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        for (int i : ok) {
            if (PlanAssembly.nonDominated(found.get(i), ok.stream().map(found::get).toList())) {
                out.add(i);
            }
        }
        ok.stream().sorted((a, b) -> PlanAssembly.order(request).compare(found.get(a), found.get(b)))
                .limit(3).forEach(out::add);
        return new ArrayList<>(out);
    }

    /** Writes the plan's JSON (atomically). */
    public static void saveReport(Plan plan, Path file) {
        JsonReport.writeObject(plan, file);
    }

    /** Writes the human-readable report (atomically). */
    public static void saveSummary(Plan plan, Path file) {
        PlanReport.write(plan, file);
    }

    /** The timestamp of a plan made now. */
    static String now() {
        return Instant.now().toString();
    }
}
