package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simfaasinfer.config.ConfigLoader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A deployment file of {@code compare --deployments}: its sections become overrides of the base
 * configuration, a {@code deployment} or {@code disaggregation} section whole, any other section
 * key by key (so the base's other keys stay).
 */
final class DeploymentVariant {

    private DeploymentVariant() {
    }

    /** The column label: the file name without its extension. */
    static String label(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    static List<String> sets(Path file) {
        ObjectNode tree = new ConfigLoader().readObject(file);
        List<String> out = new ArrayList<>();
        tree.fields().forEachRemaining(e -> {
            if (e.getKey().equals("deployment") || e.getKey().equals("disaggregation")) {
                out.add(e.getKey() + "=" + e.getValue().toString());
            } else {
                leaves(e.getValue(), e.getKey(), out);
            }
        });
        return out;
    }

    private static void leaves(JsonNode n, String path, List<String> out) {
        if (n instanceof ObjectNode o && !o.isEmpty()) {
            o.fields().forEachRemaining(e -> leaves(e.getValue(), path + "." + e.getKey(), out));
        } else {
            out.add(path + "=" + n.toString());
        }
    }
}
