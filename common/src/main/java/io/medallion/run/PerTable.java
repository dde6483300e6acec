package io.medallion.run;

import io.medallion.config.TableSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.logging.log4j.ThreadContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs independent per-table work on a few driver threads. Small tables cost mostly driver time
 * (Delta log reads, planning, commits), which overlaps well; Spark schedules the threads' jobs on
 * the same executors. A table's exception becomes its failed outcome and never stops the others.
 */
public final class PerTable {
    private static final Logger LOG = LoggerFactory.getLogger(PerTable.class);

    /** Work on one table. */
    @FunctionalInterface
    public interface TableWork {
        TableOutcome run(TableSpec table) throws Exception;
    }

    private PerTable() {
    }

    /** Work on one item, such as a gold model. */
    @FunctionalInterface
    public interface Work<T> {
        TableOutcome run(T item) throws Exception;
    }

    public static List<TableOutcome> run(List<TableSpec> tables, int parallelism, TableWork work) {
        return each(tables, TableSpec::name, parallelism, work::run);
    }

    /**
     * As {@link #run}, but a table starts only when the tables named by {@code dependsOn} have
     * finished (whatever their outcome), so it waits for its parents and for nothing else.
     *
     * @param tables every table after the ones it depends on
     */
    public static List<TableOutcome> run(List<TableSpec> tables, int parallelism,
                                         Function<TableSpec, Collection<String>> dependsOn, TableWork work) {
        return each(tables, TableSpec::name, dependsOn, parallelism, work::run);
    }

    /** As {@link #run}, for items other than tables, each reported under {@code name}. */
    public static <T> List<TableOutcome> each(List<T> items, Function<T, String> name, int parallelism,
                                              Work<T> work) {
        return each(items, name, item -> List.of(), parallelism, work);
    }

    /**
     * Starts {@code work} on a thread of its own, with this thread's log context, for a table's work
     * that may overlap the rest of it; join the future to wait for it and to get its failure.
     */
    public static CompletableFuture<Void> alongside(String name, Runnable work) {
        Map<String, String> logContext = ThreadContext.getImmutableContext();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            ThreadContext.putAll(logContext);
            try {
                work.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            } finally {
                ThreadContext.clearMap();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** As {@link #run(List, int, Function, TableWork)}, for items other than tables. */
    public static <T> List<TableOutcome> each(List<T> items, Function<T, String> name,
                                              Function<T, Collection<String>> dependsOn, int parallelism,
                                              Work<T> work) {
        List<String> names = items.stream().map(name).toList();
        Map<String, String> logContext = ThreadContext.getImmutableContext();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, items.size())), r -> {
            Thread t = new Thread(r, "table-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, CompletableFuture<TableOutcome>> started = new HashMap<>();
            List<CompletableFuture<TableOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                T item = items.get(i);
                String itemName = names.get(i);
                CompletableFuture<?>[] before = dependsOn.apply(item).stream().map(started::get)
                        .filter(java.util.Objects::nonNull).toArray(CompletableFuture<?>[]::new);
                CompletableFuture<TableOutcome> future = CompletableFuture.allOf(before).thenApplyAsync(ignored -> {
                    ThreadContext.putAll(logContext);
                    ThreadContext.put("table", itemName);
                    try {
                        return work.run(item);
                    } catch (Exception e) {
                        String message = JobRunner.rootMessage(e);
                        LOG.error("{}: {}", itemName, message, e);
                        return TableOutcome.failed(itemName, message);
                    } finally {
                        ThreadContext.clearMap();
                    }
                }, pool);
                started.put(itemName, future);
                futures.add(future);
            }
            List<TableOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    outcomes.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    outcomes.add(TableOutcome.failed(names.get(i), JobRunner.rootMessage(e.getCause())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcomes.add(TableOutcome.failed(names.get(i), "interrupted"));
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
