package io.medallion.jobs.silver;

import io.delta.tables.DeltaTable;
import io.medallion.config.ColumnSpec;
import io.medallion.config.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * SCD type 1 MERGE by business key: new keys are inserted, keys whose declared columns changed
 * are updated, and matched rows with equal values are left alone, so files without changes are
 * not rewritten.
 */
final class SilverMerge {
    /** The silver run that last wrote a row. */
    static final String RUN_COLUMN = "_silver_run_id";

    private SilverMerge() {
    }

    static MergeCounts merge(SparkSession spark, String path, Dataset<Row> rows, TableSpec table) {
        if (!DeltaTable.isDeltaTable(spark, path)) {
            var writer = rows.limit(0).write().format("delta").mode("append");
            if (!table.partitionBy().isEmpty()) {
                writer = writer.partitionBy(table.partitionBy().toArray(new String[0]));
            }
            writer.save(path);
        }
        List<String> keys = new ArrayList<>();
        table.key().forEach(k -> keys.add("t.`" + k + "` = s.`" + k + "`"));
        List<String> same = new ArrayList<>();
        for (ColumnSpec c : table.schema()) {
            same.add("t.`" + c.name() + "` <=> s.`" + c.name() + "`");
        }
        DeltaTable.forPath(spark, path).as("t")
                .merge(rows.as("s"), String.join(" AND ", keys))
                .whenMatched("NOT (" + String.join(" AND ", same) + ")").updateAll()
                .whenNotMatched().insertAll()
                .execute();
        Row last = DeltaTable.forPath(spark, path).history(1).select("operation", "operationMetrics").first();
        if (!"MERGE".equals(last.getString(0))) {
            throw new IllegalStateException("expected the MERGE as the latest commit of " + path + ", found "
                    + last.getString(0) + "; is another writer active on this table?");
        }
        Map<String, String> metrics = last.getJavaMap(1);
        long source = Long.parseLong(metrics.getOrDefault("numSourceRows", "0"));
        long inserted = Long.parseLong(metrics.getOrDefault("numTargetRowsInserted", "0"));
        long updated = Long.parseLong(metrics.getOrDefault("numTargetRowsUpdated", "0"));
        return new MergeCounts(inserted, updated, source - inserted - updated);
    }
}
