package io.medallion.run;

import java.util.List;

/**
 * One stage of the pipeline. A job only writes its {@code run} part; the {@link JobRunner} owns
 * the session, the ledger, the events and the exit code, so every job behaves the same.
 */
public interface Job {
    /** The name in the ledger and the logs: {@code bronze}, {@code silver} … */
    String name();

    /** How a pipeline's output names this stage; the job's name unless one job runs as several stages. */
    default String stage() {
        return name();
    }

    /** What the job reports on, one ledger row each: the selected tables, unless the job works on something else. */
    default List<String> targets(JobContext context) {
        return context.tables().stream().map(io.medallion.config.TableSpec::name).toList();
    }

    /** What a run reads and writes, for lineage; none unless the job says. */
    default JobDatasets datasets(JobContext context) {
        return JobDatasets.NONE;
    }

    /**
     * Whether {@link #run} starts while the runner writes the run's {@code running} rows to the
     * ledger, a Delta commit that costs a cold JVM seconds. Such a job only reads (lists, counts,
     * looks up its bookkeeping) until it calls {@link JobContext#awaitLedgerOpen}, which it must
     * do before its first write. Other jobs start once the rows are written.
     */
    default boolean readsWhileLedgerOpens() {
        return false;
    }

    /**
     * What the spec asks of the lake that this job will not do, each with the command that would:
     * a non-empty list refuses the run with exit 2 before the ledger or any table is touched.
     */
    default List<String> refusals(JobContext context) {
        return List.of();
    }

    /**
     * Does the work, one outcome per {@link #targets target}. A problem confined to
     * a table is returned as a failed outcome so the other tables still run; an exception fails
     * every table that has no outcome.
     */
    List<TableOutcome> run(JobContext context) throws Exception;
}
