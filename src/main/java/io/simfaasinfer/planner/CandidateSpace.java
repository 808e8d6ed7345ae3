package io.simfaasinfer.planner;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.CatalogException;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The candidates of a request's {@code config_space}: every consistent combination (total GPUs in
 * {@code num_gpus} when given; disaggregated replica counts divisible by the split), each either to
 * be searched or skipped with its reason (a disaggregated serverless shape; an always-on deployment over
 * budget: a serverless fleet's cost is only known once simulated). Pipeline-parallel candidates are
 * simulated like the others (docs/parallelism.md). Infeasible shapes (TP against heads, PP against
 * layers, memory) are found when the candidate's
 * configuration is validated ({@link Evaluator}).
 */
public final class CandidateSpace {

    /** A candidate and, when it will not be searched, why. */
    public record Entry(Candidate candidate, String skipped) {
    }

    private CandidateSpace() {
    }

    /** Parses "p:d" into {p, d}; {@code error} when it is not two positive integers. */
    static int[] split(String s, Supplier<ConfigException> error) {
        String[] parts = s == null ? new String[0] : s.split(":");
        if (parts.length != 2) {
            throw error.get();
        }
        try {
            int p = Integer.parseInt(parts[0].trim());
            int d = Integer.parseInt(parts[1].trim());
            if (p < 1 || d < 1) {
                throw error.get();
            }
            return new int[] {p, d};
        } catch (NumberFormatException e) {
            throw error.get();
        }
    }

    /** Every consistent candidate, in a fixed order (GPU, TP, PP, deployment, split, scheduler, batch, replicas). */
    public static List<Entry> enumerate(PlanRequest r, Catalog catalog, String source) {
        var s = r.configSpace();
        Set<String> gpus = new LinkedHashSet<>();
        for (String g : s.gpuTypes()) {
            try {
                gpus.add(catalog.gpu(g).name());
            } catch (CatalogException e) {
                throw new ConfigException(source, "config_space.gpu_types", e.getMessage());
            }
        }
        for (String sc : s.schedulers()) {
            if (!Schedulers.registry().contains(sc)) {
                throw new ConfigException(source, "config_space.schedulers", "unknown scheduler '" + sc + "'; known: "
                        + String.join(", ", Schedulers.registry().all().keySet()));
            }
        }
        Double budget = r.constraints().maxCostPerHour();
        List<Entry> out = new ArrayList<>();
        for (String gpu : gpus) {
            GpuSpec g = catalog.gpu(gpu);
            for (int tp : sorted(s.tensorParallel())) {
                for (int pp : sorted(s.pipelineParallel())) {
                    for (String dep : new LinkedHashSet<>(s.deployments())) {
                        List<int[]> splits = dep.equals("aggregated") ? List.of(new int[] {0, 0})
                                : s.prefillDecodeSplits().stream().distinct()
                                .map(x -> split(x, () -> new ConfigException("bad split"))).toList();
                        for (int[] sp : splits) {
                            for (String lifecycle : new LinkedHashSet<>(s.lifecycles())) {
                                for (String sched : new LinkedHashSet<>(s.schedulers())) {
                                    for (int batch : sorted(s.maxBatchSizes())) {
                                        for (int replicas : sorted(s.numReplicas())) {
                                            add(out, g, tp, pp, dep, sp, lifecycle, sched, batch, replicas, s.numGpus(),
                                                    budget);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void add(List<Entry> out, GpuSpec g, int tp, int pp, String dep, int[] sp, String lifecycle,
                            String sched, int batch, int replicas, List<Integer> numGpus, Double budget) {
        int prefill = 0;
        int decode = 0;
        if (dep.equals("disaggregated")) {
            int unit = sp[0] + sp[1];
            if (replicas % unit != 0) {
                return; // inconsistent: the split does not divide the replicas
            }
            prefill = replicas / unit * sp[0];
            decode = replicas / unit * sp[1];
        }
        Candidate c = new Candidate(g.name(), tp, pp, dep, replicas, prefill, decode, sched, batch, lifecycle,
                g.pricePerHour());
        if (!numGpus.isEmpty() && !numGpus.contains(c.totalGpus())) {
            return; // inconsistent: not one of the allowed GPU counts
        }
        String skip = null;
        if (lifecycle.equals("serverless") && dep.equals("disaggregated")) {
            skip = "serverless candidates are searched for aggregated deployments (a fleet of mixed instances)";
        } else if (lifecycle.equals("always_on") && budget != null && c.costPerHour() > budget) {
            skip = String.format(Locale.ROOT, "over budget: $%.2f/h > max_cost_per_hour $%.2f/h", c.costPerHour(), budget);
        }
        out.add(new Entry(c, skip));
    }

    private static List<Integer> sorted(List<Integer> l) {
        return l.stream().distinct().sorted().toList();
    }
}
