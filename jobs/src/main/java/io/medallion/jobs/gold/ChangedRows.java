package io.medallion.jobs.gold;

import io.medallion.lake.LakeCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The rows of a table that changed between two versions, from Delta's change feed: inserted and
 * deleted rows, and both images of an updated row (the old one may sit in another partition).
 * They are written to a scratch folder so a catalog view can stand in for the table (a view in
 * the catalog may not read a table-valued function); {@link #close} removes the folder. The
 * scratch copy is a Delta table, not plain Parquet: Delta writes its files in place, where a
 * Parquet write commits by renaming folders, which on S3 is a copy and a delete of every file.
 */
final class ChangedRows implements AutoCloseable {
    private final SparkSession spark;
    private final String scratch;

    ChangedRows(SparkSession spark, String scratch) {
        this.spark = spark;
        this.scratch = scratch;
    }

    /**
     * Defines {@code table} in the catalog as its rows changed in versions {@code from} to
     * {@code to}; returns how many rows that is.
     */
    long substitute(LakeCatalog catalog, String table, long from, long to) {
        Dataset<Row> changes = spark.read().format("delta").option("readChangeFeed", "true")
                .option("startingVersion", from).option("endingVersion", to).load(catalog.path(table))
                .drop("_change_type", "_commit_version", "_commit_timestamp");
        String path = scratch + "/" + table;
        changes.write().format("delta").mode("overwrite").save(path);
        catalog.define(table, "SELECT * FROM delta.`" + path + "`");
        // The Delta log holds the row counts, so this reads no data.
        return spark.read().format("delta").load(path).count();
    }

    @Override
    public void close() {
        try {
            Path dir = new Path(scratch);
            dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the scratch folder " + scratch, e);
        }
    }
}
