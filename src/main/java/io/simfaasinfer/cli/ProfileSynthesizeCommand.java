package io.simfaasinfer.cli;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.predictor.profile.ProfileSynthesizer;
import io.simfaasinfer.report.OutputSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code simfaasinfer profile synthesize --model M --gpu G [--tp T] --output DIR}: a FaaSInfer
 * profile of the model on the GPU made by the predictor {@code run} would use (the roofline,
 * calibrated when profiles are given), on the grid asked for, marked synthetic in its metadata.
 */
@Command(name = "synthesize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a FaaSInfer-format profile (fitted_profile.json, metadata.json, model_memory.json) whose",
                "entries are the simulator's predicted iteration times, marked synthetic. Read back with --profile DIR,",
                "it reproduces the predictor it came from."})
public final class ProfileSynthesizeCommand implements Callable<Integer> {

    @Mixin
    PredictorOptions options = new PredictorOptions();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "A new (or empty) directory for the profile; an existing profile is never overwritten.")
    Path output;

    @Option(names = "--seq-lens", split = ",", paramLabel = "N[,N...]",
            description = "Prompt lengths of the prefill entries (default 128,256,...,8192).")
    List<Integer> seqLens = ProfileSynthesizer.Grid.DEFAULT.seqLens();

    @Option(names = "--kv-caches", split = ",", paramLabel = "N[,N...]",
            description = "Cached tokens of the decode entries (default 128,256,...,4096).")
    List<Integer> kvCaches = ProfileSynthesizer.Grid.DEFAULT.kvCaches();

    @Option(names = "--batch-sizes", split = ",", paramLabel = "N[,N...]",
            description = "Batch sizes of both (default 1,2,4,...,256).")
    List<Integer> batchSizes = ProfileSynthesizer.Grid.DEFAULT.batchSizes();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        positive("--seq-lens", seqLens);
        positive("--kv-caches", kvCaches);
        positive("--batch-sizes", batchSizes);
        if (Files.isRegularFile(output)) {
            throw new BadInputException("--output " + output + ": is a file; expected a new or empty directory");
        }
        if (Files.isDirectory(output)) {
            try (Stream<Path> entries = Files.list(output)) {
                if (entries.findAny().isPresent()) {
                    throw new BadInputException("--output " + output + ": is not empty; give a new or empty directory"
                            + " (an existing profile is never overwritten)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(output + ": " + e.getMessage(), e);
            }
        }
        ConfigOptions.Resolved r = options.resolve();
        Simulator sim = new Simulator(r.validated(), null, null, null);
        var model = r.catalog().model(r.config().model().name());
        var gpu = r.catalog().gpu(r.config().cluster().gpu());
        long kvTokens = (long) sim.kvCapacity().totalBlocks() * r.config().cluster().blockSize();
        var grid = new ProfileSynthesizer.Grid(seqLens, kvCaches, batchSizes);
        ProfileSynthesizer.Result result = ProfileSynthesizer.synthesize(sim.predictor(), model, grid, kvTokens);
        if (result.entries().isEmpty()) {
            throw new BadInputException("no grid point fits " + model.name() + " on " + gpu.name() + " (KV cache of "
                    + kvTokens + " tokens); lower --seq-lens, --kv-caches or --batch-sizes");
        }
        String predictor = sim.predictor().describe();
        try (OutputSet outputs = new RunInputs().file("config (--config)", options.config).outputs()) {
            var files = outputs.addDir("--output", output, ProfileSynthesizer.FILES);
            try {
                ProfileSynthesizer.write(result, model, gpu, r.config().cluster().tp(), predictor, files);
            } catch (UncheckedIOException e) {
                throw outputs.explain(e);
            }
            outputs.commitAll();
        }
        var out = spec.commandLine().getOut();
        out.printf("profile: %s (%d entries of %s on %s, tp=%d; %d grid points left out: KV cache does not fit)%n",
                output, result.entries().size(), model.name(), gpu.name(), r.config().cluster().tp(), result.skipped());
        out.println("predictor: " + predictor);
        out.flush();
        return 0;
    }

    private static void positive(String flag, List<Integer> values) {
        if (values == null || values.isEmpty() || values.stream().anyMatch(v -> v == null || v < 1)) {
            throw new BadInputException(flag + ": expected positive integers, got " + values);
        }
    }
}
