package io.simfaasinfer.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.report.AtomicOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Exports a results database: every point (ordered by point index) or, with {@code aggregate}, one
 * row per parameter combination over its seeds (count, mean and 95% confidence half-width
 * {@code 1.96 s / sqrt(n)} of every metric), as CSV, Parquet or JSON, to a file (written whole, or
 * not at all) or to standard output.
 */
public final class SweepExport {

    /** Export formats. */
    public enum Format {
        CSV, PARQUET, JSON;

        public static Optional<Format> parse(String s) {
            for (Format f : values()) {
                if (f.name().toLowerCase(Locale.ROOT).equals(s)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    private SweepExport() {
    }

    /** The SELECT of the export. */
    static String select(ResultsDb db, boolean aggregate, boolean withResults) {
        List<String> cols = db.columns();
        List<String> params = cols.stream().filter(c -> c.contains(".")).toList();
        if (!aggregate) {
            List<String> out = new ArrayList<>(List.of("point", "seed", "status", "error"));
            params.forEach(p -> out.add(ResultsDb.quote(p)));
            out.addAll(ResultsDb.METRICS.keySet());
            out.add("config_hash");
            out.add("wall_s");
            if (withResults) {
                out.add("result_json");
            }
            return "SELECT " + String.join(", ", out) + " FROM points ORDER BY point, seed";
        }
        List<String> out = new ArrayList<>();
        params.forEach(p -> out.add(ResultsDb.quote(p)));
        out.add("count(*) AS seeds");
        for (String m : ResultsDb.METRICS.keySet()) {
            out.add("avg(" + m + ") AS " + m + "_mean");
            out.add("1.96 * coalesce(stddev_samp(" + m + "), 0) / sqrt(count(*)) AS " + m + "_ci95");
        }
        String group = params.isEmpty() ? "" : " GROUP BY " + String.join(", ", params.stream().map(ResultsDb::quote)
                .toList());
        return "SELECT " + String.join(", ", out) + " FROM points WHERE status = 'ok'" + group + " ORDER BY min(point)";
    }

    /** Writes the export to {@code output}, or to {@code stdout} when output is "-". */
    public static void export(ResultsDb db, Format format, String output, boolean aggregate, boolean withResults,
                              OutputStream stdout) {
        String sql = select(db, aggregate, withResults);
        boolean toStdout = output.equals("-");
        if (toStdout && format == Format.PARQUET) {
            throw new ConfigException("--output -: Parquet is binary; give --output FILE.parquet");
        }
        try {
            if (format == Format.JSON) {
                byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsBytes(db.query(sql));
                if (toStdout) {
                    stdout.write(json);
                    stdout.write('\n');
                    stdout.flush();
                } else {
                    try (AtomicOutput out = new AtomicOutput(Path.of(output))) {
                        Files.write(out.temp(), json);
                        out.commit();
                    }
                }
                return;
            }
            String opts = format == Format.CSV ? "(FORMAT CSV, HEADER)" : "(FORMAT PARQUET)";
            if (toStdout) {
                Path tmp = Files.createTempFile("sweep-export", ".csv");
                try {
                    db.execute("COPY (" + sql + ") TO '" + tmp.toString().replace("'", "''") + "' " + opts);
                    Files.copy(tmp, stdout);
                    stdout.flush();
                } finally {
                    Files.deleteIfExists(tmp);
                }
                return;
            }
            try (AtomicOutput out = new AtomicOutput(Path.of(output))) {
                db.execute("COPY (" + sql + ") TO '" + out.temp().toString().replace("'", "''") + "' " + opts);
                out.commit();
            }
        } catch (IOException e) {
            if (toStdout && String.valueOf(e.getMessage()).contains("Broken pipe")) {
                return; // the reader stopped (e.g. | head): nothing left to say
            }
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
    }
}
