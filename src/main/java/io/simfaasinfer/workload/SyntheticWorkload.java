package io.simfaasinfer.workload;

import io.simfaasinfer.config.SimulationConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.request.Request;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests from an arrival process and two length distributions, generated lazily. Stops after
 * {@code num_requests} or once arrivals pass {@code duration_s}, whichever comes first. Arrival
 * gaps, prompt lengths and output lengths draw from separate streams, so changing one
 * distribution does not reshuffle the others.
 */
public final class SyntheticWorkload implements RequestSource {

    private final ArrivalProcess arrivals;
    private final LengthSampler prompt;
    private final LengthSampler output;
    private final long limit;
    private final long durationNs;
    private final int warmupRequests;
    private final long warmupNs;
    /** TTFT deadline after arrival, ns; Long.MAX_VALUE for none. */
    private final long ttftSloNs;
    private double timeS;
    private long produced;

    public SyntheticWorkload(WorkloadConfig w, SimulationConfig sim, RandomStreams streams) {
        this.arrivals = ArrivalProcess.of(w.arrival(), streams.stream("arrivals"));
        this.prompt = LengthSampler.of("prompt_tokens", w.promptTokens(), streams.stream("prompt_tokens"));
        this.output = LengthSampler.of("output_tokens", w.outputTokens(), streams.stream("output_tokens"));
        this.limit = w.numRequests() == null ? Long.MAX_VALUE : w.numRequests();
        this.durationNs = sim.durationS() == null ? Long.MAX_VALUE : Math.round(sim.durationS() * 1e9);
        this.warmupRequests = sim.warmupRequests();
        this.warmupNs = Math.round(sim.warmupS() * 1e9);
        this.ttftSloNs = w.ttftSloMs() == null ? Long.MAX_VALUE : Math.round(w.ttftSloMs() * 1e6);
    }

    @Override
    public Request next() {
        if (produced >= limit) {
            return null;
        }
        // The first request arrives at t = 0; later ones after a sampled gap.
        if (produced > 0) {
            timeS += arrivals.nextGapS();
        }
        long t = Math.round(timeS * 1e9);
        if (t > durationNs) {
            return null;
        }
        long id = produced++;
        boolean measured = id >= warmupRequests && t >= warmupNs;
        long deadline = ttftSloNs == Long.MAX_VALUE ? Long.MAX_VALUE : t + ttftSloNs;
        return new Request(id, t, prompt.sample(), output.sample(), measured, 0, deadline, null);
    }

    @Override
    public Map<String, Long> adjustments() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("prompt_tokens_clamped", prompt.clamped());
        m.put("output_tokens_clamped", output.clamped());
        return m;
    }
}
