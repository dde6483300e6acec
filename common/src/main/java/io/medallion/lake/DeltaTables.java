package io.medallion.lake;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Small Delta helpers the jobs share. */
public final class DeltaTables {
    private DeltaTables() {
    }

    /** Creates an empty table with the schema of {@code shape} unless one exists, so later writes can MERGE into it. */
    public static void createIfMissing(SparkSession spark, String path, Dataset<Row> shape, List<String> partitionBy) {
        if (DeltaTable.isDeltaTable(spark, path)) {
            return;
        }
        DataFrameWriter<Row> writer = shape.limit(0).write().format("delta").mode("append");
        if (!partitionBy.isEmpty()) {
            writer = writer.partitionBy(partitionBy.toArray(new String[0]));
        }
        writer.save(path);
    }

    /** The metrics of the MERGE just run on the table; see {@link #lastCommitMetrics}. */
    public static Map<String, String> lastMergeMetrics(SparkSession spark, String path) {
        return lastCommitMetrics(spark, path, "MERGE");
    }

    /**
     * The operation metrics of the table's latest commit, which must be the {@code operation} just
     * run (one writer per table at a time): Delta's own count of what the commit did.
     */
    public static Map<String, String> lastCommitMetrics(SparkSession spark, String path, String operation) {
        Row last = DeltaTable.forPath(spark, path).history(1).select("operation", "operationMetrics").first();
        if (!operation.equals(last.getString(0))) {
            throw new IllegalStateException("expected the " + operation + " as the latest commit of " + path + ", found "
                    + last.getString(0) + "; is another writer active on this table?");
        }
        return last.getJavaMap(1);
    }

    public static long metric(Map<String, String> metrics, String name) {
        return Long.parseLong(metrics.getOrDefault(name, "0"));
    }
}
