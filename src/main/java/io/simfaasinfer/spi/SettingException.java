package io.simfaasinfer.spi;

/**
 * A setting's value that an implementation's own check refuses ({@link NamedFactory#check}):
 * validation names the file, line and {@code section.key} in front of it.
 */
public final class SettingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key     the key within the family's section, e.g. {@code chunk_size}
     * @param problem what is wrong and what was expected, e.g. {@code 8192 exceeds max_num_batched_tokens 4096}
     */
    public SettingException(String key, String problem) {
        super(problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
