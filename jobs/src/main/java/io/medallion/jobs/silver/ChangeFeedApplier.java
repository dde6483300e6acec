package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.medallion.config.CdcSpec;
import io.medallion.config.ColumnSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.DeltaTables;
import io.medallion.run.TableOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a change feed to silver. The current state of a key is its valid event with the
 * highest sequence number over everything bronze has recorded, so the order events arrive in
 * does not matter: a stale update arriving late loses to the newer one, and a delete followed
 * by a re-insert ends with the row present. Bronze keeps every event, so the state is derived
 * from the whole feed on each run (cheap for dimension-sized feeds) and MERGEd into
 * {@code silver.<table>}; {@code silver.dim_<table>} is rebuilt as SCD type 2 history.
 */
final class ChangeFeedApplier {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeedApplier.class);
    static final String SEQ = "_seq";
    static final String OP = "_op";
    static final String VALID_FROM = "valid_from";
    static final String VALID_TO = "valid_to";
    static final String IS_CURRENT = "is_current";

    /** What applying the feed did for the events of this run; {@code held} when the gate held them all. */
    record Result(long read, long quarantined, long dropped, long failing, long superseded, long applied,
                  long inserted, long updated, long deleted, long versions, DispositionCounts held) {
        long unchanged() {
            return applied - inserted - updated - deleted;
        }
    }

    private ChangeFeedApplier() {
    }

    /**
     * Applies the feed and accounts for every event of the pending ingest runs, or throws.
     *
     * @param recorded every ingest run bronze has recorded for the table: the state is derived from all its events
     */
    static TableOutcome apply(SilverTableRun run, Set<String> recorded) {
        TableSpec table = run.table();
        TableOutcome.Builder outcome = TableOutcome.builder(table.name());
        long start = System.nanoTime();
        Dataset<Row> bronze = run.spark().read().format("delta").load(run.bronzePath())
                .where(col(BronzeColumns.INGEST_RUN_ID).isin(recorded.toArray()));
        Result r = applyFeed(run, bronze);
        double rate = r.read() == 0 ? 0 : (double) r.quarantined() / r.read();
        Optional<String> gate = run.gateFailure(r.failing(), rate);
        if (r.held() != null) {
            return run.held(outcome, r.read(), r.quarantined(), r.held(), rate, gate);
        }
        new RowAccounting(r.read(), r.inserted(), r.updated(), r.unchanged(), r.deleted(), r.quarantined(),
                r.dropped(), r.superseded()).check(table.name());
        LOG.info("{}: {} events read -> {} inserted, {} updated, {} unchanged, {} deleted, {} quarantined, "
                        + "{} dropped, {} superseded or duplicate; {} history versions, in {} s", table.name(),
                r.read(), r.inserted(), r.updated(), r.unchanged(), r.deleted(), r.quarantined(), r.dropped(),
                r.superseded(), r.versions(), String.format("%.1f", (System.nanoTime() - start) / 1e9));
        outcome.rowsRead(r.read()).rowsWritten(r.inserted() + r.updated() + r.deleted())
                .rowsQuarantined(r.quarantined()).duplicatesDropped(r.superseded())
                .metric("rows_inserted", r.inserted()).metric("rows_updated", r.updated())
                .metric("rows_unchanged", r.unchanged()).metric("rows_deleted", r.deleted())
                .metric("rows_dropped", r.dropped()).metric("history_versions", r.versions())
                .metric("quarantine_rate", String.format("%.5f", rate))
                .metric("bronze_runs", String.join(",", new TreeSet<>(run.pending())));
        run.qualityGate(outcome, gate);
        return outcome.build();
    }

    private static Result applyFeed(SilverTableRun run, Dataset<Row> bronze) {
        TableSpec table = run.table();
        SparkSession spark = run.spark();
        PiiProtection pii = run.pii();
        CdcSpec cdc = table.cdc().orElseThrow();
        Set<String> pending = run.pending();
        Column isPending = col(BronzeColumns.INGEST_RUN_ID).isin(pending.toArray());
        Row sizes = bronze.where(isPending).agg(count(lit(1)), count(col(BronzeColumns.PARSE_ERROR))).first();
        long read = sizes.getLong(0);
        long unparsed = sizes.getLong(1);

        Dataset<Row> events = events(run, bronze);
        // Rules judge the rows an event would put in silver; a delete carries no new row.
        Dataset<Row> judged = RowRules.evaluate(events, table, ref -> {
            throw new IllegalArgumentException("reference rules on a change feed are not supported");
        }).withColumn(RowRules.DISPOSITION, when(col(OP).equalTo("d"), lit(RowRules.KEEP))
                .otherwise(col(RowRules.DISPOSITION))).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            DispositionCounts d = DispositionCounts.of(judged, isPending, table.key());
            long quarantined = unparsed + d.quarantined() + d.failing();
            boolean hold = run.holds(run.gateFailure(d.failing(), read == 0 ? 0 : (double) quarantined / read));
            if (run.rebuild()) {
                QuarantineWriter.clearWaiting(spark, run.quarantinePath());
            }
            QuarantineWriter.write(spark, run.quarantinePath(), quarantined == 0 ? null
                    : QuarantineWriter.unparsed(bronze.where(isPending))
                            .unionByName(QuarantineWriter.rejected(judged.where(isPending))), run.runId(), hold, pending);
            if (hold) {
                return new Result(read, quarantined, d.dropped(), d.failing(), 0, 0, 0, 0, 0, 0, d);
            }

            Dataset<Row> valid = judged.where(col(RowRules.DISPOSITION).equalTo(RowRules.KEEP));
            List<Column> keys = new ArrayList<>();
            table.key().forEach(k -> keys.add(col(k)));
            // Latest event per key; an exact copy of an event (same sequence) ties and loses by position.
            WindowSpec newestFirst = Window.partitionBy(keys.toArray(new Column[0])).orderBy(col(SEQ).desc(),
                    col(BronzeColumns.BATCH_DATE).desc(), col(BronzeColumns.SOURCE_FILE).desc(),
                    col(BronzeColumns.SOURCE_LINE).desc());
            Dataset<Row> ranked = valid.withColumn("_rank", row_number().over(newestFirst));
            long applied = ranked.agg(count(when(isPending.and(col("_rank").equalTo(1)), 1))).first().getLong(0);

            List<Column> rowColumns = new ArrayList<>();
            for (ColumnSpec c : table.schema()) {
                rowColumns.add(col(c.name()));
            }
            rowColumns.add(col(SEQ));
            Dataset<Row> current = ranked.where(col("_rank").equalTo(1).and(col(OP).notEqual("d")))
                    .select(rowColumns.toArray(new Column[0]));
            long[] merged;
            if (run.rebuild()) {
                // A fresh table: every current row is an insert, and a key whose latest event is a delete is absent.
                long inserted = DeltaTables.replace(spark, run.silverPath(), pii.protect(current, table), List.of(),
                        DeltaTables.withChangeFeed(run.properties()));
                merged = new long[] {inserted, 0, applied - inserted};
            } else {
                merged = mergeState(spark, run.silverPath(), pii.protect(current, table), table, run.properties());
            }

            long versions = writeHistory(spark, run.historyPath(), pii, valid, table, keys);
            return new Result(read, quarantined, d.dropped(), d.failing(), d.kept() - applied, applied, merged[0],
                    merged[1], merged[2], versions, null);
        } finally {
            judged.unpersist();
        }
    }

    /**
     * The feed's parsed events as typed rows: the row a change puts in silver (a delete's, the row it
     * removes), with {@link #SEQ}, {@link #OP} and the raw copy for quarantine.
     */
    static Dataset<Row> events(SilverTableRun run, Dataset<Row> bronze) {
        TableSpec table = run.table();
        CdcSpec cdc = table.cdc().orElseThrow();
        Column image = when(col(cdc.opField()).equalTo("d"), col(cdc.beforeField())).otherwise(col(cdc.afterField()));
        Dataset<Row> imageText = Cleaning.fromImage(bronze.where(col(BronzeColumns.PARSE_ERROR).isNull())
                .withColumn("_event_image", image), table, "_event_image");
        Column raw = run.pii().rawJson(table, col(cdc.opField()), col(cdc.sequenceField()));
        return Cleaning.typed(imageText.withColumn(QuarantineWriter.RAW, raw), table)
                .withColumn(SEQ, col(cdc.sequenceField()).cast("bigint"))
                .withColumn(OP, col(cdc.opField()));
    }

    /** MERGE the derived state: new keys in, changed rows updated, keys whose latest event is a delete out. */
    private static long[] mergeState(SparkSession spark, String path, Dataset<Row> current, TableSpec table,
                                     Map<String, String> properties) {
        if (DeltaTables.createIfMissing(spark, path, current, List.of(), DeltaTables.withChangeFeed(properties))) {
            return new long[] {DeltaTables.appendToNew(spark, path, current), 0, 0};
        }
        List<String> keys = new ArrayList<>();
        table.key().forEach(k -> keys.add("t.`" + k + "` = s.`" + k + "`"));
        // The source's columns by name: a column the spec no longer declares stays in silver, untouched.
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (String c : current.columns()) {
            values.put("`" + c + "`", "s.`" + c + "`");
        }
        Map<String, String> m = DeltaTables.merge(spark, path, DeltaTable.forPath(spark, path).as("t")
                .merge(current.as("s"), String.join(" AND ", keys))
                .whenMatched("t." + SEQ + " <> s." + SEQ).updateExpr(values)
                .whenNotMatched().insertExpr(values)
                .whenNotMatchedBySource().delete());
        return new long[] {DeltaTables.metric(m, "numTargetRowsInserted"), DeltaTables.metric(m, "numTargetRowsUpdated"),
            DeltaTables.metric(m, "numTargetRowsDeleted")};
    }

    /**
     * SCD type 2: one row per version (each insert or update), valid from its sequence number up to
     * the next event's (an update or a delete) or open when it is the latest; exactly one current
     * row per key unless the key's latest event is a delete.
     */
    private static long writeHistory(SparkSession spark, String path, PiiProtection pii, Dataset<Row> valid,
                                     TableSpec table, List<Column> keys) {
        WindowSpec bySeq = Window.partitionBy(keys.toArray(new Column[0])).orderBy(col(SEQ));
        Dataset<Row> distinctEvents = valid.dropDuplicates(concat(table.key(), SEQ));
        Dataset<Row> timeline = distinctEvents.withColumn("_next_seq", lead(col(SEQ), 1).over(bySeq));
        List<Column> columns = new ArrayList<>();
        for (ColumnSpec c : table.schema()) {
            columns.add(col(c.name()));
        }
        columns.add(col(SEQ).as(VALID_FROM));
        columns.add(col("_next_seq").as(VALID_TO));
        columns.add(col("_next_seq").isNull().as(IS_CURRENT));
        Dataset<Row> versions = pii.protect(
                timeline.where(col(OP).notEqual("d")).select(columns.toArray(new Column[0])), table);
        versions.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(path);
        return DeltaTables.lastWriteRows(spark, path);
    }

    private static String[] concat(List<String> keys, String extra) {
        List<String> all = new ArrayList<>(keys);
        all.add(extra);
        return all.toArray(new String[0]);
    }
}
