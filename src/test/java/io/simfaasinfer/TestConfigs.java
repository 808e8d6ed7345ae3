package io.simfaasinfer;

import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.config.SimulatorConfig;

import java.util.List;

/** Builds configurations for tests from {@code key=value} overrides of the defaults. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static SimulatorConfig of(String... sets) {
        return new ConfigLoader().load(null, List.of(sets)).config();
    }
}
