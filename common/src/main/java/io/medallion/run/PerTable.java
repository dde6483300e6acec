package io.medallion.run;

import io.medallion.config.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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

    public static List<TableOutcome> run(List<TableSpec> tables, int parallelism, TableWork work) {
        Map<String, String> logContext = ThreadContext.getImmutableContext();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, tables.size())), r -> {
            Thread t = new Thread(r, "table-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<TableOutcome>> futures = new ArrayList<>();
            for (TableSpec table : tables) {
                futures.add(pool.submit(() -> {
                    ThreadContext.putAll(logContext);
                    ThreadContext.put("table", table.name());
                    try {
                        return work.run(table);
                    } catch (Exception e) {
                        String message = JobRunner.rootMessage(e);
                        LOG.error("{}: {}", table.name(), message, e);
                        return TableOutcome.failed(table.name(), message);
                    } finally {
                        ThreadContext.clearMap();
                    }
                }));
            }
            List<TableOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    outcomes.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    outcomes.add(TableOutcome.failed(tables.get(i).name(), JobRunner.rootMessage(e.getCause())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcomes.add(TableOutcome.failed(tables.get(i).name(), "interrupted"));
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
