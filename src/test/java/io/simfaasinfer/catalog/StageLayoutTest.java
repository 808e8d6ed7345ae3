package io.simfaasinfer.catalog;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** vLLM's get_pp_indices: layers / pp each, the remainder to the stages just before the last. */
class StageLayoutTest {

    private static int[] layers(int total, int pp) {
        StageLayout l = StageLayout.of(total, pp);
        int[] out = new int[pp];
        for (int s = 0; s < pp; s++) {
            out[s] = l.layers(s);
        }
        return out;
    }

    @Test
    void evenSplitsAreEven() {
        assertThat(layers(32, 1)).containsExactly(32);
        assertThat(layers(32, 2)).containsExactly(16, 16);
        assertThat(layers(80, 8)).containsExactly(10, 10, 10, 10, 10, 10, 10, 10);
    }

    @Test
    void theRemainderGoesToTheStagesBeforeTheLastAsVllmDoes() {
        // partitions[-i] += 1 for i in 2 .. r + 1 (vllm/distributed/utils.py)
        assertThat(layers(32, 3)).containsExactly(11, 11, 10);
        assertThat(layers(32, 5)).containsExactly(6, 6, 7, 7, 6);
        assertThat(layers(10, 4)).containsExactly(2, 3, 3, 2);
        assertThat(layers(96, 7)).containsExactly(13, 14, 14, 14, 14, 14, 13); // gpt3-175b: r = 5, back from the second-to-last
        assertThat(layers(5, 5)).containsExactly(1, 1, 1, 1, 1);
    }

    @Test
    void stagesCoverEveryLayerOnceInOrder() {
        for (int total : new int[] {1, 7, 32, 40, 80, 96}) {
            for (int pp = 1; pp <= Math.min(total, 12); pp++) {
                StageLayout l = StageLayout.of(total, pp);
                int sum = 0;
                for (int s = 0; s < pp; s++) {
                    assertThat(l.startLayer(s)).isEqualTo(sum);
                    assertThat(l.layers(s)).isBetween(total / pp, total / pp + 1);
                    sum += l.layers(s);
                }
                assertThat(sum).isEqualTo(total);
                assertThat(l.layers(pp - 1)).as("the last stage never takes a remainder layer").isEqualTo(total / pp);
            }
        }
    }

    @Test
    void moreStagesThanLayersOrNoneAreRefused() {
        assertThatThrownBy(() -> StageLayout.of(32, 33)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StageLayout.of(32, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
