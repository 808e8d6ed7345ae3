package io.simfaasinfer.transfer;

import java.util.Optional;

/** When the KV cache of a prefilled request is sent. */
public enum TransferMode {
    /** The whole cache after the prefill ends (vLLM's NIXL connector pulling finished blocks; the default). */
    AFTER_PREFILL("after_prefill"),
    /**
     * Layer by layer while the prefill runs (Splitwise, DistServe, Mooncake's layer-wise send): only
     * what the prefill cannot hide is exposed, {@code max(t / L, t - prefill x (L - 1) / L)} for a
     * transfer of t over L layers.
     */
    LAYERWISE("layerwise");

    private final String label;

    TransferMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<TransferMode> parse(String s) {
        for (TransferMode m : values()) {
            if (m.label.equals(s)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
