package io.medallion.run;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.LakePaths;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a job needs for one run.
 *
 * @param ledgerOpen completes when the run's {@code running} rows are in the ledger; see
 *     {@link Job#readsWhileLedgerOpens}
 */
public record JobContext(String runId, String job, LocalDate runDate, Instant startedAt, PipelineSpec spec,
                         List<TableSpec> tables, SparkSession spark, EventLog events,
                         CompletableFuture<Void> ledgerOpen) {
    public JobContext {
        tables = List.copyOf(tables);
    }

    /** A run whose ledger rows are already written, or that has none. */
    public JobContext(String runId, String job, LocalDate runDate, Instant startedAt, PipelineSpec spec,
                      List<TableSpec> tables, SparkSession spark, EventLog events) {
        this(runId, job, runDate, startedAt, spec, tables, spark, events, CompletableFuture.completedFuture(null));
    }

    JobContext withLedgerOpen(CompletableFuture<Void> open) {
        return new JobContext(runId, job, runDate, startedAt, spec, tables, spark, events, open);
    }

    /**
     * Waits until the run's ledger rows are written, and fails as their writing failed. A job that
     * {@link Job#readsWhileLedgerOpens reads while they are written} calls it before its first
     * write, so that a crash after that write always leaves a {@code running} row behind.
     */
    public void awaitLedgerOpen() {
        try {
            ledgerOpen.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    public LakePaths lake() {
        return new LakePaths(spec.storage().lakeRoot());
    }

    public RunLedger ledger() {
        return new RunLedger(spark, lake().ops(RunLedger.TABLE));
    }
}
