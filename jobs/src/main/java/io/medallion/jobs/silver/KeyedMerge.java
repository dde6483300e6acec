package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import io.medallion.config.ColumnSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.DeltaTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * SCD type 1 MERGE by business key: new keys are inserted, keys whose declared columns changed
 * are updated, and rows equal to the silver row of their key (replays, late copies) are counted as
 * unchanged and touch no file. The first load into a new table is an append. For a snapshot
 * source, the keys the snapshot no longer holds are deleted in the same commit.
 */
final class KeyedMerge {
    /** The silver run that last wrote a row. */
    static final String RUN_COLUMN = "_silver_run_id";
    /** Marks a source row equal to the silver row of its key; it is not written. */
    private static final String UNCHANGED = "_unchanged";
    /** Marks a key the snapshot no longer holds: its silver row is deleted. */
    private static final String DELETE = "_delete";

    private KeyedMerge() {
    }

    static MergeCounts merge(SparkSession spark, String path, Dataset<Row> rows, TableSpec table,
                             Map<String, String> properties) {
        return merge(spark, path, rows, table, properties, null);
    }

    /** @param gone the keys (as silver holds them) whose rows to delete; null when nothing is deleted */
    static MergeCounts merge(SparkSession spark, String path, Dataset<Row> rows, TableSpec table,
                             Map<String, String> properties, Dataset<Row> gone) {
        if (DeltaTables.createIfMissing(spark, path, rows, table.partitionBy(),
                DeltaTables.withChangeFeed(properties))) {
            return new MergeCounts(DeltaTables.appendToNew(spark, path, rows), 0, 0);
        }
        List<String> keys = new ArrayList<>();
        table.key().forEach(k -> keys.add("t.`" + k + "` = s.`" + k + "`"));
        List<String> same = new ArrayList<>(keys);
        List<Column> compared = new ArrayList<>();
        for (ColumnSpec c : table.schema()) {
            compared.add(col(c.name()));
            if (!table.key().contains(c.name())) {
                same.add("t.`" + c.name() + "` <=> s.`" + c.name() + "`");
            }
        }
        // Delta rewrites every file holding a key the source matches, whatever the clause says, so a
        // replayed row would rewrite its whole file to leave it as it was. Unchanged rows are marked
        // first and match nothing, and are still part of the source, so Delta's numSourceRows counts them.
        Dataset<Row> silver = spark.read().format("delta").load(path).select(compared.toArray(new Column[0]))
                .withColumn(UNCHANGED, lit(true));
        Dataset<Row> marked = rows.as("s").join(silver.as("t"), expr(String.join(" AND ", same)), "left_outer")
                .select(col("s.*"), col("t." + UNCHANGED));
        Map<String, String> values = new LinkedHashMap<>();
        for (String c : rows.columns()) {
            values.put("`" + c + "`", "s.`" + c + "`");
        }
        String changed = "s." + UNCHANGED + " IS NULL";
        if (gone != null) {
            // In the same MERGE as the changes, so a snapshot is applied in one commit or not at all.
            marked = marked.unionByName(gone.withColumn(DELETE, lit(true)), true);
        }
        DeltaMergeBuilder merge = DeltaTable.forPath(spark, path).as("t")
                .merge(marked.as("s"), String.join(" AND ", keys) + " AND " + changed);
        if (gone != null) {
            merge = merge.whenMatched("s." + DELETE + " = true").delete();
            changed += " AND s." + DELETE + " IS NULL";
        }
        Map<String, String> metrics = DeltaTables.merge(spark, path, merge.whenMatched().updateExpr(values)
                .whenNotMatched(changed).insertExpr(values));
        // Each deletion row is a key silver holds once, so it deletes exactly one row: Delta's count
        // of deleted rows is also how many of the source rows were deletions.
        long deleted = DeltaTables.metric(metrics, "numTargetRowsDeleted");
        // No commit: every source row was unchanged, and only a count says how many there were.
        long source = metrics.isEmpty() ? rows.count() : DeltaTables.metric(metrics, "numSourceRows") - deleted;
        long inserted = DeltaTables.metric(metrics, "numTargetRowsInserted");
        long updated = DeltaTables.metric(metrics, "numTargetRowsUpdated");
        return new MergeCounts(inserted, updated, source - inserted - updated, deleted);
    }
}
