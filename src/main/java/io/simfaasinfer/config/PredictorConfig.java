package io.simfaasinfer.config;

/**
 * Iteration-time prediction.
 *
 * @param kind               {@code roofline}
 * @param computeEfficiency  roofline: fraction of peak FLOP/s reached
 * @param memoryEfficiency   roofline: fraction of memory bandwidth reached
 * @param commEfficiency     roofline: fraction of interconnect bandwidth reached
 * @param overheadMs         roofline: fixed cost per iteration, ms
 * @param perLayerOverheadUs roofline: fixed cost per layer per iteration, us
 */
public record PredictorConfig(String kind, double computeEfficiency, double memoryEfficiency, double commEfficiency,
                              double overheadMs, double perLayerOverheadUs) {
}
