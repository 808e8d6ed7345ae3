package io.simfaasinfer.serverless;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Where a cold start reads the model's weights from, slowest first (ServerlessLLM's storage hierarchy). */
public enum CheckpointTier {
    /** A remote object store over the network. */
    REMOTE("remote"),
    /** A local NVMe disk with the file not in the page cache. */
    LOCAL_NVME("local-nvme"),
    /** The host's page cache (DRAM): the host read the file recently. */
    PAGE_CACHE("page-cache"),
    /** Pinned host memory, copied to the GPU by DMA. */
    PINNED("pinned");

    private final String label;

    CheckpointTier(String label) {
        this.label = label;
    }

    /** The name used in configs and results. */
    public String label() {
        return label;
    }

    public static Optional<CheckpointTier> parse(String s) {
        return Arrays.stream(values()).filter(t -> t.label.equals(s)).findFirst();
    }

    /** The names, comma-separated, for error messages. */
    public static String names() {
        return Arrays.stream(values()).map(CheckpointTier::label).collect(Collectors.joining(", "));
    }
}
