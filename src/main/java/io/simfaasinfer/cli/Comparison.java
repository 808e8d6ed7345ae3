package io.simfaasinfer.cli;

import io.simfaasinfer.metrics.LatencySummary;
import io.simfaasinfer.metrics.SimulationResult;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The outcome of {@code simfaasinfer compare}: one run per variant, in the order requested, as
 * JSON ({@code runs}) or as a side-by-side table.
 *
 * @param runs the runs in the order requested
 */
public record Comparison(List<Run> runs) {

    /**
     * @param label            column label (the names as given on the command line)
     * @param scheduler        {@code scheduler.name} of the run
     * @param router           {@code cluster.router} of the run
     * @param localPolicy      {@code scheduler.local_policy} of the run
     * @param ttftSloMs        the TTFT SLO, or null if none was configured
     * @param ttftSloAttained  fraction of measured requests whose first token met the SLO (rejected ones miss), or null
     * @param result           the full results of the run
     */
    public record Run(String label, String scheduler, String router, String localPolicy, Double ttftSloMs,
                      Double ttftSloAttained, SimulationResult result) {
    }

    private record Row(String name, Function<Run, String> value) {
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static Row latency(String name, Function<SimulationResult, LatencySummary> l,
                               Function<LatencySummary, Double> stat) {
        return new Row(name, run -> ms(stat.apply(l.apply(run.result()))));
    }

    /** The metrics shown, in order; a cell is "-" where a run has no such value. */
    private List<Row> rows() {
        List<Row> rows = new java.util.ArrayList<>(List.of(
                latency("TTFT mean (ms)", SimulationResult::ttftMs, LatencySummary::mean),
                latency("TTFT p50 (ms)", SimulationResult::ttftMs, LatencySummary::p50),
                latency("TTFT p90 (ms)", SimulationResult::ttftMs, LatencySummary::p90),
                latency("TTFT p99 (ms)", SimulationResult::ttftMs, LatencySummary::p99),
                latency("TBT mean (ms)", SimulationResult::tbtMs, LatencySummary::mean),
                latency("TBT p50 (ms)", SimulationResult::tbtMs, LatencySummary::p50),
                latency("TBT p99 (ms)", SimulationResult::tbtMs, LatencySummary::p99),
                latency("TBT max (ms)", SimulationResult::tbtMs, LatencySummary::max),
                latency("E2E mean (ms)", SimulationResult::e2eMs, LatencySummary::mean),
                latency("E2E p50 (ms)", SimulationResult::e2eMs, LatencySummary::p50),
                latency("E2E p99 (ms)", SimulationResult::e2eMs, LatencySummary::p99),
                new Row("throughput (req/s)", r -> String.format(Locale.ROOT, "%.2f",
                        r.result().throughput().requestsPerS())),
                new Row("output tok/s", r -> String.format(Locale.ROOT, "%.1f",
                        r.result().throughput().outputTokensPerS())),
                new Row("preemptions", r -> Long.toString(r.result().requests().preemptions())),
                new Row("completed", r -> Long.toString(r.result().requests().completed())),
                new Row("rejected", r -> Long.toString(r.result().requests().rejected())),
                new Row("KV peak (%)", r -> String.format(Locale.ROOT, "%.1f",
                        100 * r.result().utilization().kvCacheUtilPeak())),
                new Row("GPUs", r -> Integer.toString(r.result().cost().gpus())),
                new Row("cost per 1k req ($)", r -> String.format(Locale.ROOT, "%.4f",
                        r.result().cost().costPer1kRequests()))));
        if (runs.stream().anyMatch(r -> r.result().pools() != null && r.result().pools().size() > 1)) {
            rows.add(0, new Row("pools", r -> io.simfaasinfer.report.PoolTable.brief(r.result().pools())));
            rows.add(new Row("iteration running per pool (%)", r -> String.join(" / ", r.result().pools().stream()
                    .map(p -> String.format(Locale.ROOT, "%.1f", 100 * p.iterationRunningFractionMean())).toList())));
        }
        if (runs.stream().anyMatch(r -> r.result().kvTransfer() != null)) {
            rows.add(new Row("KV transfer mean (ms)", r -> r.result().kvTransfer() == null ? "-"
                    : ms(r.result().kvTransfer().timeMs().mean())));
            rows.add(new Row("waits for decode mem", r -> r.result().kvTransfer() == null ? "-"
                    : Long.toString(r.result().kvTransfer().waitsForDecodeMemory())));
        }
        if (runs.stream().anyMatch(r -> r.ttftSloAttained() != null)) {
            rows.add(new Row("TTFT SLO met (%)", r -> r.ttftSloAttained() == null ? "-"
                    : String.format(Locale.ROOT, "%.1f", 100 * r.ttftSloAttained())));
        }
        java.util.SortedSet<String> counters = new java.util.TreeSet<>();
        runs.forEach(r -> counters.addAll(r.result().scheduling().localPolicyCounters().keySet()));
        for (String key : counters) {
            rows.add(new Row(key.replace('_', ' '), r -> {
                Long v = r.result().scheduling().localPolicyCounters().get(key);
                return v == null ? "-" : Long.toString(v);
            }));
        }
        return rows;
    }

