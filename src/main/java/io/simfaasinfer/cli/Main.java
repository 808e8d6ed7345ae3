package io.simfaasinfer.cli;

import io.simfaasinfer.catalog.CatalogException;
import io.simfaasinfer.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** Entry point of the {@code simfaasinfer} command. */
@Command(name = "simfaasinfer", mixinStandardHelpOptions = true, version = "SimFaaSInfer 0.1.0",
        description = "Discrete-event simulator of LLM inference serving.",
        subcommands = {RunCommand.class, CompareCommand.class, PredictCommand.class, ProfileCommand.class,
                CatalogCommand.class, ServerlessCommand.class, TraceCommand.class, PlanCommand.class, SweepCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit status for bad input (configuration, files, flags). */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit status. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
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

    static boolean isBadInput(Throwable ex) {
        return ex instanceof ConfigException || ex instanceof CatalogException || ex instanceof UncheckedIOException
                || ex instanceof BadInputException || ex instanceof io.simfaasinfer.engine.ClockRangeException
                || ex instanceof io.simfaasinfer.report.OutputException;
    }
}
