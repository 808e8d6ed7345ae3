package io.simfaasinfer.workload;

import io.simfaasinfer.config.ClassConfig;
import io.simfaasinfer.config.SessionConfig;
import io.simfaasinfer.config.SimulationConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.request.Request;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A synthetic workload of one or more request classes, each with its own arrival process, length
 * distributions, TTFT objective, shared prompt prefix and, optionally, multi-turn sessions; the
 * classes' arrival streams are merged in time order. Generated lazily, like
 * {@link SyntheticWorkload}; stops after {@code num_requests} requests in all or once arrivals pass
 * {@code duration_s}.
 *
 * <p>Each class's first arrival comes one sampled gap after time 0. A session starts at each
 * arrival of its class; its later turns arrive an exponential think time after the previous one.
 * Turn k's prompt is the shared prefix, every earlier message and answer, and a new message; with
 * prefix caching on, requests carry block hashes so that the shared prefix and the conversation
 * history can be reused.
 */
public final class MixedWorkload implements RequestSource {

    private static final class Cls {
        final int id;
        final ArrivalProcess arrivals;
        final LengthSampler prompt;
        final LengthSampler output;
        final LengthSampler turns;
        final ZigguratSampler.Exponential think;
        final double thinkMeanS;
        final long sloNs;
        final int prefixTokens;
        final long prefixSalt;
        double nextS;
        long sessions;

        Cls(int id, String name, ClassConfig c, RandomStreams streams, boolean implicit) {
            String sfx = implicit ? "" : "/" + name;
            this.id = id;
            this.arrivals = ArrivalProcess.of(c.arrival(), streams.stream("arrivals" + sfx));
            this.prompt = LengthSampler.of("prompt_tokens", c.promptTokens(), streams.stream("prompt_tokens" + sfx));
            this.output = LengthSampler.of("output_tokens", c.outputTokens(), streams.stream("output_tokens" + sfx));
            SessionConfig s = c.session();
            var sessionRng = streams.stream("sessions" + sfx);
            this.turns = s == null ? null : LengthSampler.of("session.turns", s.turns(), sessionRng);
            this.think = s == null ? null : ZigguratSampler.Exponential.of(sessionRng);
            this.thinkMeanS = s == null ? 0 : s.thinkTimeS();
            this.sloNs = c.ttftSloMs() == null ? -1 : Math.round(c.ttftSloMs() * 1e6);
            this.prefixTokens = c.sharedPrefixTokens() == null ? 0 : c.sharedPrefixTokens();
            this.prefixSalt = PrefixHashes.mix(0x5EED_0000L + id * 0x9E3779B97F4A7C15L + name.hashCode());
            this.nextS = arrivals.nextGapS();
        }
    }

    /** The next turn of a running session. */
    private record Turn(Cls cls, long timeNs, long seq, long salt, int history, int turnsLeft) {
    }

    private final Cls[] classes;
    private final PriorityQueue<Turn> turns = new PriorityQueue<>((a, b) -> a.timeNs != b.timeNs
            ? Long.compare(a.timeNs, b.timeNs) : Long.compare(a.seq, b.seq));
    private final long limit;
    private final long durationNs;
    private final int warmupRequests;
    private final long warmupNs;
    private final int maxModelLen;
    private final int blockSize;
    private final boolean withHashes;
    private long produced;
    private long turnSeq;
    private long sessionsStarted;
    private long turnsCut;

    /**
     * @param w           the workload (classes resolved by {@link #classesOf})
     * @param maxModelLen the model's context window (sessions end before exceeding it)
     * @param blockSize   KV-cache block size, for block hashes
     * @param withHashes  whether requests carry prefix-block hashes (prefix caching on)
     */
    public MixedWorkload(WorkloadConfig w, SimulationConfig sim, int maxModelLen, int blockSize, boolean withHashes,
                         RandomStreams streams) {
        List<ClassConfig> cs = classesOf(w);
        boolean implicit = w.classes().isEmpty();
        this.classes = new Cls[cs.size()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = new Cls(i, cs.get(i).name(), cs.get(i), streams, implicit);
        }
        this.limit = w.numRequests() == null ? Long.MAX_VALUE : w.numRequests();
        this.durationNs = sim.durationS() == null ? Long.MAX_VALUE : Math.round(sim.durationS() * 1e9);
        this.warmupRequests = sim.warmupRequests();
        this.warmupNs = Math.round(sim.warmupS() * 1e9);
        this.maxModelLen = maxModelLen;
        this.blockSize = blockSize;
        this.withHashes = withHashes;
    }

