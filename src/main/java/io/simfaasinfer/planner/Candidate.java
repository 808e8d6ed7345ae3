package io.simfaasinfer.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One deployment the planner considers: a GPU type, TP and PP per replica, a replica count (split
 * into prefill and decode pools when disaggregated), a scheduler and its batch limit.
 *
 * @param gpu         catalog GPU name
 * @param tp          tensor-parallel degree per replica
 * @param pp          pipeline-parallel degree per replica
 * @param deployment  aggregated or disaggregated
 * @param replicas    replicas, all pools together
 * @param prefill     prefill replicas (disaggregated), else 0
 * @param decode      decode replicas (disaggregated), else 0
 * @param scheduler   batching policy
 * @param maxBatch    scheduler.max_num_seqs
 * @param lifecycle   always_on or serverless
 * @param pricePerGpuHour catalog price of the GPU, USD
 */
public record Candidate(String gpu, int tp, int pp, String deployment, int replicas, int prefill, int decode,
                        String scheduler, int maxBatch, String lifecycle, double pricePerGpuHour) {

    public boolean disaggregated() {
        return deployment.equals("disaggregated");
    }

    public int gpusPerReplica() {
        return tp * pp;
    }

    public int totalGpus() {
        return replicas * tp * pp;
    }

    /** Whether this is a serverless fleet (of up to {@code replicas} instances, one kept warm). */
    public boolean serverless() {
        return lifecycle.equals("serverless");
    }

    /** Always-on cost of the deployment, USD per hour (a serverless fleet's bound: all its instances busy). */
    public double costPerHour() {
        return totalGpus() * pricePerGpuHour;
    }

    /**
     * Everything but the replica count and the batch limit: within a family, capacity grows with the
     * replicas (for one batch limit), and the batch limits of one size usually differ little.
     */
    public String family() {
        return String.format(Locale.ROOT, "%s/tp%d/pp%d/%s/%s/%s/%s", gpu, tp, pp, deployment,
                disaggregated() ? (prefill / gcd(prefill, decode)) + ":" + (decode / gcd(prefill, decode)) : "-",
                scheduler, lifecycle);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** A short name: {@code h100-80gb tp2 x4 vllm b256} or {@code h100-80gb tp1 2P+2D vllm b256}. */
    public String label() {
        String size = disaggregated() ? prefill + "P+" + decode + "D" : serverless() ? "serverless<=" + replicas
                : "x" + replicas;
        return String.format(Locale.ROOT, "%s tp%d%s %s %s b%d", gpu, tp, pp > 1 ? " pp" + pp : "", size, scheduler,
                maxBatch);
    }

    /** The configuration overrides (key.path=YAML) that make this deployment. */
    public List<String> overrides() {
        List<String> o = new ArrayList<>();
        o.add("cluster.gpu=" + gpu);
        o.add("cluster.tp=" + tp);
        if (pp > 1) {
            o.add("cluster.pp=" + pp); // the pools below inherit it
        }
        o.add("cluster.router=least_outstanding");
        o.add("scheduler.name=" + scheduler);
        o.add("scheduler.max_num_seqs=" + maxBatch);
        if (disaggregated()) {
            o.add("deployment={pools: [{name: prefill, role: prefill, replicas: " + prefill + "}, {name: decode,"
                    + " role: decode, replicas: " + decode + "}], prefill_global: least_outstanding,"
                    + " decode_global: least_outstanding}");
        } else if (serverless()) {
            // a fleet of up to `replicas` instances under the serverless section's autoscaler, one kept warm
            o.add("serverless.enabled=true");
            o.add("serverless.max_instances=" + replicas);
            o.add("serverless.min_instances=1");
        } else {
            o.add("cluster.replicas=" + replicas);
        }
        return o;
    }
}
