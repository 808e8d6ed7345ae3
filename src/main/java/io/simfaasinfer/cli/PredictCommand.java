package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.simfaasinfer.Simulator;
import io.simfaasinfer.predictor.Breakdown;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.SimpleBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code simfaasinfer predict}: iteration times of batches, one JSON line in, one JSON line out, in order.
 * The predictor is chosen exactly as {@code run} chooses it.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict iteration times of batches read as JSON lines, e.g.",
                "  {\"prefill_tokens\":[512,384], \"prefill_context\":[0,1024], \"decode_context\":[1024,700,700]}",
                "and write {\"iteration_ms\": ..., \"breakdown\": {...}} per line to stdout.",
                "With --profile: that profile; with --calibrate-from: a roofline calibrated on other models' profiles;",
                "with neither: the built-in profile of the model on the GPU if one exists, else the roofline."})
public final class PredictCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Mixin
    PredictorOptions options = new PredictorOptions();

    @Option(names = "--batches", paramLabel = "FILE", required = true, description = "JSON lines of batches ('-' for stdin).")
    String batches;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConfigOptions.Resolved r = options.resolve();
        Simulator sim = new Simulator(r.validated(), null, null, null);
        ExecutionTimePredictor p = sim.predictor();
        List<String> lines = new ArrayList<>();
        String name = batches.equals("-") ? "stdin" : batches;
        try (BufferedReader in = batches.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(batches))) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                // all lines are checked before anything is printed, so bad input yields no partial output
                lines.add(predictLine(p, name, n, line));
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException(name + ": file not found");
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        lines.forEach(out::println);
        out.flush();
        return 0;
    }

    static String predictLine(ExecutionTimePredictor p, String file, int lineNo, String line) {
        SimpleBatch batch;
        try {
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject()) {
                throw new BadInputException(file + ": line " + lineNo + ": expected a JSON object");
            }
            for (var it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!List.of("prefill_tokens", "prefill_context", "decode_context").contains(f)) {
                    throw new BadInputException(file + ": line " + lineNo + ": unknown field '" + f
                            + "'; expected prefill_tokens, prefill_context, decode_context");
                }
            }
            batch = SimpleBatch.of(ints(node, "prefill_tokens", file, lineNo), nullableInts(node, "prefill_context", file, lineNo),
                    ints(node, "decode_context", file, lineNo));
        } catch (IOException e) {
            throw new BadInputException(file + ": line " + lineNo + ": not valid JSON");
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": line " + lineNo + ": " + e.getMessage());
        }
        Breakdown b = p.predict(batch);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("iteration_ms", b.totalMs());
        Map<String, Object> br = new LinkedHashMap<>();
        br.put("linear_ms", b.linearMs());
        br.put("prefill_attention_ms", b.prefillAttentionMs());
        br.put("decode_attention_ms", b.decodeAttentionMs());
        br.put("lm_head_ms", b.lmHeadMs());
        br.put("communication_ms", b.communicationMs());
        br.put("overhead_ms", b.overheadMs());
        br.put("flops", b.flops());
        br.put("bytes", b.bytes());
        out.put("breakdown", br);
        try {
            return JSON.writeValueAsString(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int[] nullableInts(JsonNode node, String field, String file, int lineNo) {
        return node.has(field) && !node.get(field).isNull() ? ints(node, field, file, lineNo) : null;
    }

    private static int[] ints(JsonNode node, String field, String file, int lineNo) {
        JsonNode a = node.get(field);
        if (a == null || a.isNull()) {
            return new int[0];
        }
        if (!a.isArray()) {
            throw new BadInputException(file + ": line " + lineNo + ": " + field + ": expected a list of integers");
        }
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            if (!a.get(i).isIntegralNumber() || !a.get(i).canConvertToInt()) {
                throw new BadInputException(file + ": line " + lineNo + ": " + field + "[" + i
                        + "]: expected an integer, got " + a.get(i));
            }
            v[i] = a.get(i).intValue();
        }
        return v;
    }
}
