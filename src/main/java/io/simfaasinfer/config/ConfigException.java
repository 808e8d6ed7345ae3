package io.simfaasinfer.config;

/**
 * A configuration problem the user must fix. The message is one line naming where (file or
 * command-line flag), the key path, and what was expected.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String source, String keyPath, String problem) {
        super(source + ": " + keyPath + ": " + problem);
    }
}
