package io.simfaasinfer.spi;

/** A factory registered under a name, as used in configs and on the command line. */
public interface NamedFactory {

    /** The name users select it by, e.g. {@code vllm}. */
    String name();

    /** One line on what it does, for {@code --help} and reports. */
    String description();
}
