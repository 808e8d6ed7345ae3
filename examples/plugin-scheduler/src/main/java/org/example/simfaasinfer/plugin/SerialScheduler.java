package org.example.simfaasinfer.plugin;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.scheduler.AbstractScheduler;
import io.simfaasinfer.scheduler.Batch;
import io.simfaasinfer.scheduler.SchedulerContext;

/**
 * No batching: one request at a time, its whole prompt in one iteration, then one decode per
 * iteration until it finishes; the next request (in local-policy order) starts only then. This is
 * a naive model server (one generate() call at a time), the baseline batching is measured against.
 * Its KV holds one request, so it never preempts.
 */
public final class SerialScheduler extends AbstractScheduler {

    public SerialScheduler(SchedulerContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "serial";
    }

    @Override
    public boolean schedule(long now, Batch out) {
        out.clear();
        if (running.isEmpty()) {
            selectAdmissions(now, Integer.MAX_VALUE, kv.freeBlocks(), 1, 0, Integer.MAX_VALUE, false);
            Request r = waiting.peek();
            if (r == null || !mayAdmit(r)) {
                return false;
            }
            int blocks = kv.blocksFor((long) r.promptTokens() + r.outputTokens());
            waiting.poll();
            admit(r, blocks, now);
            out.addPrefill(r, r.remainingPrefill(), r.prefilled());
            return true;
        }
        Request r = running.get(0);
        out.addDecode(r, r.kvTokens());
        return true;
    }
}
