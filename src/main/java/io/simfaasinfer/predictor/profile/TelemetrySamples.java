package io.simfaasinfer.predictor.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.simfaasinfer.predictor.SimpleBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Production timing samples used to calibrate a predictor to a real deployment. JSON format
 * (both lists optional, at least one sample in all; fields starting with '_', such as
 * {@code _comment}, are ignored; any other unknown field is an error with a "did you mean"):
 * <pre>
 * {
 *   "iterations": [
 *     {"prefill_tokens": [512, 384], "prefill_context": [0, 1024], "decode_context": [1024, 700],
 *      "measured_ms": 41.7}
 *   ],
 *   "requests": [
 *     {"prompt_tokens": 1024, "output_tokens": 128, "ttft_ms": 38.2, "e2e_ms": 1090.0}
 *   ]
 * }
 * </pre>
 * An iteration sample is one engine step (batch shape as in a {@code predict} input line, plus
 * its measured GPU time). A request sample is one request's client-side timings; see
 * {@link TelemetryCalibration} for how those are turned into iteration-like observations.
 */
public record TelemetrySamples(List<Iteration> iterations, List<Request> requests) {

    public TelemetrySamples {
        iterations = List.copyOf(iterations);
        requests = List.copyOf(requests);
    }

    /** One measured engine iteration. */
    public record Iteration(SimpleBatch batch, double measuredMs) {
    }

    /**
     * One request's timings.
     *
     * @param promptTokens prompt length
     * @param outputTokens generated tokens (>= 1)
     * @param ttftMs       time to first token
     * @param e2eMs        arrival to last token (>= ttftMs)
     */
    public record Request(int promptTokens, int outputTokens, double ttftMs, double e2eMs) {
    }

    /** Top-level fields; others must start with '_' (comments, e.g. {@code _comment}). */
    static final List<String> TOP_FIELDS = List.of("iterations", "requests");
    /** Fields of an iteration sample. */
    static final List<String> ITERATION_FIELDS = List.of("prefill_tokens", "prefill_context", "decode_context",
            "measured_ms");
    /** Fields of a request sample. */
    static final List<String> REQUEST_FIELDS = List.of("prompt_tokens", "output_tokens", "ttft_ms", "e2e_ms");

    public static TelemetrySamples read(Path file) {
        if (Files.isDirectory(file)) {
            throw ProfileException.inFile(file.toString(), "is a directory; expected a telemetry JSON file");
        }
        if (!Files.exists(file)) {
            throw ProfileException.inFile(file.toString(), "telemetry file not found");
        }
        try {
            return parse(Files.readString(file), file.toString());
        } catch (java.nio.charset.MalformedInputException e) {
            throw ProfileException.inFile(file.toString(), "not UTF-8 text; expected a telemetry JSON file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param source name used in messages
     * @throws ProfileException naming the source, sample and field of the first problem
     */
    public static TelemetrySamples parse(String json, String source) {
        JsonNode root;
        try {
            root = ProfileReader.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ProfileException(source + ": invalid JSON: " + ProfileReader.oneLine(e.getOriginalMessage()), e);
        }
        if (root == null || root.isMissingNode()) {
            throw ProfileException.inFile(source, "empty file; expected a JSON object with 'iterations' and/or"
                    + " 'requests'");
        }
        if (!root.isObject()) {
            throw ProfileException.inFile(source, "expected a JSON object with 'iterations' and/or 'requests'");
        }
        Keys.check(source, "", root, TOP_FIELDS);
        List<Iteration> its = new ArrayList<>();
        JsonNode a = array(source, root, "iterations");
        for (int i = 0; i < a.size(); i++) {
            String where = "iterations[" + i + "]";
            JsonNode n = object(source, a.get(i), where);
            Keys.check(source, where + ": ", n, ITERATION_FIELDS);
            SimpleBatch b;
            try {
                b = SimpleBatch.of(ints(source, n, where, "prefill_tokens"), ints(source, n, where, "prefill_context"),
                        ints(source, n, where, "decode_context"));
            } catch (IllegalArgumentException e) {
                throw ProfileException.inFile(source, where + ": " + e.getMessage());
            }
            if (b.numSequences() == 0) {
                throw ProfileException.inFile(source, where + ": empty batch (no prefill_tokens, no decode_context)");
            }
            its.add(new Iteration(b, positive(source, n, where, "measured_ms")));
        }
        List<Request> reqs = new ArrayList<>();
        JsonNode r = array(source, root, "requests");
        for (int i = 0; i < r.size(); i++) {
            String where = "requests[" + i + "]";
            JsonNode n = object(source, r.get(i), where);
            Keys.check(source, where + ": ", n, REQUEST_FIELDS);
            int prompt = (int) integer(source, n, where, "prompt_tokens", 1);
            int out = (int) integer(source, n, where, "output_tokens", 1);
            double ttft = positive(source, n, where, "ttft_ms");
            double e2e = positive(source, n, where, "e2e_ms");
            if (e2e < ttft) {
                throw ProfileException.inFile(source, where + ": field 'e2e_ms' (" + e2e + ") is less than ttft_ms ("
                        + ttft + ")");
            }
            reqs.add(new Request(prompt, out, ttft, e2e));
        }
        if (its.isEmpty() && reqs.isEmpty()) {
            throw ProfileException.inFile(source, "no samples: give 'iterations' and/or 'requests'");
        }
        return new TelemetrySamples(its, reqs);
    }

    private static JsonNode array(String source, JsonNode root, String field) {
        JsonNode a = root.get(field);
        if (a == null || a.isNull()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (!a.isArray()) {
            throw ProfileException.inFile(source, "field '" + field + "' must be an array");
        }
        return a;
    }

    private static JsonNode object(String source, JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw ProfileException.inFile(source, where + ": expected a JSON object");
        }
        return n;
    }

    private static int[] ints(String source, JsonNode n, String where, String field) {
        JsonNode a = n.get(field);
        if (a == null || a.isNull()) {
            return null;
        }
        if (!a.isArray()) {
            throw ProfileException.inFile(source, where + ": field '" + field + "' must be an array of integers");
        }
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw ProfileException.inFile(source, where + ": field '" + field + "' element " + i
                        + " must be an integer, got " + v);
            }
            out[i] = v.asInt();
        }
        return out;
    }

    private static long integer(String source, JsonNode n, String where, String field, long min) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw ProfileException.inFile(source, where + ": field '" + field + "' is missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asLong() < min) {
            throw ProfileException.inFile(source, where + ": field '" + field + "' must be an integer >= " + min
                    + ", got " + v);
        }
        return v.asLong();
    }

    private static double positive(String source, JsonNode n, String where, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw ProfileException.inFile(source, where + ": field '" + field + "' is missing");
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() <= 0) {
            throw ProfileException.inFile(source, where + ": field '" + field + "' must be a finite time > 0, got " + v);
        }
        return v.asDouble();
    }
}
