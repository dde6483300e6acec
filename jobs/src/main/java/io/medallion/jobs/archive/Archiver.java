package io.medallion.jobs.archive;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.medallion.config.RetentionSpec;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.DeltaTables;
import io.medallion.lake.TableRef;
import io.medallion.run.CrashPoints;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Row retention: rows older than the retention are copied to the table's {@link ArchiveTable} in
 * one commit, then deleted from the table, then recorded in the {@link ArchiveManifest}. A crash
 * between copy and delete leaves an archive run in the archive's log that the manifest does not
 * hold; the next run copies only the old rows that run's copy does not hold (EXCEPT ALL), deletes
 * up to the later of the two cutoffs, and records both, so nothing is lost and no row is archived
 * twice. Like every writer here, it holds the table's lock, so no other writer works on the table
 * meanwhile.
 */
public final class Archiver {
    public static final String CRASH_AFTER_COPY = "maintain.after-archive-copy";

    private Archiver() {
    }

    /**
     * @param archived rows copied to the archive by this run
     * @param deleted rows deleted from the table by this run (includes rows of an earlier, interrupted run's copy)
     * @param cutoff rows before this date are archived
     */
    public record Result(long archived, long deleted, LocalDate cutoff, String location) {
    }

    public static Result run(SparkSession spark, String path, ArchiveTable archive, ArchiveManifest manifest,
                             RetentionSpec retain, LocalDate runDate, String runId, Instant now, boolean dryRun) {
        TableRef table = archive.table();
        Set<String> recorded = manifest.runIds(table, ArchiveManifest.ARCHIVE);
        List<ArchiveTable.Run> pending = archive.runs().stream().filter(r -> !recorded.contains(r.runId())).toList();
        LocalDate cutoff = runDate.minusDays(retain.keepDays());
        for (ArchiveTable.Run r : pending) {
            cutoff = r.cutoff().isAfter(cutoff) ? r.cutoff() : cutoff;
        }
        long version = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path);
        Dataset<Row> current = spark.read().format("delta").option("versionAsOf", version).load(path);
        Column old = col("`" + retain.column() + "`").lt(lit(java.sql.Date.valueOf(cutoff)));
        Dataset<Row> oldRows = current.where(old);
        long oldCount = oldRows.count();
        if (oldCount == 0 && pending.isEmpty()) {
            return new Result(0, 0, cutoff, archive.location());
        }
        Dataset<Row> toArchive = oldRows;
        if (!pending.isEmpty()) {
            List<String> ids = pending.stream().map(ArchiveTable.Run::runId).toList();
            toArchive = oldRows.exceptAll(ArchiveTable.asTableRows(
                    archive.read().where(col(ArchiveTable.RUN_ID).isin(ids.toArray())), current.schema()));
        }
        long toArchiveCount = pending.isEmpty() ? oldCount : toArchive.count();
        if (dryRun) {
            return new Result(toArchiveCount, oldCount, cutoff, archive.location());
        }
        if (toArchiveCount > 0) {
            archive.append(toArchive, retain.column(), runId, now, version, cutoff);
            long copied = DeltaTables.metric(DeltaTables.lastCommitMetrics(spark, archive.location(), "WRITE"),
                    "numOutputRows");
            if (copied != toArchiveCount) {
                throw new IllegalStateException("the archive run " + runId + " copied " + copied + " rows to "
                        + archive.location() + ", expected " + toArchiveCount + "; nothing was deleted from the table");
            }
        }
        CrashPoints.reached(CRASH_AFTER_COPY);
        long deleted = 0;
        if (oldCount > 0) {
            DeltaTable.forPath(spark, path).delete(old);
            deleted = DeltaTables.metric(DeltaTables.lastCommitMetrics(spark, path, "DELETE"), "numDeletedRows");
        }
        // This run and any it finished, each with its own counts, from the archive's log.
        List<Row> records = new ArrayList<>();
        for (ArchiveTable.Run r : archive.runs()) {
            if (!recorded.contains(r.runId()) && (r.runId().equals(runId) || pending.contains(r))) {
                records.add(ArchiveManifest.archived(table, r, now, retain.column(),
                        archive.partitionsOf(r, retain.column()), archive.location()));
            }
        }
        manifest.append(records);
        return new Result(toArchiveCount, deleted, cutoff, archive.location());
    }
}
