package io.simfaasinfer.cli;

import io.simfaasinfer.catalog.CatalogException;
import io.simfaasinfer.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** Entry point of the {@code simfaasinfer} command. */
@Command(name = "simfaasinfer", mixinStandardHelpOptions = true, version = "SimFaaSInfer 0.1.0",
        description = "Discrete-event simulator of LLM inference serving.")
public final class Main implements Runnable {

    /**
     * The subcommands, in the order help lists them. Picocli builds a command's whole model (every
     * option, by reflection) when it is added, so {@link #execute} adds only the one named by the
     * first argument when it names one, and all of them otherwise ({@code help}, which lists them,
     * no argument, a typo).
     */
    static final java.util.List<String> SUBCOMMANDS = java.util.List.of("run", "compare", "predict", "profile",
            "catalog", "serverless", "trace", "plan", "sweep", "help");

    /** Exit status for bad input (configuration, files, flags). */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        Warmup.start(args, Runtime.getRuntime().availableProcessors());
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit status. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        if (args.length > 0 && SUBCOMMANDS.contains(args[0]) && !args[0].equals("help")) {
            cl.addSubcommand(args[0], subcommand(args[0]));
        } else if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // the version alone needs no subcommand (the launcher and bench/ scripts call it to build the jar)
        } else {
            for (String name : SUBCOMMANDS) {
                cl.addSubcommand(name, subcommand(name));
            }
        }
        // help wraps at the terminal's width where one is detected (else 80 columns)
        cl.setUsageHelpAutoWidth(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (isBadInput(ex)) {
                commandLine.getErr().println("error: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            commandLine.getErr().println("internal error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    /** A new instance of a subcommand: a switch, so that no other subcommand's class is loaded. */
    private static Object subcommand(String name) {
        return switch (name) {
            case "run" -> new RunCommand();
            case "compare" -> new CompareCommand();
            case "predict" -> new PredictCommand();
            case "profile" -> new ProfileCommand();
            case "catalog" -> new CatalogCommand();
            case "serverless" -> new ServerlessCommand();
            case "trace" -> new TraceCommand();
            case "plan" -> new PlanCommand();
            case "sweep" -> new SweepCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    static boolean isBadInput(Throwable ex) {
        return ex instanceof ConfigException || ex instanceof CatalogException || ex instanceof UncheckedIOException
                || ex instanceof BadInputException || ex instanceof io.simfaasinfer.engine.ClockRangeException
                || ex instanceof io.simfaasinfer.report.OutputException;
    }
}
