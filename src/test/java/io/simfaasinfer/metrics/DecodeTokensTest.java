package io.simfaasinfer.metrics;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RequestObserver#onDecodeTokens}, which the schedulers call once per iteration, must record
 * exactly what {@link RequestObserver#onToken} per token would: the same TBT and TTFT samples of the
 * same classes, measured requests only, a gap of 0 counted as no gap.
 */
class DecodeTokensTest {

    @Test
    void anIterationRecordedAtOnceEqualsItsTokensOneByOne() {
        Random rnd = new Random(7);
        for (int seed = 0; seed < 50; seed++) {
            MetricsCollector batched = new MetricsCollector(null);
            MetricsCollector perToken = new MetricsCollector(null);
            RequestObserver reference = new RequestObserver() { // the interface's default: token by token
                @Override
                public void onToken(Request r, long gapNs, long now) {
                    perToken.onToken(r, gapNs, now);
                }
            };
            List<Request> pool = new ArrayList<>();
            int classes = 1 + rnd.nextInt(3);
            for (int i = 0; i < 40; i++) {
                Request r = new Request(i, 0, 10, 50, rnd.nextInt(5) > 0, rnd.nextInt(classes), Long.MAX_VALUE, null);
                r.markRunning(0);
                pool.add(r);
            }
            long now = 1_000;
            for (int it = 0; it < 200; it++) {
                int n = rnd.nextInt(33);
                Request[] rs = new Request[n + 3]; // longer than n: entries past n are not read
                long[] gaps = new long[n + 3];
                long common = 1 + rnd.nextInt(3) * 1_000_003L;
                for (int i = 0; i < n; i++) {
                    int kind = rnd.nextInt(10);
                    rs[i] = kind == 0 ? null : pool.get(rnd.nextInt(pool.size())); // null: a padding decode
                    gaps[i] = kind == 1 ? 0 : kind == 2 ? -1 : kind == 3 ? 1 + rnd.nextInt(5_000_000) : common;
                }
                rs[n] = pool.get(0);
                gaps[n] = 42;
                now += 10_000_000;
                batched.onDecodeTokens(rs, gaps, n, now);
                reference.onDecodeTokens(rs, gaps, n, now);
            }
            assertThat(batched.tbt().count()).as("seed %d", seed).isPositive();
            assertThat(batched.tbt().summary()).as("tbt, seed %d", seed).isEqualTo(perToken.tbt().summary());
            assertThat(batched.ttft().summary()).as("ttft, seed %d", seed).isEqualTo(perToken.ttft().summary());
            assertThat(batched.ttftPrefill().summary()).isEqualTo(perToken.ttftPrefill().summary());
            for (int c = 0; c < classes; c++) {
                int id = c;
                assertThat(batched.classes().summary(List.of("a", "b", "c"), List.of()).get(id))
                        .as("class %d, seed %d", id, seed)
                        .isEqualTo(perToken.classes().summary(List.of("a", "b", "c"), List.of()).get(id));
            }
        }
    }
}
