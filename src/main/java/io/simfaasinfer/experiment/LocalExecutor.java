package io.simfaasinfer.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** The built-in executor: {@code jobs} threads of this JVM, each point an independent simulation. */
public final class LocalExecutor implements SweepExecutor {

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void run(List<PointTask> tasks, int jobs, String master, Consumer<PointTask.PointRow> onRow) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(jobs, Math.max(1, tasks.size()))));
        try {
            List<Future<PointTask.PointRow>> futures = new ArrayList<>();
            for (PointTask t : tasks) {
                futures.add(pool.submit(() -> {
                    PointTask.PointRow row = t.run();
                    onRow.accept(row);
                    return row;
                }));
            }
            for (Future<PointTask.PointRow> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
