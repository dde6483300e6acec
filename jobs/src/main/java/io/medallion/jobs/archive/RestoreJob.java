package io.medallion.jobs.archive;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import io.medallion.config.PipelineSpec;
import io.medallion.config.RetentionSpec;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.DeltaTables;
import io.medallion.lake.TableFiles;
import io.medallion.lake.TableRef;
import io.medallion.run.CrashPoints;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code medallion restore}: copies the archived rows that match a condition, and are not restored
 * yet, back into their table, through the table's own identity: a silver table's key, a gold
 * model's grain, a bronze row's landing file and line (every column where there is none). A row
 * whose identity the table holds with other values is counted and left where it is; a row the
 * table already holds as it is (an earlier restore that stopped before recording it) is only
 * marked. Restored rows stay in the archive, marked with the restore's time and run, so the same
 * restore again moves nothing. Before anything moves, rows that the table's {@code retain} would
 * archive again at the next maintain are refused, naming the setting.
 */
public final class RestoreJob implements Job {
    public static final String CRASH_AFTER_COPY = "restore.after-copy";
    private static final Logger LOG = LoggerFactory.getLogger(RestoreJob.class);

    private final TableRef table;
    private final String where;
    private final boolean dryRun;

    /**
     * @param where a SQL condition on the archive's columns: the table's and {@link ArchiveTable#COLUMNS}
     */
    public RestoreJob(TableRef table, String where, boolean dryRun) {
        this.table = table;
        this.where = where;
        this.dryRun = dryRun;
    }

    @Override
    public String name() {
        return "restore";
    }

    @Override
    public List<String> targets(JobContext context) {
        return List.of(table.toString());
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        return List.of(restore(context));
    }

    private TableOutcome restore(JobContext context) {
        SparkSession spark = context.spark();
        PipelineSpec spec = context.spec();
        ArchiveTable archive = ArchiveTable.of(spark, spec, table);
        TableOutcome.Builder outcome = TableOutcome.builder(table.toString()).metric("dry_run", dryRun)
                .metric("where", where).metric("archive", archive.location());
        if (!archive.exists()) {
            return outcome.status(TableStatus.FAILED).message("the archive of " + table + " at " + archive.location()
                    + " is empty: maintain has archived nothing of it").build();
        }
        String path = context.lake().path(table);
        if (DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path) < 0) {
            return outcome.status(TableStatus.FAILED).message(table + " does not exist at " + path
                    + "; run the job that creates it before restoring into it").build();
        }
        Dataset<Row> current = spark.read().format("delta").load(path);
        StructType schema = current.schema();
        List<String> identity = identity(spec, table, schema);
        Dataset<Row> waiting = archive.read().where(where).where(col(ArchiveTable.RESTORED_AT).isNull());
        Dataset<Row> candidates = ArchiveTable.asTableRows(waiting, schema).dropDuplicates(identity.toArray(new String[0]));
        String partitionColumn = TableFiles.partitionColumns(spark, archive.location()).stream().findFirst()
                .orElse(ArchiveTable.RUN_ID);

        Optional<String> again = spec.maintenance(table).retain().flatMap(r -> archivedAgain(candidates, r,
                context.runDate()));
        if (again.isPresent()) {
            return outcome.status(TableStatus.FAILED).message(again.get()).build();
        }
        long matching = candidates.count();
        long present = candidates.join(current, equal(candidates, current, List.of(schema.fieldNames())), "left_semi")
                .count();
        long held = candidates.join(current, equal(candidates, current, identity), "left_semi").count() - present;
        long toCopy = matching - present - held;
        outcome.rowsRead(matching).metric("rows_already_in_table", present).metric("rows_key_held", held);
        if (dryRun) {
            LOG.info("{}: would restore {} of {} archived row(s) matching {}: {} copied, {} already in the table; {} "
                    + "left in the archive, as the table holds their {} with other values", table, toCopy + present,
                    matching, where, toCopy, present, held, String.join(", ", identity));
            return outcome.metric("rows_restored", toCopy + present).metric("rows_copied", toCopy).build();
        }

