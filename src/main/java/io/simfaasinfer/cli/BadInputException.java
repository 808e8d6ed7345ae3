package io.simfaasinfer.cli;

/** A user mistake found by a command itself (as opposed to one found in a config or catalog). */
public class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }
}
