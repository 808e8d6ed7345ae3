package io.simfaasinfer.predictor;

/**
 * Tunable efficiencies of the analytical roofline predictor.
 *
 * <p>Defaults were set by hand against the measured H100 llama-2-7b profile shipped with the
 * project (prefill of 8192 tokens reaches about 45% of dense bf16 peak; decode attention
 * streams the KV cache at about 85% of datasheet bandwidth; a CUDA-graph iteration costs about
 * 2.7 ms beyond its roofline at 32 layers).
 *
 * @param computeEfficiency    fraction of peak FLOP/s reached by GEMMs and attention (0, 1]
 * @param memoryEfficiency     fraction of datasheet memory bandwidth reached (0, 1]
 * @param commEfficiency       fraction of interconnect bandwidth reached by all-reduces (0, 1]
 * @param overheadMs           fixed cost of every iteration, ms (>= 0)
 * @param perLayerOverheadUs   additional fixed cost per decoder layer per iteration, us (>= 0)
 */
public record RooflineParams(
        double computeEfficiency,
        double memoryEfficiency,
        double commEfficiency,
        double overheadMs,
        double perLayerOverheadUs) {

    public static final RooflineParams DEFAULTS = new RooflineParams(0.45, 0.85, 0.7, 0.3, 75.0);

    public RooflineParams {
        check("compute_efficiency", computeEfficiency);
        check("memory_efficiency", memoryEfficiency);
        check("comm_efficiency", commEfficiency);
        if (!(overheadMs >= 0) || !(perLayerOverheadUs >= 0)) {
            throw new IllegalArgumentException("overhead_ms and per_layer_overhead_us must be >= 0");
        }
    }

    private static void check(String name, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], got " + v);
        }
    }
}
