package io.simfaasinfer.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

class ParallelTest {

    @Test
    void resultsComeInTaskOrderWhateverTheFinishingOrder() {
        // task 0 waits until the last task has finished, so completion order is the reverse of task order
        int n = 4;
        CountDownLatch lastDone = new CountDownLatch(1);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            tasks.add(() -> {
                if (k == 0) {
                    lastDone.await();
                }
                if (k == n - 1) {
                    lastDone.countDown();
                }
                return k * k;
            });
        }
        List<Integer> seen = new ArrayList<>();
        assertThat(Parallel.run(tasks, n, seen::add)).containsExactly(0, 1, 4, 9);
        assertThat(seen).containsExactly(0, 1, 4, 9);
    }

    @Test
    void aTasksUncheckedExceptionIsRethrownAsIs() {
        IllegalArgumentException bad = new IllegalArgumentException("point 1: bad input");
        List<Callable<Integer>> tasks = List.of(() -> 1, () -> {
            throw bad;
        });
        assertThatThrownBy(() -> Parallel.run(tasks, 2)).isSameAs(bad);
    }

    @Test
    void noTasksNoThreadsNoResults() {
        assertThat(Parallel.run(List.<Callable<Integer>>of(), 8)).isEmpty();
    }
}
