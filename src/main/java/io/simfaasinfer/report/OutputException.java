package io.simfaasinfer.report;

/**
 * An output of a run that cannot or must not be written: one line naming the flag, the path and
 * why (an input of the run, another output's path, permission denied, no space left on device...).
 * The command line maps it to exit status 2, without a stack trace.
 */
public final class OutputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OutputException(String message) {
        super(message);
    }
}
