package io.medallion.jobs.silver;

import io.delta.tables.DeltaTable;
import io.medallion.config.ColumnSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.DeltaTables;
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

    static MergeCounts merge(SparkSession spark, String path, Dataset<Row> rows, TableSpec table,
                             Map<String, String> properties) {
        DeltaTables.createIfMissing(spark, path, rows, table.partitionBy(), DeltaTables.withChangeFeed(properties));
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
        Map<String, String> metrics = DeltaTables.lastMergeMetrics(spark, path);
        long source = DeltaTables.metric(metrics, "numSourceRows");
        long inserted = DeltaTables.metric(metrics, "numTargetRowsInserted");
        long updated = DeltaTables.metric(metrics, "numTargetRowsUpdated");
        return new MergeCounts(inserted, updated, source - inserted - updated);
    }
}
