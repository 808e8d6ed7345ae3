package io.simfaasinfer.workload;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.LengthConfig;
import io.simfaasinfer.config.TraceConfig;
import io.simfaasinfer.workload.trace.TraceFormats;
import io.simfaasinfer.workload.trace.TraceReader;
import io.simfaasinfer.workload.trace.TraceRow;
import org.apache.commons.rng.UniformRandomProvider;

import java.util.Arrays;

/**
 * The lengths of an {@code empirical} distribution: one column (prompt or output tokens) of a trace
 * file in any supported format, read as a stream. Up to {@link #MAX_VALUES} values are kept; a longer
 * trace is reduced to a uniform random subset of that size (reservoir sampling, seeded).
 */
final class EmpiricalLengths {

    /** Most values kept in memory (4 MiB). */
    static final int MAX_VALUES = 1 << 20;

    private EmpiricalLengths() {
    }

    /** The values of the column {@code c} names, for the distribution labelled {@code label}. */
    static int[] load(String label, LengthConfig c, UniformRandomProvider rng) {
        String field = c.field() != null ? c.field()
                : label.startsWith("prompt") ? "prompt" : label.startsWith("output") ? "output" : null;
        if (field == null || !(field.equals("prompt") || field.equals("output"))) {
            throw new ConfigException("workload." + label + ".field: expected prompt or output, got "
                    + (c.field() == null ? "nothing" : "'" + c.field() + "'"));
        }
        boolean prompt = field.equals("prompt");
        int[] values = new int[1024];
        int n = 0;
        long seen = 0;
        TraceRow row = new TraceRow();
        TraceConfig tc = TraceConfig.of(c.file(), c.format() == null ? "auto" : c.format());
        try (TraceReader in = TraceFormats.open(tc, "")) {
            while (in.next(row)) {
                int v = prompt ? row.promptTokens : row.outputTokens;
                seen++;
                if (n < MAX_VALUES) {
                    if (n == values.length) {
                        values = Arrays.copyOf(values, n * 2);
                    }
                    values[n++] = v;
                } else {
                    long j = rng.nextLong(seen);
                    if (j < MAX_VALUES) {
                        values[(int) j] = v;
                    }
                }
            }
        }
        if (n == 0) {
            throw new ConfigException("workload." + label + ".file: " + c.file() + " has no rows");
        }
        return Arrays.copyOf(values, n);
    }
}
