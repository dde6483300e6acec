package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.medallion.config.ColumnSpec;
import io.medallion.config.JdbcMode;
import io.medallion.interop.Scala;
import io.medallion.config.TableSpec;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.DeltaTables;
import io.medallion.run.Faults;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
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
 * Silver for a table with a business key (SCD type 1): the bronze rows of the pending ingest runs
 * are cleaned and typed, checked against the rules (bad rows to quarantine), deduplicated by key
 * keeping the latest by {@code latest_by}, and MERGEd into silver ({@link KeyedMerge}), changing
 * only rows whose values changed. Every row read is accounted for, or the table fails.
 */
public final class KeyedApplier {
    private static final Logger LOG = LoggerFactory.getLogger(KeyedApplier.class);
    /** Marks the candidates when {@link #newerThanSilver} ranks them with silver's rows. */
    private static final String CANDIDATE = "_candidate";

    private KeyedApplier() {
    }

    /** Applies the table's pending bronze runs and accounts for every row, or throws. */
    static TableOutcome apply(SilverTableRun run) {
        TableSpec table = run.table();
        TableOutcome.Builder outcome = TableOutcome.builder(table.name());
        long start = System.nanoTime();
        SparkSession spark = run.spark();
        PiiProtection pii = run.pii();
        // A snapshot replaces the ones before it: of several pending, only the newest is read.
        boolean snapshot = table.source().jdbc() != null && table.source().jdbc().mode() == JdbcMode.SNAPSHOT;
        Set<String> runs = snapshot && !run.pending().isEmpty() ? Set.of(Collections.max(run.pending())) : run.pending();
        Dataset<Row> bronze = spark.read().format("delta").load(run.bronzePath())
                .where(col(BronzeColumns.INGEST_RUN_ID).isin(runs.toArray()));
        // Counted on their own (two columns of bronze), so that rows lost later cannot hide.
        Row sizes = bronze.agg(count(lit(1)), count(col(BronzeColumns.PARSE_ERROR))).first();
        long read = sizes.getLong(0);
        long unparsed = sizes.getLong(1);

        Dataset<Row> judged = run.judge(bronze).persist(StorageLevel.MEMORY_AND_DISK());
        Optional<LateParents> late = Optional.empty();
        try {
            DispositionCounts d = DispositionCounts.of(judged, lit(true), table.key());
            long quarantined = unparsed + d.quarantined() + d.failing();
            double rate = read == 0 ? 0 : (double) quarantined / read;
            Optional<String> gate = run.gateFailure(d.failing(), rate);
            boolean hold = run.holds(gate);
            // Rows quarantined for a parent that had not arrived, whose rule retries: those whose parent
            // is here now join the batch. Found before this run's records are written.
            Dataset<Row> kept = judged.where(col(RowRules.DISPOSITION).equalTo(RowRules.KEEP));
            long released = 0;
            long keys = d.keptKeys();
            // A rebuild judges every bronze row again, those waiting for a parent too.
            if (!hold && !run.rebuild()) {
                late = LateParents.find(run);
                released = late.isPresent() ? late.get().released().count() : 0;
                if (released > 0) {
                    kept = kept.unionByName(late.get().released());
                    keys = kept.select(table.key().stream().map(k -> col(k)).toArray(Column[]::new)).distinct().count();
                }
            }
            // The quarantine is written while silver is MERGEd: tables whose reference rules point
            // here wait for this table, and neither write needs the other.
            Dataset<Row> rejected = quarantined == 0 ? null
                    : QuarantineWriter.unparsed(bronze).unionByName(QuarantineWriter.rejected(judged));
            CompletableFuture<Void> quarantining = PerTable.alongside("quarantine-" + table.name(),
                    () -> {
                        if (run.rebuild()) {
                            QuarantineWriter.clearWaiting(spark, run.quarantinePath());
                        }
                        QuarantineWriter.write(spark, run.quarantinePath(), rejected, run.runId(), hold, run.pending());
                    });
            if (hold) {
                quarantining.join();
                LOG.warn("{}: {} rows read, {} quarantined, {} dropped; the gate holds the batch's {} valid rows "
                        + "out of silver", table.name(), read, quarantined, d.dropped(), d.kept());
                return run.held(outcome, read, quarantined, d, rate, gate);
            }
            long duplicates = d.kept() + released - keys;

            Dataset<Row> latest = latestPerKey(kept, table);
            if (Faults.injected(SilverJob.LOSE_A_ROW)) {
                latest = latest.exceptAll(latest.limit(1));
            }
            MergeCounts merged;
            long superseded = 0;
            try {
                Dataset<Row> rows = pii.protect(silverRows(latest, table, run.runId()), table);
                if (released > 0) {
                    // A released row may be older than the silver row its key got while it waited.
                    List<String> line = List.of(BronzeColumns.SOURCE_FILE, BronzeColumns.SOURCE_LINE);
                    Dataset<Row> lines = late.get().released().select(BronzeColumns.SOURCE_FILE,
                            BronzeColumns.SOURCE_LINE);
                    Dataset<Row> back = rows.join(lines, Scala.seq(line), "left_semi");
                    Dataset<Row> newer = newerThanSilver(spark, run, back);
                    superseded = back.count() - newer.count();
                    rows = rows.join(lines, Scala.seq(line), "left_anti").unionByName(newer);
                }
                merged = run.rebuild()
                        ? new MergeCounts(DeltaTables.replace(spark, run.silverPath(), rows, table.partitionBy(),
                                DeltaTables.withChangeFeed(run.properties())), 0, 0)
                        : KeyedMerge.merge(spark, run.silverPath(), rows, table, run.properties(),
                                snapshot ? goneKeys(spark, run, judged) : null);
            } finally {
                quarantining.exceptionally(e -> null).join(); // after a failed MERGE too: nothing left writing
            }
            quarantining.join(); // the quarantine's own failure, if any

            duplicates += superseded;
            new RowAccounting(read, released, merged.inserted(), merged.updated(), merged.unchanged(), 0, quarantined,
                    d.dropped(), duplicates, 0).check(table.name());
            long expired = late.isPresent() ? late.get().expiredCount() : 0;
            if (released + expired > 0) {
                late.get().mark(spark, run.quarantinePath());
                LOG.info("{}: {} row(s) released from quarantine (their parent arrived), {} expired", table.name(),
                        released, expired);
            }

            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("{}: {} rows read -> {} inserted, {} updated, {} unchanged, {} quarantined, {} dropped, "
                            + "{} duplicates, in {} s ({} rows/s){}", table.name(), read, merged.inserted(),
                    merged.updated(), merged.unchanged(), quarantined, d.dropped(), duplicates,
                    String.format("%.1f", seconds), Math.round(read / seconds),
                    snapshot ? "; " + merged.deleted() + " deleted, no longer in the snapshot" : "");
            if (snapshot) {
                outcome.metric("rows_deleted", merged.deleted())
                        .metric("snapshots_superseded", run.pending().size() - runs.size());
            }
            outcome.rowsRead(read).rowsWritten(merged.inserted() + merged.updated()).rowsQuarantined(quarantined)
                    .duplicatesDropped(duplicates)
                    .metric("rows_inserted", merged.inserted()).metric("rows_updated", merged.updated())
                    .metric("rows_unchanged", merged.unchanged()).metric("rows_dropped", d.dropped())
                    .metric("rows_warned", d.warned()).metric("quarantine_rate", String.format("%.5f", rate))
                    .metric("bronze_runs", String.join(",", new TreeSet<>(run.pending())));
            if (late.isPresent()) {
                outcome.metric("released_from_quarantine", released).metric("rows_expired", expired);
            }
            run.qualityGate(outcome, gate);
            return outcome.build();
        } finally {
            judged.unpersist();
            late.ifPresent(LateParents::close);
        }
    }

