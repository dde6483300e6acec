package io.medallion.lake;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A table in {@code ops} that a job reads whole and appends to once per run: ingested files,
 * silver and gold progress, quality results and metrics. The run's one commit creates it, so a
 * table that does not exist yet simply has no rows.
 */
public record OpsTable(SparkSession spark, String path, StructType schema) {
    public static OpsTable in(SparkSession spark, LakePaths lake, String name, StructType schema) {
        return new OpsTable(spark, lake.ops(name), schema);
    }

    /** The table's rows; none before a run has created it. */
    public Optional<Dataset<Row>> read() {
        return DeltaTable.isDeltaTable(spark, path) ? Optional.of(spark.read().format("delta").load(path))
                : Optional.empty();
    }

    /** Appends the rows in one commit, which creates the table on its first run; nothing when there are none. */
    public void append(List<Row> rows) {
        if (!rows.isEmpty()) {
            spark.createDataFrame(rows, schema).write().format("delta").mode("append").save(path);
        }
    }
}
