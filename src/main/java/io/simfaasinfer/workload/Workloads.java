package io.simfaasinfer.workload;

import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.config.ClassConfig;
import io.simfaasinfer.config.SimulatorConfig;
import io.simfaasinfer.config.WorkloadConfig;
import io.simfaasinfer.engine.RandomStreams;
import io.simfaasinfer.workload.trace.TraceCache;

import java.util.List;

/**
 * Builds the request source a configuration describes: a trace replay, a closed loop of users, a
 * multi-class mix, or a plain synthetic stream.
 */
public final class Workloads {

    private Workloads() {
    }

    /** The source of {@code c}'s workload for a cluster serving {@code model}. */
    public static RequestSource create(SimulatorConfig c, ModelSpec model, RandomStreams streams) {
        return create(c, model, streams, null);
    }

    /**
     * As above, a trace's rows replayed from {@code traces} (shared by the caller's simulations; null:
     * the file is streamed).
     */
    public static RequestSource create(SimulatorConfig c, ModelSpec model, RandomStreams streams, TraceCache traces) {
        WorkloadConfig w = c.workload();
        boolean hashes = c.cluster().prefixCaching();
        if (w.trace() != null) {
            return new TraceSource(w.trace(), c.simulation(), model.maxModelLen(), c.cluster().blockSize(), hashes,
                    w.ttftSloMs(), streams, "set workload.trace.on_malformed: skip to skip malformed rows", traces);
        }
        if (w.classes().isEmpty() && w.arrival() != null && "closed_loop".equals(w.arrival().process())) {
            return new ClosedLoopWorkload(w, c.simulation(), streams);
        }
        if (isPlain(w)) {
            return new SyntheticWorkload(w, c.simulation(), streams);
        }
        return new MixedWorkload(w, c.simulation(), model.maxModelLen(), c.cluster().blockSize(), hashes, streams);
    }

    /** One synthetic class with no SLO, shared prefix or sessions. */
    static boolean isPlain(WorkloadConfig w) {
        return w.classes().isEmpty() && w.sharedPrefixTokens() == 0 && w.session() == null;
    }

    /** Names of the workload's request classes, by class id: the configured classes, else one "default". */
    public static List<String> classNames(WorkloadConfig w) {
        return w.classes().isEmpty() ? List.of("default") : w.classes().stream().map(ClassConfig::name).toList();
    }
}
