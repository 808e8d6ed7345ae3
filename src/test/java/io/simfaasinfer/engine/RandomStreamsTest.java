package io.simfaasinfer.engine;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RandomStreamsTest {

    private static long[] draw(UniformRandomProvider rng, int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextLong();
        }
        return v;
    }

    @Test
    void sameSeedAndPurposeGiveIdenticalSequences() {
        for (long seed : new long[] {0, 1, 42, -1, Long.MAX_VALUE}) {
            for (String purpose : List.of("arrivals", "prompt_tokens", "routing", "")) {
                long[] a = draw(new RandomStreams(seed).stream(purpose), 1000);
                long[] b = draw(new RandomStreams(seed).stream(purpose), 1000);
                assertThat(a).as("seed %d purpose '%s'", seed, purpose).containsExactly(b);
                // the same RandomStreams asked twice restarts the stream too
                RandomStreams s = new RandomStreams(seed);
                s.stream(purpose).nextLong();
                assertThat(draw(s.stream(purpose), 1000)).containsExactly(a);
            }
        }
    }

    @Test
    void differentPurposesOrSeedsGiveDifferentSequences() {
        List<String> purposes = List.of("arrivals", "prompt_tokens", "output_tokens", "routing", "a", "b", "ab", "ba");
        Set<Long> firsts = new HashSet<>();
        int streams = 0;
        for (long seed = 0; seed < 20; seed++) {
            for (String p : purposes) {
                long[] v = draw(new RandomStreams(seed).stream(p), 4);
                // first 4 draws of every (seed, purpose) are pairwise distinct across all streams
                for (long x : v) {
                    assertThat(firsts.add(x)).as("seed %d purpose %s", seed, p).isTrue();
                }
                streams++;
            }
        }
        assertThat(firsts).hasSize(streams * 4);
    }

    @Test
    void usingAnotherStreamDoesNotShiftAnExistingOne() {
        long[] reference = draw(new RandomStreams(7).stream("arrivals"), 200);

        RandomStreams s = new RandomStreams(7);
        UniformRandomProvider arrivals = s.stream("arrivals");
        long[] firstHalf = draw(arrivals, 100);
        UniformRandomProvider routing = s.stream("routing");
        draw(routing, 500);
        UniformRandomProvider extra = s.stream("a_new_purpose");
        draw(extra, 500);
        long[] secondHalf = draw(arrivals, 100);

        long[] combined = new long[200];
        System.arraycopy(firstHalf, 0, combined, 0, 100);
        System.arraycopy(secondHalf, 0, combined, 100, 100);
        assertThat(combined).containsExactly(reference);
    }

    @Test
    void doublesAreUniformInUnitInterval() {
        UniformRandomProvider r = new RandomStreams(3).stream("u");
        double sum = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double d = r.nextDouble();
            assertThat(d).isBetween(0.0, 1.0);
            sum += d;
        }
        assertThat(sum / n).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.005));
    }
}
