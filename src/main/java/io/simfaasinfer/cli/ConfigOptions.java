package io.simfaasinfer.cli;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.ConfigWarning;
import io.simfaasinfer.validation.InapplicableKeys;
import io.simfaasinfer.config.SimulatorConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.simfaasinfer.cli.ModelOptions.add;
import static io.simfaasinfer.cli.ModelOptions.quoted;

/**
 * Options shared by every command that builds a simulation: a config file, shortcut flags, and
 * generic {@code --set key.path=value} overrides (applied after the shortcuts).
 */
public final class ConfigOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML or JSON configuration file.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override any config key, e.g. --set scheduler.max_num_seqs=64 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--catalog", paramLabel = "FILE", description = "Extra models/GPUs (YAML/JSON) beside the built-in catalog.")
    Path catalogFile;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = {"--pp", "--pipeline-parallel-size"}, description = "Pipeline-parallel stages per replica (cluster.pp);"
            + " a replica is tp x pp GPUs.")
    Integer pp;

    @Option(names = "--replicas", description = "Number of replicas (cluster.replicas).")
    Integer replicas;

    @Option(names = "--n-xpus-per-node", paramLabel = "N",
            description = "GPUs of the aggregated cluster: N / (tp x pp) replicas (cluster.num_gpus; LLM Inference Simulator spelling).")
    Integer numGpus;

    @Option(names = "--warm-up", paramLabel = "SECONDS", description = "Arrivals in the first SECONDS are warm-up, excluded"
            + " from metrics (simulation.warmup_s); with --duration, arrivals run for warm-up + duration.")
    Double warmUp;

    @Option(names = "--router", description = "Global router: round_robin, random, least_outstanding, least_kv, power_of_two,"
            + " shortest_work, prefix_aware (cluster.router).")
    String router;

    @Option(names = "--scheduler", description = "Batching policy: vllm, vllm-v1, orca, sarathi, faster-transformer (ft),"
            + " lightllm (scheduler.name).")
    String scheduler;

    @Option(names = "--local-policy", description = "Waiting-queue policy per replica: fcfs, sjf, srpt, edf, milp"
            + " (scheduler.local_policy).")
    String localPolicy;

    @Option(names = "--max-num-seqs", description = "Most sequences per iteration (scheduler.max_num_seqs).")
    Integer maxNumSeqs;

    @Option(names = "--max-num-batched-tokens", description = "Most new tokens per iteration (scheduler.max_num_batched_tokens).")
    Integer maxNumBatchedTokens;

    @Option(names = "--num-scheduler-steps", description = "vllm: decode steps per scheduling decision, vLLM 0.6's"
            + " multi-step scheduling (scheduler.num_scheduler_steps, default 1).")
    Integer numSchedulerSteps;

    @Option(names = "--async-output-proc", negatable = true, description = "Outputs reach the client one engine step"
            + " late, as vLLM V0's asynchronous output processing (0.6+) delivers them; --no-async-output-proc: as each"
            + " step ends (vLLM's --disable-async-output-proc). Default: the engine preset's, on for vllm"
            + " (predictor.async_output_proc).")
    Boolean asyncOutputProc;

    @Option(names = "--arrival", description = "Arrival process: poisson, gamma, constant, weibull, on_off, diurnal, schedule (workload.arrival.process).")
    String arrival;

    @Option(names = {"--arrival-rate", "--lambda-arrival"}, split = ",", paramLabel = "RATE",
            description = "Mean requests per second (workload.arrival.rate); sweep: several, comma-separated.")
    List<Double> arrivalRate;

    /** Set by {@code sweep}: several rates are points of the sweep, not one rate of this run. */
    boolean ratesAreSwept;

    @Option(names = "--cv", description = "Coefficient of variation of gamma inter-arrivals (workload.arrival.cv).")
    Double cv;

    @Option(names = {"--concurrency", "--max-concurrency"}, paramLabel = "N", description = "Closed loop: N users each"
            + " send a request, wait for it to finish, think, send the next, as vllm bench serve --max-concurrency"
            + " and AIPerf drive engines (workload.arrival = {process: closed_loop, concurrency: N}).")
    Integer concurrency;

    @Option(names = "--think-time", paramLabel = "SECONDS", description = "Closed loop: seconds a user waits after a"
            + " response before its next request (workload.arrival.think_time_s; default 0).")
    Double thinkTime;

    @Option(names = "--num-requests", description = "Requests to simulate (workload.num_requests).")
    Integer numRequests;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop arrivals after this simulated time"
            + " (simulation.duration_s); without --num-requests the time alone bounds the run.")
    Double duration;

    @Option(names = "--prompt-tokens", description = "Fixed prompt length (workload.prompt_tokens).")
    Integer promptTokens;

    @Option(names = "--output-tokens", description = "Fixed output length (workload.output_tokens).")
    Integer outputTokens;

    @Option(names = "--ttft-slo", paramLabel = "DURATION", description = "TTFT objective of every request, e.g. 500ms, 2s"
            + " (a bare number is ms; workload.ttft_slo_ms): results.slo and per-class attainment.")
    String ttftSlo;

    @Option(names = {"--tpot-slo", "--tbt-slo"}, paramLabel = "DURATION",
            description = "Time-per-output-token objective, e.g. 50ms (slo.tpot_ms).")
    String tpotSlo;

    @Option(names = "--e2e-slo", paramLabel = "DURATION", description = "End-to-end latency objective, e.g. 10s (slo.e2e_ms).")
    String e2eSlo;

    @Option(names = "--seed", description = "Random seed (simulation.random_seed).")
    Long seed;

    @Option(names = "--warmup-requests", description = "Exclude the first N arrivals from latency metrics (simulation.warmup_requests).")
    Integer warmupRequests;

    @Option(names = "--trace", paramLabel = "FILE", description = "Replay this trace file (workload.trace.file).")
    Path trace;

    @Option(names = "--trace-format", paramLabel = "FORMAT",
            description = "Trace format: auto (default), azure, mooncake, burstgpt, vidur, csv, jsonl, json (workload.trace.format).")
    String traceFormat;

    @Option(names = "--rate-scale", paramLabel = "FACTOR",
            description = "Replay the trace this many times faster (workload.trace.rate_scale).")
    Double rateScale;

    @Option(names = "--prefix-caching", description = "Reuse cached KV blocks of shared prompt prefixes (cluster.prefix_caching).")
    Boolean prefixCaching;

    @Mixin
    ServerlessOptions serverlessOptions = new ServerlessOptions();

    @Mixin
    DeploymentOptions deploymentOptions = new DeploymentOptions();

    /**
     * A validated configuration, ready for a Simulator.
     *
     * @param warnings keys the user set that have no effect in it ({@link InapplicableKeys})
     */
    public record Resolved(SimulatorConfig config, Catalog catalog, String source, List<ConfigWarning> warnings,
                           io.simfaasinfer.validation.ValidatedConfig validated) {

        /** The configuration as a simulation takes it, validated once by {@link #resolve}. */
        public Resolved {
            if (validated.config() != config || validated.catalog() != catalog) {
                throw new IllegalArgumentException("validated must be this configuration, validated");
            }
        }

        /** The warnings' one-line texts. */
        public List<String> warningTexts() {
            return warnings.stream().map(ConfigWarning::text).toList();
        }
    }

    /** Loads, overrides and validates. */
    public Resolved resolve() {
        return resolve(List.of(), "");
    }

    /**
     * Loads, overrides and validates, with {@code extraSets} applied after every flag and --set;
     * errors name an extra assignment as {@code label: assignment}.
     */
    public Resolved resolve(List<String> extraSets, String label) {
        List<ConfigLoader.Override> all = overrides(extraSets, label);
        var r = io.simfaasinfer.validation.ConfigResolution.of(config, all, catalogFile);
        return new Resolved(r.config(), r.catalog(), r.source(), r.warnings(), r.validated());
    }

    private List<ConfigLoader.Override> overrides(List<String> extraSets, String label) {
        List<ConfigLoader.Override> all = new ArrayList<>();
        modelOptions.addTo(all);
        add(all, "--pp", "cluster.pp", pp);
        add(all, "--replicas", "cluster.replicas", replicas);
        if (numGpus != null && replicas != null) {
            throw new BadInputException("give --n-xpus-per-node or --replicas, not both");
        }
        add(all, "--n-xpus-per-node", "cluster.num_gpus", numGpus);
        add(all, "--router", "cluster.router", router);
        add(all, "--scheduler", "scheduler.name", scheduler);
        add(all, "--local-policy", "scheduler.local_policy", localPolicy);
        add(all, "--max-num-seqs", "scheduler.max_num_seqs", maxNumSeqs);
        add(all, "--max-num-batched-tokens", "scheduler.max_num_batched_tokens", maxNumBatchedTokens);
        add(all, "--num-scheduler-steps", "scheduler.num_scheduler_steps", numSchedulerSteps);
        if (asyncOutputProc != null) {
            all.add(new ConfigLoader.Override("predictor.async_output_proc=" + asyncOutputProc,
                    asyncOutputProc ? "--async-output-proc" : "--no-async-output-proc"));
        }
        // first: it replaces workload.arrival whole, so a rate or process given too is seen (and refused)
        if (concurrency != null) {
            all.add(new ConfigLoader.Override("workload.arrival={process: closed_loop, concurrency: " + concurrency + "}",
                    "--concurrency " + concurrency));
        }
        add(all, "--arrival", "workload.arrival.process", arrival);
        if (arrivalRate != null && !ratesAreSwept) {
            if (arrivalRate.size() != 1) {
                throw new BadInputException("--arrival-rate: one rate per run, got " + arrivalRate.size()
                        + " (sweep takes several: simfaasinfer sweep --arrival-rate 2,4,6)");
            }
            add(all, "--arrival-rate", "workload.arrival.rate", arrivalRate.get(0));
        }
        add(all, "--cv", "workload.arrival.cv", cv);
        add(all, "--think-time", "workload.arrival.think_time_s", thinkTime);
        add(all, "--num-requests", "workload.num_requests", numRequests);
        if (warmUp != null && duration != null) {
            // as the LLM Inference Simulator: the measured duration follows the warm-up
            all.add(new ConfigLoader.Override("simulation.duration_s=" + (warmUp + duration),
                    "--duration " + duration + " (after --warm-up " + warmUp + ")"));
        } else {
            add(all, "--duration", "simulation.duration_s", duration);
        }
        add(all, "--warm-up", "simulation.warmup_s", warmUp);

        if (promptTokens != null) {
            all.add(new ConfigLoader.Override("workload.prompt_tokens={distribution: fixed, value: " + promptTokens + "}",
                    "--prompt-tokens " + promptTokens));
        }
        if (outputTokens != null) {
            all.add(new ConfigLoader.Override("workload.output_tokens={distribution: fixed, value: " + outputTokens + "}",
                    "--output-tokens " + outputTokens));
        }
        add(all, "--seed", "simulation.random_seed", seed);
        if (ttftSlo != null) {
            all.add(new ConfigLoader.Override("workload.ttft_slo_ms=" + DurationValue.ms("--ttft-slo", ttftSlo),
                    "--ttft-slo " + ttftSlo));
        }
        if (tpotSlo != null) {
            all.add(new ConfigLoader.Override("slo.tpot_ms=" + DurationValue.ms("--tpot-slo", tpotSlo),
                    "--tpot-slo " + tpotSlo));
        }
        if (e2eSlo != null) {
            all.add(new ConfigLoader.Override("slo.e2e_ms=" + DurationValue.ms("--e2e-slo", e2eSlo),
                    "--e2e-slo " + e2eSlo));
        }
        add(all, "--warmup-requests", "simulation.warmup_requests", warmupRequests);
        if (trace != null) {
            // absolute, so it does not depend on the config file's folder
            all.add(new ConfigLoader.Override("workload.trace.file="
                    + quoted(trace.toAbsolutePath().normalize().toString()), "--trace " + trace));
        }
        add(all, "--trace-format", "workload.trace.format", traceFormat);
        add(all, "--rate-scale", "workload.trace.rate_scale", rateScale);
        add(all, "--prefix-caching", "cluster.prefix_caching", prefixCaching);
        all.addAll(serverlessOptions.overrides());
        all.addAll(deploymentOptions.overrides());
        sets.forEach(x -> all.add(ConfigLoader.Override.set(x)));
        extraSets.forEach(x -> all.add(new ConfigLoader.Override(x, label + ": " + x)));
        return all;
    }

    /**
     * Every override the flags make, plus {@code extraSets} labelled {@code label: assignment}, as
     * {@code {assignment, label}} pairs (what a sweep ships to its executors).
     */
    public List<String[]> overridePairs(List<String> extraSets, String label) {
        List<String[]> out = new ArrayList<>();
        for (ConfigLoader.Override o : overrides(extraSets, label)) {
            out.add(new String[] {o.assignment(), o.label()});
        }
        return out;
    }

    /** The configuration file, or null. */
    public Path configFile() {
        return config;
    }

    /** The extra catalog file, or null. */
    public Path catalogFile() {
        return catalogFile;
    }


    /**
     * For commands that run several variants of one base configuration (compare, serverless compare):
     * each variant's warnings about keys that have no effect in any variant (a key one variant uses,
     * such as chunk_size when sarathi is compared, is not flagged in the others).
     */
    static List<List<String>> commonWarnings(List<Resolved> configs) {
        java.util.Set<String> everywhere = new java.util.LinkedHashSet<>();
        if (!configs.isEmpty()) {
            configs.get(0).warnings().forEach(w -> everywhere.add(w.key()));
        }
        for (Resolved r : configs) {
            everywhere.retainAll(r.warnings().stream().map(ConfigWarning::key).toList());
        }
        return configs.stream().map(r -> r.warnings().stream().filter(w -> everywhere.contains(w.key()))
                .map(ConfigWarning::text).toList()).toList();
    }
}
