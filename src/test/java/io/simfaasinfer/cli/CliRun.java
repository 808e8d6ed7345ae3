package io.simfaasinfer.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * One command line run in-process through {@link Main#execute}, as the launcher would run it: its
 * exit code and everything it printed on stdout and stderr. The one harness the CLI tests share.
 *
 * @param code the exit status
 * @param out  what it printed on stdout
 * @param err  what it printed on stderr
 */
public record CliRun(int code, String out, String err) {

    /** Runs {@code args} (the subcommand first). */
    public static CliRun exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Main.execute(args, o, e);
        }
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The lines on stderr that are errors (warnings and progress lines aside). */
    public List<String> errors() {
        return err.lines().filter(l -> !l.startsWith("warning: ") && !l.startsWith("progress: ")).toList();
    }

    /** Runs {@code args} (the subcommand first). */
    public static CliRun exec(List<String> args) {
        return exec(args.toArray(String[]::new));
    }
}
