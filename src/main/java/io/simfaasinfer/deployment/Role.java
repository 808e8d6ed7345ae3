package io.simfaasinfer.deployment;

import java.util.Locale;
import java.util.Optional;

/** What a pool's replicas do with a request. */
public enum Role {
    /** Aggregated serving: prefill and decode on the same replica. */
    MIXED,
    /** Disaggregated serving: prefill and the first token only; the KV cache then goes to a decode pool. */
    PREFILL,
    /** Disaggregated serving: decodes requests whose KV cache was transferred from a prefill pool. */
    DECODE;

    /** The configuration spelling: mixed, prefill, decode. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (Role r : values()) {
            if (r.label().equals(s)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
