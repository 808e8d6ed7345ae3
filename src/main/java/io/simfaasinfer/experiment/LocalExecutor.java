package io.simfaasinfer.experiment;

import io.simfaasinfer.workload.trace.TraceCache;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** The built-in executor: {@code jobs} threads of this JVM, each point an independent simulation. */
public final class LocalExecutor implements SweepExecutor {

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void run(List<PointTask> tasks, int jobs, String master, Consumer<PointTask.PointRow> onRow) {
        // each row is recorded as its point finishes, not in point order: a killed sweep keeps all it finished
        TraceCache traces = new TraceCache(); // points replaying one trace read it once
        Parallel.run(tasks.stream().<Callable<PointTask.PointRow>>map(t -> () -> {
            PointTask.PointRow row = t.run(traces);
            onRow.accept(row);
            return row;
        }).toList(), jobs);
    }
}
