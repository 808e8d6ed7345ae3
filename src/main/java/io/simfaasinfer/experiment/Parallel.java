package io.simfaasinfer.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Independent simulations on threads of this JVM, the one way sweeps, plans and comparisons run
 * theirs: at most {@code threads} at once, results in task order whatever the finishing order, and
 * a task's own unchecked exception (bad input found in a point, say) rethrown as is.
 */
public final class Parallel {

    private Parallel() {
    }

    /** Runs the tasks; the results in task order. */
    public static <T> List<T> run(List<? extends Callable<T>> tasks, int threads) {
        return run(tasks, threads, r -> { });
    }

    /**
     * Runs the tasks, handing each result to {@code inOrder} on the calling thread, in task order,
     * as soon as it and every one before it are done (progress lines, say).
     */
    public static <T> List<T> run(List<? extends Callable<T>> tasks, int threads, Consumer<? super T> inOrder) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tasks.size())));
        try {
            List<Future<T>> futures = new ArrayList<>(tasks.size());
            for (Callable<T> t : tasks) {
                futures.add(pool.submit(t));
            }
            List<T> results = new ArrayList<>(tasks.size());
            for (Future<T> f : futures) {
                T r = f.get();
                inOrder.accept(r);
                results.add(r);
            }
            return results;
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
