package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.medallion.config.TableSpec;
import io.medallion.interop.Scala;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.TableRef;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.JobDatasets;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code medallion quarantine replay}: judges a table's quarantined rows again against today's
 * spec, after a rule was widened or a reference's parents arrived (also rows whose late-parent
 * retry window expired). The rows come from bronze (the
 * quarantine's {@code raw} copy has its PII protected), are cleaned and judged as silver does, and
 * those that pass go through the same deduplication and MERGE: of several versions of a key the
 * latest wins, and a silver row newer than a replayed one is kept. Their quarantine records are
 * marked {@code released}, or {@code dropped} when a drop rule now leaves them out, so a second
 * replay moves nothing. Lines that did not parse in bronze stay: replay cannot change a parse.
 *
 * <p>Every record replayed is accounted for: read = inserted + updated + unchanged + superseded
 * (an older version than silver's, or than another replayed row of its key) + dropped + still
 * quarantined, or the table fails before its quarantine changes.
 */
public final class QuarantineReplay implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(QuarantineReplay.class);
    static final String RELEASED = "released";
    static final String DROPPED = "dropped";

    private final Optional<String> rule;
    private final Optional<LocalDate> since;
    private final boolean dryRun;
    private final Consumer<String> report;

    /**
     * @param rule only records that broke this rule
     * @param since only records quarantined on or after this day
     * @param report where the per-rule summary of each table goes
     */
    public QuarantineReplay(Optional<String> rule, Optional<LocalDate> since, boolean dryRun, Consumer<String> report) {
        this.rule = rule;
        this.since = since;
        this.dryRun = dryRun;
        this.report = report;
    }

    @Override
    public String name() {
        return "quarantine-replay";
    }

    /** A replay merges into silver: the same spec changes are refused as for silver's own runs. */
    @Override
    public List<String> refusals(JobContext context) {
        return new SilverJob().refusals(context);
    }

    @Override
    public JobDatasets datasets(JobContext context) {
        List<TableRef> reads = new ArrayList<>();
        List<TableRef> writes = new ArrayList<>();
        for (TableSpec t : context.tables()) {
            reads.add(TableRef.bronze(t.name()));
            reads.add(TableRef.silver(t.name()).quarantine());
            if (!dryRun) {
                writes.add(TableRef.silver(t.name()));
                writes.add(TableRef.silver(t.name()).quarantine());
            }
        }
        return JobDatasets.of(context.lake(), List.of(), reads, writes);
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        // One table after another: each is small, and a reference rule may need the table before it.
        return PerTable.run(SilverJob.parentsFirst(context.tables()), 1, table -> replay(context, table));
    }

    private TableOutcome replay(JobContext context, TableSpec table) {
        SparkSession spark = context.spark();
        TableOutcome.Builder outcome = TableOutcome.builder(table.name()).metric("dry_run", dryRun);
        if (table.cdc().isPresent()) {
            return outcome.status(TableStatus.FAILED).message("replay applies to keyed tables; a change feed is "
                    + "derived again from all of bronze on every silver run").build();
        }
        SilverTableRun run = SilverTableRun.of(context, table, java.util.Set.of());
        if (!DeltaTable.isDeltaTable(spark, run.quarantinePath())) {
            report.accept(table.name() + ": no quarantine");
            return outcome.build();
        }
        Dataset<Row> quarantine = spark.read().format("delta").load(run.quarantinePath());
        Column waiting = java.util.Arrays.asList(quarantine.columns()).contains(QuarantineWriter.STATUS)
                ? col(QuarantineWriter.STATUS).isNull()
                        .or(col(QuarantineWriter.STATUS).isin(QuarantineWriter.QUARANTINED, LateParents.EXPIRED))
                : lit(true);
        Dataset<Row> records = quarantine.where(waiting);
        if (rule.isPresent()) {
            records = records.where(array_contains(col(QuarantineWriter.RULES), rule.get()));
        }
        if (since.isPresent()) {
            records = records.where(to_date(col(QuarantineWriter.QUARANTINED_AT)).geq(lit(java.sql.Date.valueOf(since.get()))));
        }
        records = records.select(col(BronzeColumns.INGEST_RUN_ID), col(BronzeColumns.SOURCE_FILE),
                col(BronzeColumns.SOURCE_LINE), col(QuarantineWriter.RULES).as("_was")).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return replay(run, outcome, records);
        } finally {
            records.unpersist();
        }
    }

    private TableOutcome replay(SilverTableRun run, TableOutcome.Builder outcome, Dataset<Row> records) {
        TableSpec table = run.table();
        SparkSession spark = run.spark();
        List<String> line = List.of(BronzeColumns.INGEST_RUN_ID, BronzeColumns.SOURCE_FILE, BronzeColumns.SOURCE_LINE);
        Dataset<Row> bronze = spark.read().format("delta").load(run.bronzePath())
                .join(records, Scala.seq(line), "left_semi");
        Dataset<Row> judged = run.judge(bronze).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long read = records.count();
            DispositionCounts d = DispositionCounts.of(judged, lit(true), table.key());
            long stillQuarantined = read - d.kept() - d.dropped();
            report.accept(summary(table.name(), records, judged));
            outcome.rowsRead(read).metric("rows_passing", d.kept()).metric("rows_dropped", d.dropped())
                    .metric("rows_still_quarantined", stillQuarantined);
            if (dryRun || d.kept() + d.dropped() == 0) {
                return outcome.rowsQuarantined(stillQuarantined).build();
            }
            Dataset<Row> passing = judged.where(col(RowRules.DISPOSITION).equalTo(RowRules.KEEP));
            Dataset<Row> candidates = run.pii().protect(KeyedApplier.silverRows(
                    KeyedApplier.latestPerKey(passing, table), table, run.runId()), table);
            Dataset<Row> newer = KeyedApplier.newerThanSilver(spark, run, candidates);
            SilverSchemaChanges.applyTo(spark, run.silverPath(), table); // today's spec may add a column
            MergeCounts merged = KeyedMerge.merge(spark, run.silverPath(), newer, table, run.properties());
            long superseded = d.kept() - merged.inserted() - merged.updated() - merged.unchanged();
            new RowAccounting(read, merged.inserted(), merged.updated(), merged.unchanged(), 0, stillQuarantined,
                    d.dropped(), superseded).check(table.name());
            mark(spark, run.quarantinePath(), judged);
            LOG.info("{}: {} quarantined rows replayed -> {} inserted, {} updated, {} unchanged, {} superseded, "
                            + "{} dropped, {} still quarantined", table.name(), read, merged.inserted(), merged.updated(),
                    merged.unchanged(), superseded, d.dropped(), stillQuarantined);
            return outcome.rowsWritten(merged.inserted() + merged.updated()).rowsQuarantined(stillQuarantined)
                    .duplicatesDropped(superseded).metric("rows_inserted", merged.inserted())
                    .metric("rows_updated", merged.updated()).metric("rows_unchanged", merged.unchanged())
                    .metric("rows_superseded", superseded).build();
        } finally {
            judged.unpersist();
        }
    }

    /** The records whose rows now pass are released; those a drop rule now leaves out, dropped. */
    private static void mark(SparkSession spark, String path, Dataset<Row> judged) {
        QuarantineWriter.addStatusColumn(spark, path);
        QuarantineWriter.setStatus(spark, path, judged.where(col(RowRules.DISPOSITION).isin(RowRules.KEEP, "drop"))
                .select(col(BronzeColumns.SOURCE_FILE), col(BronzeColumns.SOURCE_LINE),
                        when(col(RowRules.DISPOSITION).equalTo(RowRules.KEEP), lit(RELEASED)).otherwise(lit(DROPPED))
                                .as(QuarantineWriter.NEW_STATUS)));
    }

    /** Per rule the records broke: how many, and how many now pass, are dropped or stay. */
    private static String summary(String table, Dataset<Row> records, Dataset<Row> judged) {
        Dataset<Row> decided = records.join(judged.select(col(BronzeColumns.INGEST_RUN_ID),
                        col(BronzeColumns.SOURCE_FILE), col(BronzeColumns.SOURCE_LINE), col(RowRules.DISPOSITION)),
                Scala.seq(List.of(BronzeColumns.INGEST_RUN_ID, BronzeColumns.SOURCE_FILE, BronzeColumns.SOURCE_LINE)),
                "left");
        Column disposition = col(RowRules.DISPOSITION);
        List<Row> rows = decided.select(explode(col("_was")).as("rule"), disposition).groupBy("rule")
                .agg(count(lit(1)), count(when(disposition.equalTo(RowRules.KEEP), 1)),
                        count(when(disposition.equalTo("drop"), 1)))
                .orderBy("rule").collectAsList();
        Map<String, long[]> byRule = new LinkedHashMap<>();
        rows.forEach(r -> byRule.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3)}));
        StringBuilder text = new StringBuilder(table + ": quarantined rows by the rule they broke, judged again:\n");
        text.append(String.format("  %-28s %10s %10s %10s %10s%n", "rule", "records", "pass", "dropped", "stay"));
        byRule.forEach((r, n) -> text.append(String.format("  %-28s %,10d %,10d %,10d %,10d%n", r, n[0], n[1], n[2],
                n[0] - n[1] - n[2])));
        if (byRule.isEmpty()) {
            text.append("  (nothing waiting)\n");
        }
        return text.toString().stripTrailing();
    }
}
