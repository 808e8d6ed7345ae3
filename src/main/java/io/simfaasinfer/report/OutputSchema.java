package io.simfaasinfer.report;

import io.simfaasinfer.metrics.SimulationResult;

import java.util.Arrays;
import java.util.Optional;

/** The JSON shapes {@code run} can write ({@code --output-schema}). */
public enum OutputSchema {
    /** SimFaaSInfer's own keys (docs/metrics.md). */
    SIMFAASINFER("simfaasinfer"),
    /** The LLM Inference Simulator's keys ({@link LlmInferenceSimulatorSchema}). */
    LLM_INFERENCE_SIMULATOR("llm-inference-simulator");

    private final String label;

    OutputSchema(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<OutputSchema> parse(String s) {
        return Arrays.stream(values()).filter(v -> v.label.equals(s)).findFirst();
    }

    /** The value to serialise for {@code r}. */
    public Object render(SimulationResult r) {
        return this == SIMFAASINFER ? r : LlmInferenceSimulatorSchema.toTree(r);
    }
}
