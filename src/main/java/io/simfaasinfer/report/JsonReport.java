package io.simfaasinfer.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.simfaasinfer.metrics.SimulationResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Renders a {@link SimulationResult} as pretty-printed JSON with snake_case keys. */
public final class JsonReport {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private JsonReport() {
    }

    /** Builds the result records' serializers in the shared mapper (a start-up warm-up; no effect on output). */
    public static void warmUp() {
        MAPPER.canSerialize(SimulationResult.class);
    }

    public static String toJson(Object result) {
        try {
            return MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("result not serialisable", e);
        }
    }

    /** The result as a JSON tree (snake_case keys). */
    public static com.fasterxml.jackson.databind.node.ObjectNode tree(SimulationResult result) {
        return MAPPER.valueToTree(result);
    }

    /** Writes {@code result} to {@code file} atomically. */
    public static void write(SimulationResult result, Path file) {
        writeObject(result, file);
    }

    /** Writes {@code result} (any serialisable value) to {@code file} atomically. */
    public static void writeObject(Object result, Path file) {
        try (AtomicOutput out = new AtomicOutput(file)) {
            Files.writeString(out.temp(), toJson(result) + "\n");
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