        Map<String, String> copied = DeltaTables.merge(spark, path, DeltaTable.forPath(spark, path).as("t")
                .merge(candidates.as("s"), equal("s", "t", identity)).whenNotMatched().insertAll());
        long inserted = DeltaTables.metric(copied, "numTargetRowsInserted");
        long version = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path);
        CrashPoints.reached(CRASH_AFTER_COPY);

        // Marked restored: the waiting archive rows the table now holds as they are.
        Dataset<Row> inTable = spark.read().format("delta").load(path);
        Dataset<Row> waitingRows = ArchiveTable.asTableRows(waiting, schema, ArchiveTable.RUN_ID);
        Dataset<Row> nowHeld = waitingRows.join(inTable, equal(waitingRows, inTable, List.of(schema.fieldNames())),
                "left_semi").cache();
        List<String> rowKey = new java.util.ArrayList<>(identity);
        rowKey.add(ArchiveTable.RUN_ID);
        Dataset<Row> restored = nowHeld.select(rowKey.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new))
                .distinct();
        List<String> partitions = List.of(schema.fieldNames()).contains(partitionColumn)
                ? nowHeld.select(col("`" + partitionColumn + "`").cast("string").as("p")).distinct().orderBy("p")
                        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList() : List.of();
        Map<String, String> marked = DeltaTables.merge(spark, archive.location(), DeltaTable.forPath(spark,
                        archive.location()).as("t").merge(restored.as("s"), equal("s", "t", rowKey)
                        .and(col("t." + ArchiveTable.RESTORED_AT).isNull()))
                .whenMatched().update(Map.of(ArchiveTable.RESTORED_AT, lit(Timestamp.from(context.startedAt())),
                        ArchiveTable.RESTORE_RUN_ID, lit(context.runId()))));
        long restoredRows = DeltaTables.metric(marked, "numTargetRowsUpdated");
        nowHeld.unpersist();
        new ArchiveManifest(spark, context.lake()).append(List.of(ArchiveManifest.restored(table, context.runId(),
                context.startedAt(), version, where, partitionColumn, partitions, restoredRows,
                DeltaTables.metric(copied, "numTargetBytesAdded"), archive.location())));
        LOG.info("{}: restored {} archived row(s) matching {}: {} copied, {} already in the table; {} left in the "
                + "archive, as the table holds their {} with other values", table, restoredRows, where, inserted,
                restoredRows - inserted, held, String.join(", ", identity));
        return outcome.rowsWritten(inserted).metric("rows_restored", restoredRows).metric("rows_copied", inserted)
                .metric("table_version", version).build();
    }

    /** Why rows to restore would go back to the archive at the next maintain, if they would. */
    private Optional<String> archivedAgain(Dataset<Row> candidates, RetentionSpec retain, LocalDate runDate) {
        LocalDate cutoff = runDate.minusDays(retain.keepDays());
        Column c = col("`" + retain.column() + "`");
        Row r = candidates.where(c.lt(lit(java.sql.Date.valueOf(cutoff)))).agg(count(lit(1)), min(c)).first();
        if (r.getLong(0) == 0) {
            return Optional.empty();
        }
        LocalDate oldest = LocalDate.parse(r.get(1).toString().substring(0, 10)); // a date, or a timestamp's day
        long days = ChronoUnit.DAYS.between(oldest, runDate); // the cutoff then falls on the oldest row's day
        return Optional.of(r.getLong(0) + " of the rows to restore into " + table + " have " + retain.column()
                + " before " + cutoff + ", so the next maintain would archive them again (retain keep: "
                + retain.keepDays() + "d); nothing was restored. Raise keep in the maintenance section's retain of "
                + table + " to at least " + days + "d, or narrow --where");
    }

    /** The columns that identify a row of the table: its key, grain or landing line; every column where none fits. */
    static List<String> identity(PipelineSpec spec, TableRef table, StructType schema) {
        List<String> declared = switch (table.layer()) {
            case BRONZE -> List.of(BronzeColumns.INGEST_RUN_ID, BronzeColumns.SOURCE_FILE, BronzeColumns.SOURCE_LINE);
            case SILVER -> spec.tables().containsKey(table.name()) ? spec.tables().get(table.name()).key() : List.of();
            case GOLD -> spec.gold().containsKey(table.name()) ? spec.gold().get(table.name()).grain() : List.of();
            default -> List.of();
        };
        List<String> columns = Arrays.asList(schema.fieldNames());
        return !declared.isEmpty() && columns.containsAll(declared) ? declared : columns;
    }

    private static Column equal(Dataset<Row> a, Dataset<Row> b, List<String> columns) {
        Column on = lit(true);
        for (String c : columns) {
            on = on.and(a.col("`" + c + "`").eqNullSafe(b.col("`" + c + "`")));
        }
        return on;
    }

    private static Column equal(String a, String b, List<String> columns) {
        Column on = lit(true);
        for (String c : columns) {
            on = on.and(col(a + ".`" + c + "`").eqNullSafe(col(b + ".`" + c + "`")));
        }
        return on;
    }
}
