package io.simfaasinfer.config;

/**
 * Service-level objectives beside the TTFT deadline ({@code workload.ttft_slo_ms}, per class too):
 * the run reports how many measured requests met each and all of them, and the goodput
 * (docs/metrics.md).
 *
 * @param tpotMs time per output token objective, ms (null: none)
 * @param e2eMs  end-to-end latency objective, ms (null: none)
 */
public record SloConfig(Double tpotMs, Double e2eMs) {
}
