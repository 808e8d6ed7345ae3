package io.simfaasinfer.workload.trace;

import java.io.IOException;
import java.io.LineNumberReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A CSV trace with a header row: Azure LLM inference, BurstGPT, Vidur/Splitwise, or any CSV with a
 * column mapping. Fields may be quoted ({@code "a,b"}, {@code ""} for a quote). Blank lines are
 * ignored.
 */
final class CsvTraceReader extends TraceReader {

    /**
     * What to read.
     *
     * @param format        format name, for messages
     * @param timeColumn    arrival-time column
     * @param nsPerUnit     ns per unit of the time column; 0 for wall-clock timestamps
     * @param promptColumn  prompt-token column
     * @param outputColumn  output-token column
     * @param filters       column -> required value; rows with another value are filtered out
     * @param sessionColumns session-id columns: the first the header has is read; none is required
     *                       unless {@code sessionRequired}
     * @param sessionRequired whether the header must have the (single) session column
     */
    record Schema(String format, String timeColumn, double nsPerUnit, String promptColumn, String outputColumn,
                  Map<String, String> filters, List<String> sessionColumns, boolean sessionRequired) {
    }

    private final LineNumberReader in;
    private final Schema schema;
    private final int timeIdx;
    private final int promptIdx;
    private final int outputIdx;
    private final int sessionIdx;
    private final int[] filterIdx;
    private final String[] filterValues;
    private final int needed;
    private final List<String> names;
    private String[] fields = new String[16];
    private int nFields;

    CsvTraceReader(Path file, LineNumberReader in, Schema schema, boolean skipMalformed, String skipHint) {
        super(file.toString(), schema.format(), skipMalformed, skipHint);
        this.schema = schema;
        this.in = in;
        String header;
        try {
            header = in.readLine();
        } catch (IOException e) {
            close();
            throw new TraceException(file + ": cannot read trace (" + TraceReader.why(e) + ")");
        }
        if (header == null) {
            close();
            throw new TraceException(file + ": empty trace file; expected a CSV header line");
        }
        if (!header.isEmpty() && header.charAt(0) == '\uFEFF') {
            header = header.substring(1); // byte-order mark
        }
        split(header);
        List<String> names = new ArrayList<>(Arrays.asList(fields).subList(0, nFields));
        names.replaceAll(String::trim);
        this.names = names;
        this.timeIdx = column(names, schema.timeColumn(), file);
        this.promptIdx = column(names, schema.promptColumn(), file);
        this.outputIdx = column(names, schema.outputColumn(), file);
        this.filterIdx = new int[schema.filters().size()];
        this.filterValues = new String[schema.filters().size()];
        int k = 0;
        int max = Math.max(timeIdx, Math.max(promptIdx, outputIdx));
        for (Map.Entry<String, String> f : schema.filters().entrySet()) {
            filterIdx[k] = column(names, f.getKey(), file);
            filterValues[k] = f.getValue();
            max = Math.max(max, filterIdx[k]);
            k++;
        }
        int si = -1;
        for (String c : schema.sessionColumns()) {
            si = schema.sessionRequired() ? column(names, c, file) : names.indexOf(c);
            if (si >= 0) {
                break;
            }
        }
        this.sessionIdx = si;
        this.needed = max + 1;
    }

    private int column(List<String> names, String column, Path file) {
        int i = names.indexOf(column);
        if (i < 0) {
            close();
            throw new TraceException(file + ":1: " + schema.format() + " trace needs a column '" + column
                    + "'; the header has: " + String.join(", ", names));
        }
        return i;
    }

    @Override
    public String sessionColumn() {
        return sessionIdx < 0 ? null : names.get(sessionIdx);
    }

    @Override
    protected String noRowsProblem() {
        return "no rows: the trace has a header line and no rows after it";
    }

    @Override
    protected String timeField() {
        return schema.timeColumn();
    }

    @Override
    protected int read(TraceRow row) throws IOException, RowError {
        String line = nextNonBlankLine(in, row);
        if (line == null) {
            return EOF;
        }
        split(line);
        if (nFields < needed) {
            throw new RowError(null, "expected at least " + needed + " comma-separated fields, got " + nFields);
        }
        if (nFields > names.size()) {
            throw new RowError(null, "expected " + names.size() + " comma-separated fields (as in the header), got "
                    + nFields + " (an unquoted comma?)");
        }
        for (int k = 0; k < filterIdx.length; k++) {
            if (!filterValues[k].equals(fields[filterIdx[k]].trim())) {
                return FILTERED;
            }
        }
        String t = fields[timeIdx].trim();
        row.timeNs = schema.nsPerUnit() == 0 ? datetime(t, schema.timeColumn()) : time(t, schema.nsPerUnit(), schema.timeColumn());
        row.promptTokens = tokens(fields[promptIdx].trim(), schema.promptColumn());
        row.outputTokens = tokens(fields[outputIdx].trim(), schema.outputColumn());
        row.clearHashes();
        if (sessionIdx >= 0) {
            // a short row has no session field: a request outside any conversation
            String id = sessionIdx < nFields ? fields[sessionIdx].trim() : "";
            row.session = id.isEmpty() ? null : id;
        }
        return ROW;
    }

    /** Splits one CSV line into {@code fields[0..nFields)}. */
    private void split(String line) {
        nFields = 0;
        int n = line.length();
        int i = 0;
        while (true) {
            String field;
            if (i < n && line.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (i < n) {
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            b.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    b.append(c);
                    i++;
                }
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                field = b.toString();
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                field = line.substring(start, i);
            }
            if (nFields == fields.length) {
                fields = Arrays.copyOf(fields, nFields * 2);
            }
            fields[nFields++] = field;
            if (i >= n) {
                return;
            }
            i++; // the comma
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing useful to do when closing a read-only file fails
        }
    }
}
