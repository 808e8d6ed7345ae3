package io.simfaasinfer.predictor.profile;

import java.util.Map;

/**
 * Contents of a FaaSInfer {@code metadata.json}.
 *
 * @param modelName      {@code model_name}
 * @param gpu            {@code hardware.gpu}, e.g. {@code NVIDIA H100 80GB HBM3} (empty when absent)
 * @param tensorParallel {@code tensor_parallel} (or {@code hardware.num_gpus}); 1 when absent
 * @param hardware       the whole {@code hardware} object, values as strings
 * @param software       the whole {@code software} object, values as strings
 * @param profilingDate  {@code profiling_date} (empty when absent)
 * @param notes          {@code notes} (empty when absent)
 */
public record ProfileMetadata(
        String modelName,
        String gpu,
        int tensorParallel,
        Map<String, String> hardware,
        Map<String, String> software,
        String profilingDate,
        String notes) {

    public ProfileMetadata {
        hardware = Map.copyOf(hardware);
        software = Map.copyOf(software);
    }
}