    /**
     * The keys silver holds that the snapshot does not: those rows were deleted at the source. A
     * key whose snapshot row was quarantined is still there, so every snapshot row's key counts.
     */
    private static Dataset<Row> goneKeys(SparkSession spark, SilverTableRun run, Dataset<Row> judged) {
        TableSpec table = run.table();
        if (!io.delta.tables.DeltaTable.isDeltaTable(spark, run.silverPath())) {
            return null;
        }
        Column[] stored = table.key().stream().map(k -> run.pii().stored(table.column(k).orElseThrow()))
                .toArray(Column[]::new);
        Column[] keys = table.key().stream().map(k -> col(k)).toArray(Column[]::new);
        return spark.read().format("delta").load(run.silverPath()).select(keys)
                .join(judged.select(stored).distinct(), Scala.seq(table.key()), "left_anti");
    }

    /**
     * The candidate rows that are their key's latest version against silver too: silver's rows of
     * their keys and the candidates are ranked together as silver ranks a batch, and the candidates
     * that win remain. For rows that come back from quarantine, which may be older than what
     * silver got since.
     */
    static Dataset<Row> newerThanSilver(SparkSession spark, SilverTableRun run, Dataset<Row> candidates) {
        TableSpec table = run.table();
        if (!io.delta.tables.DeltaTable.isDeltaTable(spark, run.silverPath())) {
            return candidates;
        }
        Column[] keys = table.key().stream().map(k -> col("`" + k + "`")).toArray(Column[]::new);
        Dataset<Row> silver = spark.read().format("delta").load(run.silverPath())
                .join(candidates.select(keys), Scala.seq(table.key()), "left_semi");
        Column[] columns = java.util.Arrays.stream(candidates.columns()).map(c -> col("`" + c + "`"))
                .toArray(Column[]::new);
        return latestPerKey(candidates.withColumn(CANDIDATE, lit(true))
                        .unionByName(silver.select(columns).withColumn(CANDIDATE, lit(false))), table)
                .where(col(CANDIDATE)).drop(CANDIDATE);
    }

    /** One row per key: the latest by {@code latest_by}, ties broken by bronze position. */
    public static Dataset<Row> latestPerKey(Dataset<Row> rows, TableSpec table) {
        List<Column> order = new ArrayList<>();
        for (String c : table.latestBy()) {
            order.add(col(c).desc_nulls_last());
        }
        order.add(col(BronzeColumns.BATCH_DATE).desc());
        order.add(col(BronzeColumns.SOURCE_FILE).desc());
        order.add(col(BronzeColumns.SOURCE_LINE).desc());
        WindowSpec byKey = Window.partitionBy(table.key().stream().map(k -> col(k)).toArray(Column[]::new))
                .orderBy(order.toArray(new Column[0]));
        return rows.withColumn("_rank", row_number().over(byKey)).where(col("_rank").equalTo(1)).drop("_rank");
    }

    /** The silver columns: the declared ones (protected where PII), and where each row came from. */
    static Dataset<Row> silverRows(Dataset<Row> latest, TableSpec table, String runId) {
        List<Column> columns = new ArrayList<>();
        for (ColumnSpec c : table.schema()) {
            columns.add(col(c.name()));
        }
        columns.add(col(BronzeColumns.BATCH_DATE));
        columns.add(col(BronzeColumns.SOURCE_FILE));
        columns.add(col(BronzeColumns.SOURCE_LINE));
        columns.add(lit(runId).as(KeyedMerge.RUN_COLUMN));
        return latest.select(columns.toArray(new Column[0]));
    }
}
