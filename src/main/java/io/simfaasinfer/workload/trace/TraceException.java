package io.simfaasinfer.workload.trace;

import io.simfaasinfer.config.ConfigException;

/**
 * A trace the user must fix: unreadable, of an unrecognised format, or with a malformed row. The
 * message is one line, {@code FILE:LINE: what is wrong and what was expected}. It is a
 * {@link ConfigException}, so the command line reports it as bad input (exit status 2).
 */
public final class TraceException extends ConfigException {

    private static final long serialVersionUID = 1L;

    public TraceException(String message) {
        super(message);
    }
}
