package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.count;

import io.medallion.config.ColumnSpec;
import io.medallion.config.RuleSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.bronze.IngestedFiles;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.LakePaths;
import io.medallion.quality.Cleaning;
import io.medallion.quality.RowRules;
import io.medallion.run.CrashPoints;
import io.medallion.run.Faults;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * {@code medallion silver} for tables with a business key (SCD type 1): the bronze rows of
 * ingest runs not yet applied are cleaned and typed, checked against the rules (bad rows to
 * quarantine), deduplicated by key keeping the latest by {@code latest_by}, and MERGEd into
 * silver, changing only rows whose values changed. Every row read is accounted for, or the
 * table fails. Tables are processed parents first, so a reference rule sees this run's parents.
 */
public final class SilverMergeJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(SilverMergeJob.class);
    /** A fault for tests: one row vanishes before the MERGE, which the row accounting must catch. */
    public static final String LOSE_A_ROW = "silver.lose-a-row";
    /** Where a crash leaves every table merged and none recorded as applied (for recovery tests). */
    public static final String CRASH_BEFORE_PROGRESS = "silver.before-progress";
    /** Tables applied side by side: small tables cost mostly driver time (Delta log reads, commits), which overlaps well. */
    private static final int TABLE_PARALLELISM = 8;

    @Override
    public String name() {
        return "silver";
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        SparkSession spark = context.spark();
        Map<String, Set<String>> ingested =
                new IngestedFiles(spark, context.lake().ops(IngestedFiles.TABLE)).runIdsByTable();
        SilverProgress progress = new SilverProgress(spark, context.lake().ops(SilverProgress.TABLE));
        Map<String, Set<String>> applied = progress.applied();
        Map<String, Set<String>> appliedNow = new java.util.concurrent.ConcurrentHashMap<>();
        List<TableSpec> ordered = parentsFirst(context.tables());
        List<TableOutcome> outcomes = PerTable.run(ordered, TABLE_PARALLELISM, SilverMergeJob::parents, table -> {
            Set<String> recorded = ingested.getOrDefault(table.name(), Set.of());
            Set<String> pending = new TreeSet<>(recorded);
            pending.removeAll(applied.getOrDefault(table.name(), Set.of()));
            return table.cdc().isPresent() ? applyChangeFeed(context, table, recorded, pending, appliedNow)
                    : apply(context, table, pending, appliedNow);
        });
        // What every table applied, in one commit rather than one per table. Until it lands, the
        // next run applies these bronze runs again, which changes nothing: the MERGEs find the rows
        // unchanged, quarantine is keyed by bronze line and the history is rebuilt from bronze.
        CrashPoints.reached(CRASH_BEFORE_PROGRESS);
        progress.record(appliedNow, context.runId());
        return outcomes;
    }

    /**
     * The tables with each after the tables its reference rules point to, so a reference rule sees
     * this run's parents; a table starts as soon as its own parents are done.
     */
    static List<TableSpec> parentsFirst(List<TableSpec> tables) {
        Map<String, TableSpec> remaining = new LinkedHashMap<>();
        tables.forEach(t -> remaining.put(t.name(), t));
        List<TableSpec> ordered = new ArrayList<>();
        while (!remaining.isEmpty()) {
            List<TableSpec> ready = remaining.values().stream()
                    .filter(t -> parents(t).stream().noneMatch(remaining::containsKey))
                    .toList();
            if (ready.isEmpty()) {
                throw new IllegalArgumentException("reference rules form a cycle among " + remaining.keySet());
            }
            ordered.addAll(ready);
            ready.forEach(t -> remaining.remove(t.name()));
        }
        return ordered;
    }

    /** The other tables the table's reference rules point to. */
    static List<String> parents(TableSpec table) {
        return table.rules().stream().filter(r -> r instanceof RuleSpec.References)
                .map(r -> ((RuleSpec.References) r).table()).filter(t -> !t.equals(table.name())).distinct().toList();
    }

    /** Applies the table's pending bronze runs; when it has, they go to {@code appliedNow} under its name. */
    private TableOutcome apply(JobContext context, TableSpec table, Set<String> pending,
                               Map<String, Set<String>> appliedNow) {
        TableOutcome.Builder outcome = TableOutcome.builder(table.name());
        if (table.key().isEmpty()) {
            return outcome.status(TableStatus.FAILED).message("silver needs a key to merge on; declare 'key'").build();
        }
        if (pending.isEmpty()) {
            LOG.info("{}: no new bronze rows", table.name());
            return outcome.build();
        }
        long start = System.nanoTime();
        SparkSession spark = context.spark();
        PiiProtection pii = new PiiProtection(context.spec());
        String silverPath = context.lake().table("silver", table.name());
        Dataset<Row> bronze = spark.read().format("delta").load(context.lake().bronze(table.name()))
                .where(col(BronzeColumns.INGEST_RUN_ID).isin(pending.toArray()));
        // Counted on their own (two columns of bronze), so that rows lost later cannot hide.
        Row sizes = bronze.agg(count(lit(1)), count(col(BronzeColumns.PARSE_ERROR))).first();
        long read = sizes.getLong(0);
        long unparsed = sizes.getLong(1);

        Dataset<Row> typed = Cleaning.typed(bronze.where(col(BronzeColumns.PARSE_ERROR).isNull())
                .withColumn(QuarantineWriter.RAW, pii.rawJson(table)), table);
        Dataset<Row> judged = RowRules.evaluate(typed, table, ref -> spark.read().format("delta")
                .load(context.lake().table("silver", ref.table())).select(ref.refColumn()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            DispositionCounts d = DispositionCounts.of(judged, lit(true), table.key());
            String quarantinePath = context.lake().table("silver", "_quarantine_" + table.name());
            long quarantined = unparsed + d.quarantined() + d.failing();
            // The quarantine is written while silver is MERGEd: tables whose reference rules point
            // here wait for this table, and neither write needs the other.
            CompletableFuture<Void> quarantining = quarantined == 0 ? CompletableFuture.completedFuture(null)
                    : PerTable.alongside("quarantine-" + table.name(), () -> QuarantineWriter.write(spark,
                            quarantinePath, QuarantineWriter.unparsed(bronze)
                                    .unionByName(QuarantineWriter.rejected(judged)), context.runId()));
            long duplicates = d.kept() - d.keptKeys();

            Dataset<Row> latest = latestPerKey(judged.where(col(RowRules.DISPOSITION).equalTo(RowRules.KEEP)), table);
            if (Faults.injected(LOSE_A_ROW)) {
                latest = latest.exceptAll(latest.limit(1));
            }
            MergeCounts merged;
            try {
                merged = SilverMerge.merge(spark, silverPath,
                        pii.protect(silverRows(latest, table, context), table), table,
                        context.spec().maintenance(LakePaths.SILVER, table.name()).tableProperties());
            } finally {
                quarantining.exceptionally(e -> null).join(); // after a failed MERGE too: nothing left writing
            }
            quarantining.join(); // the quarantine's own failure, if any

            new RowAccounting(read, merged.inserted(), merged.updated(), merged.unchanged(), 0, quarantined,
                    d.dropped(), duplicates).check(table.name());
            appliedNow.put(table.name(), pending);

            double rate = read == 0 ? 0 : (double) quarantined / read;
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("{}: {} rows read -> {} inserted, {} updated, {} unchanged, {} quarantined, {} dropped, "
                            + "{} duplicates, in {} s ({} rows/s)", table.name(), read, merged.inserted(),
                    merged.updated(), merged.unchanged(), quarantined, d.dropped(), duplicates,
                    String.format("%.1f", seconds), Math.round(read / seconds));
            outcome.rowsRead(read).rowsWritten(merged.inserted() + merged.updated()).rowsQuarantined(quarantined)
                    .duplicatesDropped(duplicates)
                    .metric("rows_inserted", merged.inserted()).metric("rows_updated", merged.updated())
                    .metric("rows_unchanged", merged.unchanged()).metric("rows_dropped", d.dropped())
                    .metric("rows_warned", d.warned()).metric("quarantine_rate", String.format("%.5f", rate))
                    .metric("bronze_runs", String.join(",", pending));
            qualityGate(outcome, table, d.failing(), rate);
            return outcome.build();
        } finally {
            judged.unpersist();
        }
    }

    /** A change feed: events applied in sequence order, current state MERGEd, SCD2 history rebuilt. */
    private TableOutcome applyChangeFeed(JobContext context, TableSpec table, Set<String> recorded,
                                         Set<String> pending, Map<String, Set<String>> appliedNow) {
        TableOutcome.Builder outcome = TableOutcome.builder(table.name());
        if (pending.isEmpty()) {
            LOG.info("{}: no new bronze rows", table.name());
            return outcome.build();
        }
        long start = System.nanoTime();
        SparkSession spark = context.spark();
        Dataset<Row> bronze = spark.read().format("delta").load(context.lake().bronze(table.name()))
                .where(col(BronzeColumns.INGEST_RUN_ID).isin(recorded.toArray()));
        ChangeFeedApply.Result r = ChangeFeedApply.apply(spark, table, bronze, pending, context.runId(),
                new PiiProtection(context.spec()), context.lake().table("silver", table.name()),
                context.spec().maintenance(LakePaths.SILVER, table.name()).tableProperties(),
                context.lake().table("silver", "dim_" + table.name()),
                context.lake().table("silver", "_quarantine_" + table.name()));
        new RowAccounting(r.read(), r.inserted(), r.updated(), r.unchanged(), r.deleted(), r.quarantined(),
                r.dropped(), r.superseded()).check(table.name());
        appliedNow.put(table.name(), pending);
        double rate = r.read() == 0 ? 0 : (double) r.quarantined() / r.read();
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
                .metric("bronze_runs", String.join(",", pending));
        qualityGate(outcome, table, r.failing(), rate);
        return outcome.build();
    }

    /** Exit 3 when a fail rule was broken or too large a share of the rows was quarantined. */
    private static void qualityGate(TableOutcome.Builder outcome, TableSpec table, long failing, double rate) {
        if (failing > 0) {
            outcome.status(TableStatus.QUALITY_FAILED)
                    .message(failing + " row(s) broke a rule whose action is fail; they are in quarantine");
        } else if (rate > table.maxQuarantineRate()) {
            outcome.status(TableStatus.QUALITY_FAILED).message(String.format(
                    "quarantined %.2f %% of the rows read, above the table's quarantine.max_rate of %.2f %%",
                    rate * 100, table.maxQuarantineRate() * 100));
        }
    }

    /** One row per key: the latest by {@code latest_by}, ties broken by bronze position. */
    static Dataset<Row> latestPerKey(Dataset<Row> rows, TableSpec table) {
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
    private static Dataset<Row> silverRows(Dataset<Row> latest, TableSpec table, JobContext context) {
        List<Column> columns = new ArrayList<>();
        for (ColumnSpec c : table.schema()) {
            columns.add(col(c.name()));
        }
        columns.add(col(BronzeColumns.BATCH_DATE));
        columns.add(col(BronzeColumns.SOURCE_FILE));
        columns.add(col(BronzeColumns.SOURCE_LINE));
        columns.add(lit(context.runId()).as(SilverMerge.RUN_COLUMN));
        return latest.select(columns.toArray(new Column[0]));
    }
}
