package io.simfaasinfer.workload;

import io.simfaasinfer.config.ConfigException;
import io.simfaasinfer.config.SimulationConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.request.Request;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A closed loop of {@code concurrency} users, as {@code vllm bench serve --max-concurrency}, AIPerf and
 * GenAI-Perf drive engines: every user sends a request at t = 0, and each time one of its requests
 * finishes (or is rejected) sends the next {@code think_time_s} later. So at most N requests are ever
 * in the system, and the throughput X obeys Little's law, N = X (R + Z), with R the mean response
 * time (E2E) and Z the think time. Stops after {@code num_requests} requests, or when a user's next
 * request would come after {@code duration_s}, whichever comes first. Lengths draw from the same
 * streams as the open-loop {@link SyntheticWorkload}, so the same seed gives the same lengths.
 */
public final class ClosedLoopWorkload implements FeedbackSource {

    /** Requests issued at one instant with no time passing before the run is called stuck. */
    static final long MAX_AT_ONE_INSTANT = 1_000_000;

    private final LengthSampler prompt;
    private final LengthSampler output;
    private final long limit;
    private final long durationNs;
    private final long thinkNs;
    private final int warmupRequests;
    private final long warmupNs;
    private final long ttftSloNs;
    /** Issue times of requests owed to users, FIFO (non-decreasing: a fixed think time after each done). */
    private final long[] owed;
    private int head;
    private int size;
    private long produced;
    private long done;
    private long lastIssueNs = -1;
    private long atThisInstant;

    public ClosedLoopWorkload(WorkloadConfig w, SimulationConfig sim, RandomStreams streams) {
        int users = w.arrival().concurrency();
        this.prompt = LengthSampler.of("prompt_tokens", w.promptTokens(), streams.stream("prompt_tokens"));
        this.output = LengthSampler.of("output_tokens", w.outputTokens(), streams.stream("output_tokens"));
        this.limit = w.numRequests() == null ? Long.MAX_VALUE : w.numRequests();
        this.durationNs = sim.durationS() == null ? Long.MAX_VALUE : Math.round(sim.durationS() * 1e9);
        this.thinkNs = w.arrival().thinkTimeS() == null ? 0 : Math.round(w.arrival().thinkTimeS() * 1e9);
        this.warmupRequests = sim.warmupRequests();
        this.warmupNs = Math.round(sim.warmupS() * 1e9);
        this.ttftSloNs = w.ttftSloMs() == null ? Long.MAX_VALUE : Math.round(w.ttftSloMs() * 1e6);
        this.owed = new long[users];
        for (int i = 0; i < users; i++) {
            owe(0);
        }
    }

    private void owe(long t) {
        owed[(head + size) % owed.length] = t;
        size++;
    }

    @Override
    public Request next() {
        while (size > 0 && produced < limit) {
            long t = owed[head];
            head = (head + 1) % owed.length;
            size--;
            if (t > durationNs) {
                continue; // this user's next request would come after the run: it stops
            }
            if (t == lastIssueNs && ++atThisInstant > MAX_AT_ONE_INSTANT) {
                throw new ConfigException("workload.arrival: closed loop stuck at " + t / 1e9 + " s: "
                        + MAX_AT_ONE_INSTANT + " requests issued without time passing (every request is rejected at"
                        + " once and think_time_s is 0); set workload.num_requests, a think time, or lengths that fit");
            }
            if (t != lastIssueNs) {
                lastIssueNs = t;
                atThisInstant = 0;
            }
            long id = produced++;
            boolean measured = id >= warmupRequests && t >= warmupNs;
            long deadline = ttftSloNs == Long.MAX_VALUE ? Long.MAX_VALUE : t + ttftSloNs;
            return new Request(id, t, prompt.sample(), output.sample(), measured, 0, deadline, null);
        }
        return null;
    }

    @Override
    public void onDone(Request r, long now) {
        done++;
        if (produced + size < limit) {
            owe(now + thinkNs);
        }
    }

    @Override
    public boolean exhausted() {
        return produced >= limit || (size == 0 && done == produced);
    }

    @Override
    public Map<String, Long> adjustments() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("prompt_tokens_clamped", prompt.clamped());
        m.put("output_tokens_clamped", output.clamped());
        return m;
    }
}
