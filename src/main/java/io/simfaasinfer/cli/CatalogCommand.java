package io.simfaasinfer.cli;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code simfaasinfer catalog}: the models and GPUs a configuration can name. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "List the known models and GPUs.")
public final class CatalogCommand implements Callable<Integer> {

    @Option(names = "--catalog", paramLabel = "FILE", description = "Also load this user catalog file.")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Catalog c = Catalog.builtin();
        if (file != null) {
            c = c.withUserFile(file);
        }
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-16s %6s %7s %6s %4s %7s %7s %8s %8s%n", "model", "params", "layers", "hidden",
                "kvh", "mlp", "vocab", "context", "KV/tok");
        for (ModelSpec m : c.models().values()) {
            out.printf(Locale.ROOT, "%-16s %5.1fB %7d %6d %4d %7d %7d %8d %6dKB%n", m.name(), m.totalParams() / 1e9,
                    m.numLayers(), m.hiddenSize(), m.numKvHeads(), m.intermediateSize(), m.vocabSize(),
                    m.maxModelLen(), m.kvBytesPerToken() / 1024);
        }
        out.println();
        out.printf(Locale.ROOT, "%-12s %9s %7s %8s %9s %8s%n", "gpu", "bf16 TF/s", "mem GB", "HBM TB/s", "link GB/s",
                "$/hour");
        for (GpuSpec g : c.gpus().values()) {
            out.printf(Locale.ROOT, "%-12s %9.0f %7.0f %8.2f %9.0f %8.2f%n", g.name(), g.peakBf16Tflops(),
                    g.memoryGb(), g.memoryBandwidthTbS(), g.interconnectGbS(), g.pricePerHour());
        }
        out.flush();
        return 0;
    }
}
