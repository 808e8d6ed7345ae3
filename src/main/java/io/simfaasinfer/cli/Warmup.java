package io.simfaasinfer.cli;

import io.simfaasinfer.Simulator;
import io.simfaasinfer.report.JsonReport;
import io.simfaasinfer.validation.ConfigResolution;

import java.util.List;
import java.util.Set;

/**
 * Start-up work moved to a second core: while the main thread starts picocli and reads the user's
 * configuration, a daemon thread loads, validates and echoes the built-in default configuration and
 * builds the result's JSON serializers. What it leaves behind is what the run itself would build
 * first: initialised classes (Jackson's mappers, the catalog, the validators) and the shared mappers'
 * deserializers and serializers of the configuration and result records (immutable once built,
 * thread-safe, the same whichever thread builds them), so no result can depend on it. It is started
 * only for the commands that simulate a configuration, and only where the JVM sees more than one CPU:
 * on one, it would take the main thread's core for work the run does not share (binding the defaults).
 * {@code -Dsimfaasinfer.warmup=false} turns it off (to measure it). docs/performance.md, "Start-up".
 */
final class Warmup {
    /** The subcommands that load a simulation configuration and build results. */
    static final Set<String> COMMANDS = Set.of("run", "serverless", "compare", "sweep");

    private Warmup() {
    }

    /**
     * Starts the warm-up thread for this command line, when it is worth it.
     *
     * @return the started thread, or null where none was started
     */
    static Thread start(String[] args, int cpus) {
        if (args.length == 0 || !COMMANDS.contains(args[0]) || cpus < 2
                || !Boolean.parseBoolean(System.getProperty("simfaasinfer.warmup", "true"))) {
            return null;
        }
        Thread t = new Thread(Warmup::warmQuietly, "simfaasinfer-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void warmQuietly() {
        try {
            warmUp();
        } catch (Throwable e) {
            // the run does this work itself and reports its own errors: a failed warm-up only costs time, and
            // prints nothing (no stack trace of a daemon thread on the user's stderr)
        }
    }

    /** The warm-up itself (synchronous; it throws what the run would). */
    static void warmUp() {
        ConfigResolution defaults = ConfigResolution.of(null, List.of(), null);
        Simulator.warmUp(defaults.config());
        JsonReport.warmUp();
    }
}
