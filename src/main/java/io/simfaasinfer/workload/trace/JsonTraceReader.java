package io.simfaasinfer.workload.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.LineNumberReader;
import java.nio.file.Path;

/**
 * A JSON trace: JSON Lines (one object per line: Mooncake, or any with a column mapping) or one
 * JSON array of objects. Each object's arrival time, prompt and output tokens and, optionally, an
 * array of prefix-block hash ids are read by field name; other fields are ignored.
 */
final class JsonTraceReader extends TraceReader {

    /**
     * What to read.
     *
     * @param format      format name, for messages
     * @param timeField   arrival-time field
     * @param nsPerUnit   ns per unit of the time field; 0 for wall-clock timestamp strings
     * @param promptField prompt-token field
     * @param outputField output-token field
     * @param hashField   hash-id array field, or null
     * @param sessionField session-id field (a string or an integer; null or empty: no session), or null
     */
    record Schema(String format, String timeField, double nsPerUnit, String promptField, String outputField,
                  String hashField, String sessionField) {
    }

    /** Refuses an object that gives a field twice (which value would be meant?). */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Schema schema;
    private final LineNumberReader in;
    /** Array mode: the parser over the whole file; null in line mode. */
    private final JsonParser array;
    private final ObjectMapper mapper = JsonMapper.builder(FACTORY).build();

    JsonTraceReader(Path file, LineNumberReader in, Schema schema, boolean arrayMode, boolean skipMalformed, String skipHint) {
        super(file.toString(), schema.format(), skipMalformed, skipHint);
        this.schema = schema;
        this.in = in;
        if (!arrayMode) {
            this.array = null;
            return;
        }
        try {
            this.array = FACTORY.createParser(in);
            if (array.nextToken() != JsonToken.START_ARRAY) {
                close();
                throw new TraceException(file + ":" + array.currentTokenLocation().getLineNr()
                        + ": expected a JSON array of request objects");
            }
        } catch (IOException e) {
            close();
            throw new TraceException(file + ": not valid JSON (" + firstLine(e) + ")");
        }
    }

    @Override
    protected String noRowsProblem() {
        return array != null ? "no rows: the JSON array has no request objects" : "no rows";
    }

    @Override
    protected String timeField() {
        return schema.timeField();
    }

    @Override
    protected int read(TraceRow row) throws IOException, RowError {
        return array != null ? readElement(row) : readLine(row);
    }

    private int readLine(TraceRow row) throws IOException, RowError {
        String line = nextNonBlankLine(in, row);
        if (line == null) {
            return EOF;
        }
        try (JsonParser p = FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RowError(null, "expected a JSON object on the line");
            }
            parseObject(p, row);
            if (p.nextToken() != null) {
                throw new RowError(null, "unexpected text after the JSON object");
            }
        } catch (JsonParseException e) {
            String dup = duplicate(e);
            throw dup != null ? new RowError(dup, "given twice in the object; expected each field once")
                    : new RowError(null, "not valid JSON (" + firstLine(e) + ")");
        }
        return ROW;
    }

    private int readElement(TraceRow row) throws IOException, RowError {
        JsonNode node;
        try {
            JsonToken t = array.nextToken();
            row.line = array.currentTokenLocation().getLineNr();
            if (t == JsonToken.END_ARRAY || t == null) {
                return EOF;
            }
            node = mapper.readTree(array);
        } catch (JsonParseException e) {
            String dup = duplicate(e);
            throw new TraceException(name() + ":" + e.getLocation().getLineNr() + ": " + (dup != null
                    ? "field '" + dup + "': given twice in the object; expected each field once"
                    : "not valid JSON (" + firstLine(e) + ")"));
        }
        if (!node.isObject()) {
            throw new RowError(null, "expected a JSON object, got " + node.getNodeType().name().toLowerCase());
        }
        try (JsonParser p = node.traverse()) {
            p.nextToken();
            parseObject(p, row);
        }
        return ROW;
    }

    /** Reads the fields of the object whose START_OBJECT {@code p} is on. */
    private void parseObject(JsonParser p, TraceRow row) throws IOException, RowError {
        boolean hasTime = false;
        boolean hasPrompt = false;
        boolean hasOutput = false;
        row.clearHashes();
        row.session = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals(schema.timeField())) {
                row.timeNs = time(p, v);
                hasTime = true;
            } else if (f.equals(schema.promptField())) {
                row.promptTokens = tokens(p, v, f);
                hasPrompt = true;
            } else if (f.equals(schema.outputField())) {
                row.outputTokens = tokens(p, v, f);
                hasOutput = true;
            } else if (f.equals(schema.hashField())) {
                if (v != JsonToken.START_ARRAY) {
                    throw new RowError(f, "expected an array of integer hash ids, got " + p.getText());
                }
                for (JsonToken h = p.nextToken(); h != JsonToken.END_ARRAY; h = p.nextToken()) {
                    if (h != JsonToken.VALUE_NUMBER_INT) {
                        throw new RowError(f, "expected integer hash ids, got " + p.getText());
                    }
                    row.addHash(p.getLongValue());
                }
            } else if (f.equals(schema.sessionField())) {
                row.session = session(p, v, f);
            } else {
                p.skipChildren();
            }
        }
        if (!hasTime) {
            throw new RowError(schema.timeField(), "missing");
        }
        if (!hasPrompt) {
            throw new RowError(schema.promptField(), "missing");
        }
        if (!hasOutput) {
            throw new RowError(schema.outputField(), "missing");
        }
    }

    private static String session(JsonParser p, JsonToken v, String f) throws IOException, RowError {
        return switch (v) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> {
                String id = p.getText().trim();
                yield id.isEmpty() ? null : id;
            }
            case VALUE_NUMBER_INT -> p.getText();
            default -> throw new RowError(f, "expected a session id (a string or an integer), got "
                    + (v == JsonToken.START_ARRAY ? "a list" : v == JsonToken.START_OBJECT ? "an object"
                    : "'" + p.getText() + "'"));
        };
    }

    @Override
    public String sessionColumn() {
        return schema.sessionField();
    }

    private long time(JsonParser p, JsonToken v) throws IOException, RowError {
        String f = schema.timeField();
        if (schema.nsPerUnit() == 0) {
            if (v != JsonToken.VALUE_STRING) {
                throw new RowError(f, "expected a timestamp string, got " + p.getText());
            }
            return datetime(p.getText(), f);
        }
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return timeOf(p.getDoubleValue(), schema.nsPerUnit(), f, p.getText());
        }
        if (v == JsonToken.VALUE_STRING) {
            return TraceReader.time(p.getText(), schema.nsPerUnit(), f);
        }
        throw new RowError(f, "expected a non-negative number, got " + p.getText());
    }

    private static int tokens(JsonParser p, JsonToken v, String f) throws IOException, RowError {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT || v == JsonToken.VALUE_STRING) {
            return TraceReader.tokens(p.getText(), f);
        }
        throw new RowError(f, "expected a non-negative integer, got " + p.getText());
    }

    /** The field a duplicate-field error names, or null for another error. */
    private static String duplicate(JsonParseException e) {
        String m = e.getOriginalMessage();
        String p = "Duplicate field '";
        if (m == null || !m.startsWith(p)) {
            return null;
        }
        int end = m.indexOf('\'', p.length());
        return end < 0 ? null : m.substring(p.length(), end);
    }

    private static String firstLine(IOException e) {
        String m = e instanceof JsonParseException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? "" : m.lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        try {
            if (array != null) {
                array.close();
            }
            in.close();
        } catch (IOException ignored) {
            // nothing useful to do when closing a read-only file fails
        }
    }
}