    /** The classes of {@code w}, with unset fields taken from the top level; one class "default" if none. */
    public static List<ClassConfig> classesOf(WorkloadConfig w) {
        if (w.classes().isEmpty()) {
            return List.of(new ClassConfig("default", w.arrival(), w.promptTokens(), w.outputTokens(), w.ttftSloMs(),
                    w.sharedPrefixTokens(), w.session()));
        }
        return w.classes().stream().map(c -> new ClassConfig(c.name(), c.arrival(),
                c.promptTokens() != null ? c.promptTokens() : w.promptTokens(),
                c.outputTokens() != null ? c.outputTokens() : w.outputTokens(),
                c.ttftSloMs() != null ? c.ttftSloMs() : w.ttftSloMs(),
                c.sharedPrefixTokens() != null ? c.sharedPrefixTokens() : w.sharedPrefixTokens(),
                c.session() != null ? c.session() : w.session())).toList();
    }

    @Override
    public Request next() {
        while (produced < limit) {
            Cls next = classes[0];
            for (int i = 1; i < classes.length; i++) {
                if (classes[i].nextS < next.nextS) {
                    next = classes[i];
                }
            }
            long classT = Math.round(next.nextS * 1e9);
            Turn turn = turns.peek();
            if (turn != null && turn.timeNs <= classT) {
                turns.poll();
                if (turn.timeNs > durationNs) {
                    return null;
                }
                Request r = turn(turn.cls, turn.timeNs, turn.salt, turn.history, turn.turnsLeft, false);
                if (r != null) {
                    return r;
                }
                continue;
            }
            if (classT > durationNs) {
                return null;
            }
            next.nextS += next.arrivals.nextGapS();
            if (next.turns == null) {
                return single(next, classT);
            }
            sessionsStarted++;
            long salt = PrefixHashes.mix(next.prefixSalt ^ PrefixHashes.mix(++next.sessions));
            return turn(next, classT, salt, 0, next.turns.sample(), true);
        }
        return null;
    }

    private Request single(Cls c, long t) {
        int prompt = c.prefixTokens + c.prompt.sample();
        long[] hashes = withHashes && c.prefixTokens >= blockSize
                ? PrefixHashes.synthetic(c.prefixSalt, c.prefixTokens, 0, c.prefixTokens, blockSize) : null;
        return request(c, t, prompt, c.output.sample(), hashes);
    }

    /** Turn of a session with {@code history} tokens so far and {@code turnsLeft} turns including this one. */
    private Request turn(Cls c, long t, long salt, int history, int turnsLeft, boolean first) {
        int message = c.prompt.sample();
        int output = c.output.sample();
        long prompt = (long) c.prefixTokens + history + message;
        if (!first && prompt + output > maxModelLen) {
            turnsCut++; // the conversation outgrew the context window: the session ends here
            return null;
        }
        int p = (int) Math.min(Integer.MAX_VALUE, prompt);
        if (turnsLeft > 1) {
            long gapNs = Math.max(1, Math.round(c.think.sample() * c.thinkMeanS * 1e9));
            turns.add(new Turn(c, t + gapNs, turnSeq++, salt, history + message + output, turnsLeft - 1));
        }
        long[] hashes = withHashes
                ? PrefixHashes.synthetic(c.prefixSalt, c.prefixTokens, salt, p + output - 1, blockSize) : null;
        return request(c, t, p, output, hashes);
    }

    private Request request(Cls c, long t, int prompt, int output, long[] hashes) {
        long id = produced++;
        boolean measured = id >= warmupRequests && t >= warmupNs;
        long deadline = c.sloNs < 0 ? Long.MAX_VALUE : t + c.sloNs;
        return new Request(id, t, prompt, output, measured, c.id, deadline, hashes);
    }

    @Override
    public Map<String, Long> adjustments() {
        Map<String, Long> m = new LinkedHashMap<>();
        long pc = 0;
        long oc = 0;
        long tc = 0;
        for (Cls c : classes) {
            pc += c.prompt.clamped();
            oc += c.output.clamped();
            tc += c.turns == null ? 0 : c.turns.clamped();
        }
        m.put("prompt_tokens_clamped", pc);
        m.put("output_tokens_clamped", oc);
        if (tc > 0) {
            m.put("session_turns_clamped", tc);
        }
        if (sessionsStarted > 0) {
            m.put("sessions_started", sessionsStarted);
            m.put("session_turns_cut_by_context", turnsCut);
        }
        return m;
    }
}
