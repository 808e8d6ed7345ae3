import io.simfaasinfer.Simulator;
import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.validation.ConfigResolution;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times one simulation as bench/scale.sh needs it: the wall time and the CPU time of the thread that
 * runs it (which, unlike the wall time, does not grow when other processes share the core), with
 * the run's counts, as one tab-separated line: wall_s cpu_s events iterations completed output_tokens.
 * Run from source against a jar: java -cp simfaasinfer.jar bench/SimTimer.java CONFIG [KEY=VALUE...]
 */
public final class SimTimer {
    public static void main(String[] args) {
        List<ConfigLoader.Override> sets = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            sets.add(ConfigLoader.Override.set(args[i]));
        }
        ConfigResolution r = ConfigResolution.of(Path.of(args[0]), sets, null);
        Simulator sim = new Simulator(r.validated(), null, null, null);
        var threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        SimulationResult res = sim.run();
        long wall = System.nanoTime() - wall0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long tokens = sim.metrics().measuredOutputTokens();
        System.out.printf(Locale.ROOT, "%.4f\t%.4f\t%d\t%d\t%d\t%d%n", wall / 1e9, cpu / 1e9, res.simulation().events(),
                res.simulation().iterations(), sim.metrics().completed(), tokens);
    }
}
