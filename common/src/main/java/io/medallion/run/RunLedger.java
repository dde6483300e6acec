package io.medallion.run;

import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The run ledger {@code ops.runs}: one row per job run and table. A row is written as
 * {@code running} before the work starts and closed with the figures when it ends, so a process
 * that dies leaves a {@code running} row, which the next run of the same job closes as
 * {@code failed}.
 */
public final class RunLedger {
    public static final String TABLE = "runs";
    private static final String RUN_ID = "run_id";

    public static final StructType SCHEMA = new StructType()
            .add(RUN_ID, DataTypes.StringType, false)
            .add("job", DataTypes.StringType, false)
            .add("table_name", DataTypes.StringType, false)
            .add("run_date", DataTypes.DateType, true)
            .add("status", DataTypes.StringType, false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("ended_at", DataTypes.TimestampType, true)
            .add("rows_read", DataTypes.LongType, true)
            .add("rows_written", DataTypes.LongType, true)
            .add("rows_quarantined", DataTypes.LongType, true)
            .add("duplicates_dropped", DataTypes.LongType, true)
            .add("files_added", DataTypes.LongType, true)
            .add("files_removed", DataTypes.LongType, true)
            .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true)
            .add("message", DataTypes.StringType, true);

    private final SparkSession spark;
    private final String path;

    public RunLedger(SparkSession spark, String path) {
        this.spark = spark;
        this.path = path;
    }

    /**
     * Closes the rows that earlier runs of {@code job} left {@code running} on {@code tables};
     * returns how many. Runs of one job on one table must not overlap (an orchestrator serializes
     * them): a row still {@code running} when the next run starts is taken as a crash.
     */
    public long closeAbandoned(String job, List<String> tables, String closingRunId) {
        if (tables.isEmpty() || !DeltaTable.isDeltaTable(spark, path)) {
            return 0;
        }
        org.apache.spark.sql.Column condition = functions.col("status").equalTo("running")
                .and(functions.col("job").equalTo(job))
                .and(functions.col("table_name").isin(tables.toArray()));
        long abandoned = spark.read().format("delta").load(path).where(condition).count();
        if (abandoned > 0) {
            DeltaTable.forPath(spark, path).update(condition, Map.of(
                    "status", functions.lit(TableStatus.FAILED.ledgerName()),
                    "ended_at", functions.current_timestamp(),
                    "message", functions.lit("abandoned: the process ended without closing the run; closed by run "
                            + closingRunId)));
        }
        return abandoned;
    }

    /**
     * Per table, the ids of {@code job}'s runs that failed after the table's last successful run:
     * the runs whose partial work the next run may have to undo. A row still {@code running} from
     * another run counts as failed: runs of a job on a table do not overlap, so it is abandoned
     * ({@link #closeAbandoned}), which lets this be read while the current run's rows are written.
     *
     * @param currentRunId the run asking, whose own rows are left out
     */
    public Map<String, java.util.Set<String>> failedSinceLastSuccess(String job, String currentRunId) {
        Map<String, java.util.Set<String>> failed = new java.util.HashMap<>();
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return failed;
        }
        // A few rows per table and run: collected and compared here, which spares a cold JVM the
        // seconds a shuffle and a join cost at the start of every run.
        List<Row> rows = spark.read().format("delta").load(path)
                .where(functions.col("job").equalTo(job).and(functions.col(RUN_ID).notEqual(currentRunId))
                        .and(functions.col("status").isin(TableStatus.SUCCEEDED.ledgerName(),
                                TableStatus.FAILED.ledgerName(), TableStatus.RUNNING.ledgerName())))
                .select("table_name", "run_id", "status", "started_at").collectAsList();
        Map<String, Timestamp> lastSuccess = new java.util.HashMap<>();
        for (Row r : rows) {
            if (r.getString(2).equals(TableStatus.SUCCEEDED.ledgerName())) {
                lastSuccess.merge(r.getString(0), r.getTimestamp(3), (a, b) -> a.after(b) ? a : b);
            }
        }
        for (Row r : rows) {
            Timestamp last = lastSuccess.get(r.getString(0));
            boolean succeeded = r.getString(2).equals(TableStatus.SUCCEEDED.ledgerName());
            if (!succeeded && (last == null || r.getTimestamp(3).after(last))) {
                failed.computeIfAbsent(r.getString(0), t -> new java.util.HashSet<>()).add(r.getString(1));
            }
        }
        return failed;
    }

    /** Records that the run has started on each of its targets (tables, or gold models). */
    public void open(JobContext context, List<String> targets) {
        List<Row> rows = new ArrayList<>();
        for (String target : targets) {
            rows.add(RowFactory.create(context.runId(), context.job(), target, Date.valueOf(context.runDate()),
                    TableStatus.RUNNING.ledgerName(), Timestamp.from(context.startedAt()), null, null, null, null,
                    null, null, null, null, null));
        }
        DataFrameWriter<Row> append = spark.createDataFrame(rows, SCHEMA).coalesce(1).write().format("delta")
                .mode("append");
        // A new ledger is partitioned by run id, so closing a run replaces its partition without
        // reading a file. A ledger made unpartitioned by an earlier version stays so; closing then
        // reads the run's open rows.
        if (!DeltaTable.isDeltaTable(spark, path)) {
            append = append.partitionBy(RUN_ID);
        }
        append.save(path);
    }

    /**
     * Replaces the run's {@code running} rows with the outcomes, in one commit: an overwrite of
     * exactly this run's rows ({@code replaceWhere}), which is the run's own partition.
     */
    public void close(JobContext context, List<TableOutcome> outcomes, Instant endedAt) {
        List<Row> rows = new ArrayList<>();
        for (TableOutcome o : outcomes) {
            rows.add(RowFactory.create(context.runId(), context.job(), o.table(), Date.valueOf(context.runDate()),
                    o.status().ledgerName(), Timestamp.from(context.startedAt()), Timestamp.from(endedAt),
                    o.rowsRead(), o.rowsWritten(), o.rowsQuarantined(), o.duplicatesDropped(), o.filesAdded(),
                    o.filesRemoved(), new java.util.HashMap<>(o.metrics()), o.message()));
        }
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().format("delta").mode("overwrite")
                .option("replaceWhere", RUN_ID + " = '" + context.runId().replace("'", "''") + "'").save(path);
    }
}
