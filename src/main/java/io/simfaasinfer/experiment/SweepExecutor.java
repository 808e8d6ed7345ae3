package io.simfaasinfer.experiment;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a sweep's points run: {@code local} (a thread pool in this JVM, built in) or a plug-in
 * found by {@link java.util.ServiceLoader} (the optional {@code simfaasinfer-spark} module adds
 * {@code spark}). An executor runs every task and hands each row back to the driver, which records
 * it; rows do not depend on the executor.
 */
public interface SweepExecutor {

    /** The {@code --executor} name. */
    String name();

    /**
     * Runs {@code tasks}, calling {@code onRow} for each finished one (from any thread; the caller
     * serializes the recording).
     *
     * @param jobs   points at once (local), or the parallelism hint
     * @param master where to run (Spark's master URL; null for the executor's default)
     */
    void run(List<PointTask> tasks, int jobs, String master, Consumer<PointTask.PointRow> onRow);
}
