package io.simfaasinfer.serverless;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.simfaasinfer.metrics.ServerlessResult;
import io.simfaasinfer.metrics.SimulationResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Side-by-side deployments of one workload: an always-on cluster, scale-to-zero, and the configured
 * autoscaled fleet (plus any user-defined variant), each a list of config overrides applied on top
 * of the same configuration, so every run sees exactly the same requests (same seed).
 */
public final class DeploymentComparison {

    private DeploymentComparison() {
    }

    /** A named deployment: config overrides ({@code key.path=value}) applied on top of the base configuration. */
    public record Deployment(String name, List<String> overrides) {
    }

    /**
     * One line of the comparison.
     *
     * @param deployment        name
     * @param instances         replicas of an always-on cluster, or min-max instances of a fleet
     * @param autoscaler        the fleet's policy, or "-" for always-on
     * @param completed         completed requests
     * @param rejected          rejected requests
     * @param ttftP50Ms         TTFT median, ms
     * @param ttftP99Ms         TTFT 99th percentile, ms
     * @param e2eP99Ms          end-to-end 99th percentile, ms
     * @param coldStarts        instances started during the run
     * @param requestsColdShare share of requests that waited on a cold start
     * @param instancesPeak     most instances alive at once (replicas for always-on)
     * @param gpuHoursBilled    billed GPU-hours
     * @param costUsd           cost of the run
     * @param costPerHour       cost per hour of the run
     * @param costPer1kRequests cost per 1000 completed requests
     * @param overrides         the overrides that define the deployment
     */
    public record Row(String deployment, String instances, String autoscaler, long completed, long rejected,
                      double ttftP50Ms, double ttftP99Ms, double e2eP99Ms, long coldStarts, double requestsColdShare,
                      int instancesPeak, double gpuHoursBilled, double costUsd, double costPerHour,
                      @JsonProperty("cost_per_1k_requests") double costPer1kRequests, List<String> overrides) {
    }

    /** The three default deployments: always-on, scale-to-zero and the configured autoscaled fleet. */
    public static List<Deployment> defaults() {
        return List.of(
                new Deployment("always-on", List.of("serverless.enabled=false")),
                new Deployment("scale-to-zero", List.of("serverless.enabled=true", "serverless.min_instances=0",
                        "serverless.autoscaler.name=scale_to_zero")),
                new Deployment("autoscaled", List.of("serverless.enabled=true")));
    }

    /**
     * Parses {@code NAME:KEY=VALUE[;KEY=VALUE...]} (a variant given on the command line).
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Deployment parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--variant " + spec + ": expected NAME:KEY=VALUE[;KEY=VALUE...]");
        }
        List<String> sets = new ArrayList<>();
        for (String part : spec.substring(colon + 1).split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.indexOf('=') <= 0) {
                throw new IllegalArgumentException("--variant " + spec + ": '" + p + "' is not KEY=VALUE");
            }
            sets.add(p);
        }
        return new Deployment(spec.substring(0, colon).trim(), List.copyOf(sets));
    }

    /** The comparison line of {@code r}, the result of deployment {@code d}. */
    public static Row summarise(Deployment d, SimulationResult r) {
        ServerlessResult s = r.serverless();
        var cfg = r.config();
        double simS = r.simulation().simulatedS();
        if (s == null) {
            int replicas = cfg.path("cluster").path("replicas").asInt();
            return new Row(d.name(), String.valueOf(replicas), "-", r.requests().completed(), r.requests().rejected(),
                    r.ttftMs().p50(), r.ttftMs().p99(), r.e2eMs().p99(), 0, 0, replicas, r.cost().gpuHours(),
                    r.cost().costUsd(), simS > 0 ? r.cost().costUsd() / (simS / 3600) : 0,
                    r.cost().costPer1kRequests(), d.overrides());
        }
        var sl = cfg.path("serverless");
        String range = sl.path("min_instances").asInt() + "-" + sl.path("max_instances").asInt();
        return new Row(d.name(), range, s.autoscaler(), r.requests().completed(), r.requests().rejected(),
                r.ttftMs().p50(), r.ttftMs().p99(), r.e2eMs().p99(), s.coldStarts(), s.requestsColdShare(),
                s.instancesPeak(), s.billing().billedGpuSeconds() / 3600, s.billing().costUsd(),
                s.billing().costPerHour(), s.billing().costPer1kRequests(), d.overrides());
    }

    /** The rows as an aligned text table, or a Markdown table. */
    public static String table(List<Row> rows, boolean markdown) {
        String[] head = {"deployment", "instances", "autoscaler", "TTFT p50 ms", "TTFT p99 ms", "E2E p99 ms",
            "cold starts", "cold reqs", "peak", "GPU-h", "cost $", "$/hour", "$/1k req"};
        List<String[]> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(new String[] {r.deployment(), r.instances(), r.autoscaler(), f("%.1f", r.ttftP50Ms()),
                f("%.1f", r.ttftP99Ms()), f("%.1f", r.e2eP99Ms()), String.valueOf(r.coldStarts()),
                f("%.1f%%", 100 * r.requestsColdShare()), String.valueOf(r.instancesPeak()),
                f("%.3f", r.gpuHoursBilled()), f("%.4f", r.costUsd()), f("%.3f", r.costPerHour()),
                f("%.4f", r.costPer1kRequests())});
        }
        StringBuilder b = new StringBuilder();
        if (markdown) {
            b.append("| ").append(String.join(" | ", head)).append(" |\n|");
            for (int i = 0; i < head.length; i++) {
                b.append(i < 3 ? " --- |" : " ---: |");
            }
            b.append('\n');
            for (String[] c : cells) {
                b.append("| ").append(String.join(" | ", c)).append(" |\n");
            }
            return b.toString();
        }
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] c : cells) {
                w[i] = Math.max(w[i], c[i].length());
            }
        }
        line(b, head, w);
        for (String[] c : cells) {
            line(b, c, w);
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String[] c, int[] w) {
        for (int i = 0; i < c.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            String fmt = i < 3 ? "%-" + w[i] + "s" : "%" + w[i] + "s";
            b.append(String.format(Locale.ROOT, fmt, c[i]));
        }
        b.append('\n');
    }

    private static String f(String fmt, double v) {
        return String.format(Locale.ROOT, fmt, v);
    }
}
