package io.simfaasinfer.scheduler.local;

import io.simfaasinfer.request.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** Orders of the built-in local policies. */
class LocalPoliciesTest {

    private static Request req(long id, long arrival, int prompt, int output, long deadline) {
        return new Request(id, arrival, prompt, output, true, 0, deadline, null);
    }

    private static List<Long> drain(LocalPolicy p, List<Request> rs) {
        PriorityQueue<Request> q = new PriorityQueue<>(p.order());
        q.addAll(rs);
        List<Long> ids = new ArrayList<>();
        while (!q.isEmpty()) {
            ids.add(q.poll().id());
        }
        return ids;
    }

    private final List<Request> requests = List.of(
            req(0, 0, 900, 10, 5_000),
            req(1, 10, 100, 800, Long.MAX_VALUE),
            req(2, 20, 100, 50, 3_000),
            req(3, 30, 400, 20, 3_000),
            req(4, 30, 50, 900, Long.MAX_VALUE));

    @Test
    void eachPolicyOrdersTheWaitingQueueByItsKey() {
        var reg = LocalPolicies.registry();
        assertThat(reg.all().keySet()).contains("fcfs", "sjf", "srpt", "edf", "milp");
        assertThat(drain(LocalPolicy.ordered(LocalPolicies.FCFS), requests)).containsExactly(0L, 1L, 2L, 3L, 4L);
        // shortest prompt first, FCFS among equal prompts
        assertThat(drain(LocalPolicy.ordered(LocalPolicies.SJF), requests)).containsExactly(4L, 1L, 2L, 3L, 0L);
        // prompt + remaining output: 910, 900, 150, 420, 950
        assertThat(drain(LocalPolicy.ordered(LocalPolicies.SRPT), requests)).containsExactly(2L, 3L, 1L, 0L, 4L);
        // earliest deadline; FCFS among equal deadlines; no deadline last
        assertThat(drain(LocalPolicy.ordered(LocalPolicies.EDF), requests)).containsExactly(2L, 3L, 0L, 1L, 4L);
    }

    @Test
    void srptCountsOnlyTheWorkLeftOfAPartlyServedRequest() {
        Request r = req(0, 0, 500, 100, Long.MAX_VALUE);
        r.advancePrefill(500);
        for (int i = 0; i < 60; i++) {
            r.emitToken(i);
        }
        assertThat(LocalPolicies.remainingWork(r)).isEqualTo(40);
        r.preempt(); // recompute: the prompt and the 60 emitted tokens are prefilled again
        assertThat(LocalPolicies.remainingWork(r)).isEqualTo(560 + 40);
    }
}
