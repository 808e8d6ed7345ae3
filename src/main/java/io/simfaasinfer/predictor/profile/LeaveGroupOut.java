package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.IterationShape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Off-grid validation of the profile model: leave a whole row or column of the grid out (every
 * prefill of one seq_len, every prefill of one batch size, every decode of one KV length or one
 * batch size), refit on the rest, predict the left-out points. Each left-out shape is then off the
 * fitted grid in one dimension, as a deployment's batches are; the fit never sees any of them.
 */
public final class LeaveGroupOut {

    /** The four ways of cutting the grid. */
    public enum Axis {
        PREFILL_SEQ_LEN(e -> e.phase() == ProfileEntry.Phase.PREFILL ? e.seqLen() : null),
        PREFILL_BATCH(e -> e.phase() == ProfileEntry.Phase.PREFILL ? e.batchSize() : null),
        DECODE_KV(e -> e.phase() == ProfileEntry.Phase.DECODE ? e.kvCache() : null),
        DECODE_BATCH(e -> e.phase() == ProfileEntry.Phase.DECODE ? e.batchSize() : null);

        final Function<ProfileEntry, Integer> key;

        Axis(Function<ProfileEntry, Integer> key) {
            this.key = key;
        }
    }

    /**
     * @param stats     errors over every left-out point of every group that could be refitted
     * @param worst     label of the worst point
     * @param skipped   groups whose removal left too few entries to fit
     */
    public record Result(Axis axis, ErrorStats stats, String worst, int skipped) {
    }

    private LeaveGroupOut() {
    }

    public static Map<Axis, Result> runAll(FaaSInferProfile profile) {
        Map<Axis, Result> out = new LinkedHashMap<>();
        for (Axis a : Axis.values()) {
            out.put(a, run(profile, a));
        }
        return out;
    }

    public static Result run(FaaSInferProfile profile, Axis axis) {
        List<ProfileEntry> entries = profile.entries();
        Map<Integer, List<ProfileEntry>> groups = new TreeMap<>();
        for (ProfileEntry e : entries) {
            Integer k = axis.key.apply(e);
            if (k != null) {
                groups.computeIfAbsent(k, x -> new ArrayList<>()).add(e);
            }
        }
        List<Double> errs = new ArrayList<>();
        String worst = "";
        double worstErr = -1;
        int skipped = 0;
        for (List<ProfileEntry> g : groups.values()) {
            List<ProfileEntry> rest = new ArrayList<>(entries);
            rest.removeAll(g);
            ProfileCoefficients c;
            try {
                c = ProfileFitter.fit(rest);
            } catch (ProfileException e) {
                skipped++;
                continue;
            }
            for (ProfileEntry e : g) {
                double err = ErrorStats.absRelError(c.totalMs(IterationShape.of(e.toBatch())), e.medianMs());
                errs.add(err);
                if (err > worstErr) {
                    worstErr = err;
                    worst = e.label();
                }
            }
        }
        return new Result(axis, ErrorStats.of(errs.stream().mapToDouble(Double::doubleValue).toArray()), worst, skipped);
    }
}
