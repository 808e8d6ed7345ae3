package io.simfaasinfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simfaasinfer.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * The published real-engine cases of {@code bench/fidelity/published.json} (docs/fidelity.md), replayed
 * in-process by their own command lines as {@code bench/fidelity.py} replays them, against the issue's
 * target on that set: median absolute error at most 5% and worst at most 15% over the cases not decided
 * by one request's exact length (the makespan cases are left out, as there), on the fit cases and on
 * all of them; the held-out cases' worst within 15%. A change to a predictor, an engine preset or the
 * catalog that loses the published accuracy fails here, with every case's error in the message. Every
 * replayed row is also checked against the generated docs/fidelity-cases.md, so a change to any prediction
 * fails here until that file is regenerated ({@code python3 bench/fidelity.py --write-cases docs/fidelity-cases.md}).
 */
class PublishedFidelityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private record Result(String id, String split, double measured, double predicted) {
        double error() {
            return (predicted - measured) / measured;
        }
    }

    @Test
    void thePublishedSetStaysWithinTheTarget() throws IOException {
        List<Result> results = replay("bench/fidelity/published.json");
        String table = table(results);
        List<Result> fit = split(results, "fit");
        List<Result> heldOut = split(results, "heldout");
        assertThat(fit).hasSize(10);
        assertThat(heldOut).hasSize(6);
        assertWithin("all", results, 0.05, 0.15, table);
        assertThat(median(fit)).as("fit: median%s", table).isLessThanOrEqualTo(0.05);
        assertThat(worst(heldOut)).as("held out: worst%s", table).isLessThanOrEqualTo(0.15);
    }

    /**
     * Set 3 (bench/fidelity/published-trtllm090.json: TensorRT-LLM v0.9.0 on H100 fp8, L40S fp8, A100
     * fp16), a regression guard rather than the target, whose median it does not meet yet: no
     * worse than with the GEMMs' exposed weight stream, also over a calibrated roofline, and the fp8 path
     * re-fitted with it (docs/fidelity.md, "GEMM weights not hidden at small M": all 36 median 5.6%, worst
     * 14.3%; the 12 fit rows 3.4% / 14.3%; the 24 held-out L40S and A100 rows 7.2% / 13.8%; before it 5.3% /
     * 23.0%, the L40S 70B rows worst), with about half a point of slack; since the thirteenth session's
     * ring bandwidth on NVLink 4 (docs/fidelity.md, "NCCL's ring bandwidth on NVLink 4"), all 6.0% / 13.8%
     * and the fit rows 3.2% / 9.0%; since the seventeenth session's decode kernel block time and fp8 GEMM
     * scale 1.25, fitted together on the 12 fit rows (docs/fidelity.md, "Decode kernel thread blocks"), all
     * 3.8% / 17.6%, fit 2.0% / 10.6%, held out 6.0% / 17.6% (the L40S 70B TP2 batch-16 row, +13.8% -> +17.6%:
     * worse, the trade that rule accepted), the guard at those readings with half a point of slack; and every
     * TP8 row, which a degree-blind NCCL latency put 13-35% off, within 15% (the H100 one -14.3% -> -7.4% with
     * the ring's bandwidth, -10.6% with the scale).
     */
    @Test
    void theTensorRtLlm090SetDoesNotLoseGround() throws IOException {
        List<Result> results = replay("bench/fidelity/published-trtllm090.json");
        String table = table(results);
        List<Result> heldOut = split(results, "heldout3");
        List<Result> fit = split(results, "fit");
        assertThat(results).hasSize(36);
        assertThat(heldOut).hasSize(24);
        assertThat(fit).hasSize(12);
        assertWithin("all", results, 0.043, 0.181, table);
        assertWithin("fit", fit, 0.025, 0.111, table);
        assertWithin("heldout3", heldOut, 0.065, 0.181, table);
        List<Result> tp8 = results.stream().filter(r -> r.id().contains("-tp8-")).toList();
        assertThat(tp8).hasSize(4);
        assertThat(worst(tp8)).as("TP8 rows: worst%s", table).isLessThanOrEqualTo(0.15);
    }

    /**
     * Set 4 (bench/fidelity/published-trtllm050.json: TensorRT-LLM v0.5.0's own batch 16-64 throughput rows,
     * H100 fp8 and A100 fp16), all held out and read once after the twelfth session's changes: a regression
     * guard (first reading median 6.7%, worst 21.6%; 6.1% / 18.7% once the 0.5/0.6 preset all-reduces through
     * NCCL as its benchmark builds did; 5.6% / 16.3% with NCCL's ring bandwidth on NVLink 4, thirteenth session;
     * 6.3% / 17.4% with the seventeenth session's decode block time and fp8 GEMM scale, worse here though better
     * over sets 2-5 pooled; the H100 70B long-output rows worst) with half a point of slack, not the target.
     */
    @Test
    void theTensorRtLlm050SetDoesNotLoseGround() throws IOException {
        List<Result> results = replayAllIn("bench/fidelity/published-trtllm050.json", 12, "heldout4");
        String table = table(results);
        assertWithin("set 4", results, 0.068, 0.179, table);
    }

    /**
     * Set 5 (bench/fidelity/published-trtllm090-models.json: the Mistral 7B and GPT-J 6B rows of TensorRT-LLM
     * v0.9.0's tables on H200, H100, L40S and A100), all held out; first read in the fourteenth session (all 48
     * median 6.1%, worst 84.3%: Mistral's Hopper throughput rows 45-84% too fast under XQA). Since the fifteenth
     * session its rows run the {@code trtllm-0.9} preset: v0.9's precompiled XQA kernels serve only groups of 8,
     * so Mistral's groups of 4 take the masked kernel with its passes over a KV head through the L2, at the GPUs'
     * measured L2 bandwidths (nothing fitted on these rows, but the mechanism was chosen after reading them:
     * docs/fidelity.md "GQA in the decode kernel"). All 48: median 4.3%, worst 24.0% (GPT-J's 2048-token first
     * tokens); Mistral's 16 throughput rows 1.9% / 14.8%. Since the seventeenth session's decode block time
     * and fp8 GEMM scale (fitted on set 3's fit rows; docs/fidelity.md "Decode kernel thread blocks"): all 48
     * 3.2% / 16.1%, Mistral's throughput rows 3.8% / 6.5% (the batch-896 ones +13-15% -> -5-+4%). A regression
     * guard with half a point of slack.
     */
    @Test
    void theModelsSetDoesNotLoseGround() throws IOException {
        List<Result> results = replayAllIn("bench/fidelity/published-trtllm090-models.json", 48, "heldout5");
        String table = table(results);
        List<Result> mistralThroughput = results.stream()
                .filter(r -> r.id().contains("-m7-") && r.id().contains("-thr-")).toList();
        assertThat(mistralThroughput).hasSize(16);
        assertWithin("set 5", results, 0.037, 0.166, table);
        assertWithin("set 5, Mistral static batches (groups of 4 through the L2)", mistralThroughput, 0.043, 0.070, table);
    }

    /**
     * Set 2 (bench/fidelity/published-more.json: TensorRT-LLM 0.5/0.6.1/0.9.0 fp8 tables, a vLLM throughput, SGLang
     * 0.3 and vLLM 0.6.0 serving on A100 and 4x H100), all held out: its 44 rows as docs/fidelity-cases.md prints
     * them (the serving rows' median over their three seeds, as bench/fidelity.py takes it), and a regression guard with
     * half a point of slack at the reading of the seventeenth session (median 6.1%, worst 21.4%: vLLM 0.6.0's
     * multi-step offline throughput on the A100; 6.4% / 21.4% in the fifteenth).
     */
    @Test
    void theFurtherSetDoesNotLoseGround() throws IOException {
        List<Result> results = replayAllIn("bench/fidelity/published-more.json", 44, "heldout2");
        assertWithin("set 2", results, 0.059, 0.202, table(results));
    }

    /**
     * Set 6 (bench/fidelity/published-lambda.json: vLLM v0.6.0 with multi-step scheduling serving LambdaLabsML/vllm-benchmark's
     * bursts of 10-160 ShareGPT prompts to Llama-3-8B and Mistral-7B-v0.3 on an H100 and an A100, each replayed with the
     * file's own request lengths), all held out. The first 16 rows were read in the seventeenth session, the 32 of the files
     * with requests that received no text in the eighteenth, when every TTFT and TPOT row took its median as
     * benchmark_serving.py does: 48 rows, median 4.3%, worst 31.4% (the H100 160-prompt Llama median TTFT: the burst reaches
     * the engine later than simulated; docs/fidelity.md "Set 6"). A regression guard with half a point of slack, not the
     * issue's target; the TTFT rows of bursts of 40 or more must stay simulated too early (the known deviation), so that a
     * change that moves them forces the docs to be revisited.
     */
    @Test
    void theExactLengthVllmSetDoesNotLoseGround() throws IOException {
        List<Result> results = replayAllIn("bench/fidelity/published-lambda.json", 48, "heldout6");
        assertWithin("set 6", results, 0.047, 0.319, table(results));
        List<Result> bursts = results.stream()
                .filter(r -> r.id().endsWith("-ttft") && !r.id().contains("-p10-") && !r.id().contains("-p20-")).toList();
        assertThat(bursts).hasSize(6);
        assertThat(bursts).as("set 6: TTFT of bursts of 40-160 simulated too early%s", table(bursts))
                .allSatisfy(r -> assertThat(r.error()).isLessThan(-0.15));
    }

    /**
     * Set 7 (bench/fidelity/published-lambda-tp.json: the same LambdaLabsML/vllm-benchmark series as set 6 under tensor
     * parallelism: Llama-3-8B, Mistral-7B-v0.3 and Llama-3-70B on 2x, 4x and 8x H100, bursts of 10-160 prompts; 44 files,
     * the 45th a failed run), all held out: the TP2/TP4 rows read once, then replayed once more with the per-step output
     * processing of multi-step runs, the TP8 rows read once after it (docs/fidelity.md "Set 7"): 176 rows, median 6.8%,
     * worst 86.1%; the 146 rows without the small models' 30 TTFTs 4.4% / 73.4% (the worst a warm-up run: Mistral TP8
     * with 10 prompts). A regression guard with half a point of slack, not the target. The small models' TTFTs
     * must stay simulated too early (the known deviation: the burst's front end, which a faster prefill under TP leaves
     * exposed), so that a change that moves them forces the docs to be revisited.
     */
    @Test
    void theTensorParallelVllmSetDoesNotLoseGround() throws IOException {
        List<Result> results = replayAllIn("bench/fidelity/published-lambda-tp.json", 176, "heldout7");
        assertWithin("set 7", results, 0.073, 0.866, table(results));
        List<Result> smallTtft = results.stream()
                .filter(r -> r.id().endsWith("-ttft") && !r.id().contains("-llama-3-70b-")).toList();
        assertThat(smallTtft).hasSize(30);
        assertThat(smallTtft).as("set 7: the small models' TTFTs under TP simulated too early%s", table(smallTtft))
                .allSatisfy(r -> assertThat(r.error()).isLessThan(-0.15));
        List<Result> rest = results.stream().filter(r -> !smallTtft.contains(r)).toList();
        assertWithin("set 7 without the small models' TTFTs", rest, 0.049, 0.739, table(rest));
    }

    /**
     * A GPU never profiled (docs/fidelity.md, "A GPU never profiled"; {@code bench/fidelity.py --cross-gpu}):
     * every iteration case of the published set on a GPU other than the H100s, predicted from the roofline
     * calibrated on the two H100 profiles with the case's engine on top. The target on all 13
     * (median 5%, worst 15%; 3.6% / 10.7% as of the twelfth session), and the 9 rows nothing was fitted on
     * within 15% (6.4% / 10.7%).
     */
    @Test
    void aGpuNeverProfiledMeetsTheTargetFromTheH100Profiles() throws IOException {
        List<Result> results = new ArrayList<>();
        for (JsonNode c : JSON.readTree(Path.of("bench/fidelity/published.json").toFile()).path("cases")) {
            String command = c.path("command").asText();
            if (!c.path("kind").asText().equals("iteration") || command.split("--gpu ")[1].startsWith("h100")) {
                continue;
            }
            results.add(new Result(c.path("id").asText(), c.path("split").asText(), c.path("measured").asDouble(),
                    run(c, command.replaceFirst(" --json", CALIBRATE + " --json"))));
        }
        assertTheCasesDocAgrees("`bench/fidelity/published.json` `--cross-gpu`", results);
        String table = table(results);
        assertThat(results).hasSize(13);
        assertWithin("cross-GPU", results, 0.05, 0.15, table);
        // fitted on: the vllm host time (H200 8B), the trtllm GEMM exposure (A100 7B first tokens), its GQA
        // re-reads (A100 70B batch 240)
        List<String> fitted = List.of("vllm-ci-h200-latency-8b", "trtllm-a100-ttft-llama-2-7b-tp1-in128",
                "trtllm-a100-ttft-llama-2-7b-tp1-in2048", "trtllm-a100-thr-llama-2-70b-tp4-b240-128-2048");
        List<Result> heldOut = results.stream().filter(r -> !fitted.contains(r.id())).toList();
        assertThat(heldOut).hasSize(9);
        assertThat(worst(heldOut)).as("cross-GPU held out: worst%s", table).isLessThanOrEqualTo(0.15);
    }

    private static final Path CASES_DOC = Path.of("docs/fidelity-cases.md");
    private static final String REGENERATE = "python3 bench/fidelity.py --write-cases docs/fidelity-cases.md";

    private static final String CALIBRATE =
            " --calibrate-from data/profiling/compute/h100/llama-2-7b,data/profiling/compute/h100/llama-3-8b";

    /** Every case of {@code file} but the makespan ones, replayed. */
    private List<Result> replay(String file) throws IOException {
        JsonNode cases = JSON.readTree(Path.of(file).toFile()).path("cases");
        List<Result> results = new ArrayList<>();
        for (JsonNode c : cases) {
            if (c.path("kind").asText().equals("serving-makespan")) {
                continue;
            }
            results.add(new Result(c.path("id").asText(), c.path("split").asText(), c.path("measured").asDouble(),
                    overSeeds(c)));
        }
        assertTheCasesDocAgrees("`" + file + "`", results);
        return results;
    }

    /**
     * Every one of {@code results} printed in docs/fidelity-cases.md, in the section whose source line is
     * {@code source}, with the prediction made now (relative 1e-5: the file prints six digits): the generated
     * per-case table cannot fall behind the code.
     */
    private static void assertTheCasesDocAgrees(String source, List<Result> results) throws IOException {
        Map<String, Double> printed = new HashMap<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(CASES_DOC)) {
            if (line.startsWith("## ")) {
                inSection = false;
            } else if (line.startsWith("`")) {
                inSection = line.equals(source);
            } else if (inSection && line.startsWith("| ") && !line.startsWith("| case ") && !line.startsWith("| --- ")) {
                String[] cells = line.split(" \\| ");
                printed.put(cells[0].substring(2), cells[6].equals("refused") ? Double.NaN : Double.parseDouble(cells[6]));
            }
        }
        for (Result r : results) {
            assertThat(printed).as("%s: no row %s in section %s; regenerate it: %s", CASES_DOC, r.id(), source, REGENERATE)
                    .containsKey(r.id());
            assertThat(printed.get(r.id())).as("%s, %s (%s): printed prediction behind the code; regenerate it: %s",
                    CASES_DOC, r.id(), source, REGENERATE).isCloseTo(r.predicted(), withPercentage(1e-3));
        }
    }

    private static List<Result> split(List<Result> results, String split) {
        return results.stream().filter(r -> r.split().equals(split)).toList();
    }

    private static String table(List<Result> results) {
        StringBuilder table = new StringBuilder();
        for (Result r : results) {
            table.append(String.format(Locale.ROOT, "%n%-48s %-8s %10.4g %10.4g %+6.1f%%", r.id(), r.split(), r.measured(),
                    r.predicted(), 100 * r.error()));
        }
        return table.toString();
    }

    /** A case's prediction as bench/fidelity.py makes it: its command once, or the median over its {@code seeds}. */
    private double overSeeds(JsonNode c) throws IOException {
        String command = c.path("command").asText();
        if (!c.path("seeds").isArray() || c.path("seeds").isEmpty()) {
            return run(c, command);
        }
        double[] v = new double[c.path("seeds").size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = run(c, command.replace("{seed}", c.path("seeds").get(i).asText()));
        }
        return median(v);
    }

    /** One case's prediction: {@code command} (its own, as bench/fidelity.py runs it), the value at its extract path, scaled. */
    private double run(JsonNode c, String command) throws IOException {
        String stdin = null;
        if (command.startsWith("echo '")) {
            int end = command.indexOf("' | ");
            stdin = command.substring("echo '".length(), end);
            command = command.substring(end + "' | ".length());
        }
        List<String> args = words(command);
        assertThat(args.get(0)).isEqualTo("$SIM");
        args = new ArrayList<>(args.subList(1, args.size()));
        if (stdin != null) {
            Path batches = Files.writeString(tmp.resolve(c.path("id").asText() + ".jsonl"), stdin + "\n");
            args.set(args.indexOf("-"), batches.toString());
        }
        List<String> path = new ArrayList<>(Arrays.asList(c.path("extract").asText().split("\\.")));
        Path requestsOut = null;
        if (path.get(0).equals("requests")) {
            requestsOut = tmp.resolve(c.path("id").asText() + ".requests.csv");
            Files.deleteIfExists(requestsOut); // the simulator never overwrites a file; a case over seeds runs again
            args.addAll(List.of("--requests-out", requestsOut.toString()));
        }
        CliRun r = CliRun.exec(args);
        assertThat(r.code()).as(c.path("id").asText() + ": " + r.err()).isZero();
        double scale = c.path("scale").isNumber() ? c.path("scale").asDouble() : 1.0;
        if (requestsOut != null) {
            return benchmarkServingMedian(c, Path.of(args.get(args.indexOf("--trace") + 1)), requestsOut, path.get(1)) * scale;
        }
        JsonNode v;
        if (path.get(0).startsWith("line")) {
            v = JSON.readTree(r.out().lines().toList().get(Integer.parseInt(path.remove(0).substring(4))));
        } else {
            v = JSON.readTree(r.out());
        }
        for (String k : path) {
            v = v.path(k);
        }
        assertThat(v.isNumber()).as(c.path("id").asText() + ": " + c.path("extract").asText()).isTrue();
        return v.asDouble() * scale;
    }

    /**
     * {@code requests.ttft_ms.median} / {@code requests.tpot_ms.median} as bench/fidelity.py's
     * {@code benchmark_serving_median} computes them, after vLLM's benchmark_serving.py (v0.6.0): numpy's median
     * over the per-request values of {@code --requests-out}, a request whose trace row has 0 output tokens counted
     * with TTFT 0 and no TPOT, TPOT only over requests of more than one output token.
     */
    private static double benchmarkServingMedian(JsonNode c, Path trace, Path requests, String column) throws IOException {
        List<String> traceRows = Files.readAllLines(trace);
        assertThat(traceRows.get(0)).isEqualTo("arrived_at,num_prefill_tokens,num_decode_tokens");
        List<String> rows = Files.readAllLines(requests);
        List<String> header = Arrays.asList(rows.get(0).split(","));
        assertThat(rows).as(c.path("id").asText() + ": requests simulated").hasSize(traceRows.size());
        double[] byId = new double[rows.size() - 1];
        int idCol = header.indexOf("id");
        int col = header.indexOf(column);
        assertThat(col).as(column).isNotNegative();
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            byId[Integer.parseInt(cells[idCol])] = Double.parseDouble(cells[col]);
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < byId.length; i++) {
            int output = Integer.parseInt(traceRows.get(i + 1).split(",")[2]);
            if (column.equals("ttft_ms")) {
                values.add(output == 0 ? 0.0 : byId[i]);
            } else if (output > 1) {
                values.add(byId[i]);
            }
        }
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The words of a shell command line without pipes: blanks separate them, single quotes group. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char ch : line.toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
                any = true;
            } else if (ch == ' ' && !quoted) {
                if (any) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(ch);
                any = true;
            }
        }
        assertThat(quoted).as("unbalanced quote in " + line).isFalse();
        if (any) {
            out.add(w.toString());
        }
        return out;
    }

    /** The replayed rows of a case file that holds {@code n} rows, every one of split {@code split}. */
    private List<Result> replayAllIn(String file, int n, String split) throws IOException {
        List<Result> results = replay(file);
        assertThat(results).as(file).hasSize(n);
        assertThat(split(results, split)).as(file + ": split " + split).hasSize(n);
        return results;
    }

    /**
     * {@code rs}'s median absolute error at most {@code maxMedian} and its worst at most {@code maxWorst}; the
     * failure message names {@code label} and carries the table.
     */
    private static void assertWithin(String label, List<Result> rs, double maxMedian, double maxWorst, String table) {
        assertThat(median(rs)).as("%s: median%s", label, table).isLessThanOrEqualTo(maxMedian);
        assertThat(worst(rs)).as("%s: worst%s", label, table).isLessThanOrEqualTo(maxWorst);
    }

    private static double median(List<Result> rs) {
        return median(rs.stream().mapToDouble(r -> Math.abs(r.error())).toArray());
    }

    /** The median of {@code values} as numpy and bench/fidelity.py take it: the mean of the two middle ones of an even count. */
    private static double median(double[] values) {
        double[] a = values.clone();
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    private static double worst(List<Result> rs) {
        return rs.stream().mapToDouble(r -> Math.abs(r.error())).max().orElseThrow();
    }
}
