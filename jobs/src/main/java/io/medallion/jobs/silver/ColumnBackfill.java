package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.medallion.config.ColumnSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.DeltaTables;
import io.medallion.lake.TableRef;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.JobDatasets;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code medallion silver --backfill-columns}: fills, in rows already in silver, the values their
 * own bronze row has and silver lacks: what a column added to the spec held before it was declared
 * (bronze kept it in {@code _rescued} or in a change event's image). Each silver row is matched to
 * the bronze row it was written from, by key and position ({@code _source_file}, {@code _source_line})
 * or, for a change feed, by key and sequence number, so no other version's value can slip in. Only a
 * null is filled, so a second run finds nothing to do.
 */
public final class ColumnBackfill implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(ColumnBackfill.class);
    /** The ledger metric: silver rows that gained at least one value. */
    public static final String ROWS_BACKFILLED = "rows_backfilled";
    private static final String FILLS = "_fills";

    @Override
    public String name() {
        return "silver-backfill";
    }

    @Override
    public JobDatasets datasets(JobContext context) {
        return JobDatasets.of(context.lake(), List.of(),
                context.tables().stream().map(t -> TableRef.bronze(t.name())).toList(),
                context.tables().stream().map(t -> TableRef.silver(t.name())).toList());
    }

    @Override
    public List<String> refusals(JobContext context) {
        return new SilverJob().refusals(context);
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        return PerTable.run(context.tables(), 4, table -> backfill(context, table));
    }

    private static TableOutcome backfill(JobContext context, TableSpec table) {
        TableOutcome.Builder outcome = TableOutcome.builder(table.name());
        SparkSession spark = context.spark();
        SilverTableRun run = SilverTableRun.of(context, table, Set.of());
        if (table.key().isEmpty() || !DeltaTable.isDeltaTable(spark, run.silverPath())
                || !DeltaTable.isDeltaTable(spark, run.bronzePath())) {
            return outcome.message("no silver table yet: nothing to backfill").build();
        }
        long start = System.nanoTime();
        SilverSchemaChanges.applyTo(spark, run.silverPath(), table);
        Dataset<Row> bronze = spark.read().format("delta").load(run.bronzePath());
        List<String> match = new ArrayList<>(table.key());
        Dataset<Row> source;
        if (table.cdc().isPresent()) {
            match.add(ChangeFeedApplier.SEQ);
            source = ChangeFeedApplier.events(run, bronze);
        } else {
            match.add(BronzeColumns.SOURCE_FILE);
            match.add(BronzeColumns.SOURCE_LINE);
            source = Cleaning.typed(Cleaning.withDeclaredColumns(
                    bronze.where(col(BronzeColumns.PARSE_ERROR).isNull()), table), table);
        }
        List<String> filled = table.schema().stream().map(ColumnSpec::name).filter(c -> !table.key().contains(c))
                .toList();
        List<Column> columns = new ArrayList<>();
        match.forEach(c -> columns.add(col(c)));
        filled.forEach(c -> columns.add(col(c)));
        Dataset<Row> rows = run.pii().protect(source, table).select(columns.toArray(new Column[0]))
                .dropDuplicates(match.toArray(new String[0]));

        // Only the silver rows that gain a value are MERGE sources, so no other file is rewritten.
        List<Column> silverColumns = new ArrayList<>();
        match.forEach(c -> silverColumns.add(col(c)));
        filled.forEach(c -> silverColumns.add(col(c).as("_t_" + c)));
        Dataset<Row> silver = spark.read().format("delta").load(run.silverPath())
                .select(silverColumns.toArray(new Column[0]));
        Column gains = lit(false);
        for (String c : filled) {
            gains = gains.or(col("_t_" + c).isNull().and(col(c).isNotNull()));
        }
        Dataset<Row> joined = rows.join(silver, scala(match), "inner").where(gains)
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        try {
            // What each column gains, counted before the MERGE changes what silver holds.
            List<Column> counts = filled.stream().map(c -> count(when(col("_t_" + c).isNull()
                    .and(col(c).isNotNull()), 1)).as(c)).toList();
            Row gained = joined.agg(counts.get(0), counts.subList(1, counts.size()).toArray(new Column[0])).first();
            Map<String, Long> byColumn = new LinkedHashMap<>();
            for (int i = 0; i < filled.size(); i++) {
                if (gained.getLong(i) > 0) {
                    byColumn.put(filled.get(i), gained.getLong(i));
                }
            }
            Dataset<Row> fills = joined.drop(filled.stream().map(c -> "_t_" + c).toArray(String[]::new));
            List<String> on = match.stream().map(c -> "t.`" + c + "` = s.`" + c + "`").toList();
            Map<String, String> set = new LinkedHashMap<>();
            filled.forEach(c -> set.put("`" + c + "`", "coalesce(t.`" + c + "`, s.`" + c + "`)"));
            long updated = byColumn.isEmpty() ? 0 : DeltaTables.metric(DeltaTables.merge(spark, run.silverPath(),
                    DeltaTable.forPath(spark, run.silverPath()).as("t").merge(fills.as("s"), String.join(" AND ", on))
                            .whenMatched().updateExpr(set)), "numTargetRowsUpdated");
            long read = bronze.count();
            LOG.info("{}: {} bronze rows read, {} silver row(s) backfilled {} in {} s", table.name(), read, updated,
                    byColumn, String.format("%.1f", (System.nanoTime() - start) / 1e9));
            return outcome.status(TableStatus.SUCCEEDED).rowsRead(read).rowsWritten(updated)
                    .metric(ROWS_BACKFILLED, updated).metric("columns_backfilled", byColumn.toString()).build();
        } finally {
            joined.unpersist();
        }
    }
    private static scala.collection.Seq<String> scala(List<String> columns) {
        return io.medallion.interop.Scala.seq(columns);
    }
}