    /** How {@link #render} prints the comparison. */
    public enum Format {
        /** Aligned columns: one column per run, one row per metric. */
        text,
        /** A Markdown table, laid out as the text one. */
        markdown,
        /** CSV: a header, then one row per run (label, scheduler, router, local policy, then the metrics). */
        csv
    }

    /** The comparison in {@code format}. */
    public String render(Format format) {
        return switch (format) {
            case text -> table();
            case markdown -> markdown();
            case csv -> csv();
        };
    }

    /** The side-by-side table: one column per run, one row per metric. */
    public String table() {
        List<Row> rows = rows();
        int nameWidth = rows.stream().mapToInt(r -> r.name().length()).max().orElse(0);
        int[] widths = new int[runs.size()];
        for (int c = 0; c < runs.size(); c++) {
            int w = runs.get(c).label().length();
            for (Row row : rows) {
                w = Math.max(w, row.value().apply(runs.get(c)).length());
            }
            widths[c] = w;
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", "metric"));
        for (int c = 0; c < runs.size(); c++) {
            b.append("  ").append(String.format(Locale.ROOT, "%" + widths[c] + "s", runs.get(c).label()));
        }
        b.append('\n');
        for (Row row : rows) {
            b.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", row.name()));
            for (int c = 0; c < runs.size(); c++) {
                b.append("  ").append(String.format(Locale.ROOT, "%" + widths[c] + "s", row.value().apply(runs.get(c))));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The table as Markdown: a header of run labels, a separator, one row per metric (numbers right-aligned). */
    public String markdown() {
        StringBuilder b = new StringBuilder("| metric |");
        runs.forEach(r -> b.append(' ').append(mdCell(r.label())).append(" |"));
        b.append("\n|---|");
        runs.forEach(r -> b.append("---:|"));
        b.append('\n');
        for (Row row : rows()) {
            b.append("| ").append(mdCell(row.name())).append(" |");
            runs.forEach(r -> b.append(' ').append(mdCell(row.value().apply(r))).append(" |"));
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * One CSV row per run: {@code config,scheduler,router,local_policy}, then one column per metric,
     * named after the text row (e.g. {@code ttft_p99_ms}, {@code throughput_req_per_s}); empty where
     * a run has no value.
     */
    public String csv() {
        List<Row> rows = rows();
        StringBuilder b = new StringBuilder("config,scheduler,router,local_policy");
        rows.forEach(r -> b.append(',').append(csvKey(r.name())));
        b.append('\n');
        for (Run run : runs) {
            b.append(csvCell(run.label())).append(',').append(csvCell(run.scheduler())).append(',')
                    .append(csvCell(run.router())).append(',').append(csvCell(run.localPolicy()));
            for (Row row : rows) {
                String v = row.value().apply(run);
                b.append(',').append(v.equals("-") ? "" : csvCell(v));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** {@code TTFT p99 (ms)} -> {@code ttft_p99_ms}, {@code throughput (req/s)} -> {@code throughput_req_per_s}. */
    static String csvKey(String name) {
        String k = name.toLowerCase(Locale.ROOT).replace("%", "pct").replace("$", "usd").replace("/", " per ");
        return k.replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    }

    private static String csvCell(String v) {
        if (v == null) {
            return "";
        }
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static String mdCell(String v) {
        return v == null ? "" : v.replace("|", "\\|");
    }
}
