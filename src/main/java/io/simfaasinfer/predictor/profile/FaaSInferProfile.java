package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.catalog.ModelSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A FaaSInfer profile of one model on one GPU: its measured grid and what was measured on.
 *
 * @param source      where it was read from (a directory or {@code classpath:...}), for messages
 * @param metadata    {@code metadata.json}
 * @param modelMemory {@code model_memory.json} when present
 * @param entries     the grid of {@code fitted_profile.json}, in file order
 */
public record FaaSInferProfile(
        String source,
        ProfileMetadata metadata,
        Optional<ModelMemory> modelMemory,
        List<ProfileEntry> entries) {

    public FaaSInferProfile {
        entries = List.copyOf(entries);
    }

    /**
     * Reads and validates a profile directory (or its {@code fitted_profile.json}, with
     * {@code metadata.json} and the optional {@code model_memory.json} beside it). The metadata's
     * {@code model_name} must match the directory's name.
     *
     * @throws ProfileException naming the file, entry and field of the first problem found
     */
    public static FaaSInferProfile read(Path dirOrFittedProfileFile) {
        return ProfileReader.read(dirOrFittedProfileFile, null, null);
    }

    /**
     * Reads and validates a profile in a directory of any name (as {@code run --profile} takes one:
     * the model it describes is checked against the configured model instead, see
     * {@link #requireModel}).
     */
    public static FaaSInferProfile readAnyDirectoryName(Path dirOrFittedProfileFile) {
        return ProfileReader.read(dirOrFittedProfileFile, null, null, false);
    }

    /**
     * Reads and validates a profile that must describe {@code model}: its {@code model_name} must
     * match the model's name (instead of the directory's) and {@code model_memory.json}, when
     * present, must agree with the model's architecture.
     */
    public static FaaSInferProfile read(Path dirOrFittedProfileFile, ModelSpec model) {
        return ProfileReader.read(dirOrFittedProfileFile, model.name(), model);
    }

    public String modelName() {
        return metadata.modelName();
    }

    /** Tensor-parallel degree the profile was measured at (1 unless the metadata says otherwise). */
    public int tensorParallel() {
        return metadata.tensorParallel();
    }

    public List<ProfileEntry> prefillEntries() {
        return entries.stream().filter(e -> e.phase() == ProfileEntry.Phase.PREFILL).toList();
    }

    public List<ProfileEntry> decodeEntries() {
        return entries.stream().filter(e -> e.phase() == ProfileEntry.Phase.DECODE).toList();
    }

    /** The same profile without entry {@code i} (position in {@link #entries()}), for leave-one-out. */
    public FaaSInferProfile withoutEntry(int i) {
        List<ProfileEntry> rest = new ArrayList<>(entries);
        rest.remove(i);
        return new FaaSInferProfile(source, metadata, modelMemory, rest);
    }

    /**
     * Checks that this profile describes {@code model} (name, and architecture when
     * {@code model_memory.json} was present).
     *
     * @throws ProfileException on a mismatch
     */
    public void requireModel(ModelSpec model) {
        ProfileReader.checkModel(this, model);
    }
}
