package io.simfaasinfer.catalog;

import java.util.Locale;
import java.util.Optional;

/**
 * Number format of weights or KV-cache elements: bf16 and fp16 take two bytes, fp8 (E4M3, as vLLM's
 * {@code --quantization fp8} and {@code --kv-cache-dtype fp8} store them) one.
 */
public enum Dtype {
    BF16(2), FP16(2), FP8(1);

    private final int bytes;

    Dtype(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes of one element. */
    public int bytes() {
        return bytes;
    }

    /** The name used in configurations: bf16, fp16, fp8. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The dtype named {@code s} (bf16, fp16, fp8; case-insensitive), or empty. */
    public static Optional<Dtype> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (Dtype d : values()) {
            if (d.label().equals(s.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
