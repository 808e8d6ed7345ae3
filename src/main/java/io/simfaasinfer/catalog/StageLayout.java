package io.simfaasinfer.catalog;

import java.util.Arrays;

/**
 * The decoder layers of each pipeline stage, split on layer boundaries as vLLM does
 * ({@code vllm/distributed/utils.py}, {@code get_pp_indices}): {@code layers / pp} per stage, and
 * the remainder {@code r = layers % pp} one each to the {@code r} stages just before the last one
 * (vLLM adds one to {@code partitions[-i]} for {@code i = 2 .. r + 1}): the last stage also holds the
 * final norm and the LM head, the first the embedding. E.g. 32 layers on 3 stages: 11, 11, 10;
 * 32 on 5: 6, 6, 7, 7, 6. Immutable.
 */
public final class StageLayout {

    private final int[] layers;
    private final int total;

    private StageLayout(int[] layers, int total) {
        this.layers = layers;
        this.total = total;
    }

    /**
     * @throws IllegalArgumentException if {@code pp < 1} or {@code pp > numLayers} (a stage without layers)
     */
    public static StageLayout of(int numLayers, int pp) {
        if (pp < 1 || pp > numLayers) {
            throw new IllegalArgumentException("pp must be in [1, " + numLayers + "], got " + pp);
        }
        int[] l = new int[pp];
        Arrays.fill(l, numLayers / pp);
        int remaining = numLayers % pp;
        for (int i = 2; i < remaining + 2; i++) {
            l[pp - i]++;
        }
        return new StageLayout(l, numLayers);
    }

    public int stages() {
        return layers.length;
    }

    /** Decoder layers of stage {@code s}. */
    public int layers(int s) {
        return layers[s];
    }

    /** Decoder layers of the whole model. */
    public int totalLayers() {
        return total;
    }

    /** Index of the first layer of stage {@code s} (vLLM's start_layer). */
    public int startLayer(int s) {
        int start = 0;
        for (int i = 0; i < s; i++) {
            start += layers[i];
        }
        return start;
    }

    /** The share of the model's layers on stage {@code s}. */
    public double share(int s) {
        return (double) layers[s] / total;
    }

    @Override
    public String toString() {
        return Arrays.toString(layers);
    }
}
