package io.medallion.jobs.gold;

import io.medallion.lake.DeltaTables;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.TableRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
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
    private final LakeCatalog catalog;
    private final String scratch;
    private final Set<TableRef> substituted = new LinkedHashSet<>();

    ChangedRows(SparkSession spark, LakeCatalog catalog, String scratch) {
        this.spark = spark;
        this.catalog = catalog;
        this.scratch = scratch;
    }

    /**
     * Writes the rows of {@code table} changed in versions {@code from} to {@code to} to the
     * scratch folder; returns how many rows that is. Needs no lock on the catalog: nothing is
     * defined in it yet.
     */
    long write(TableRef table, long from, long to) {
        Dataset<Row> changes = spark.read().format("delta").option("readChangeFeed", "true")
                .option("startingVersion", from).option("endingVersion", to).load(catalog.path(table))
                .drop("_change_type", "_commit_version", "_commit_timestamp");
        changes.write().format("delta").mode("overwrite").save(path(table));
        // The write's own commit counts its rows: no Spark job (the folder is this model's alone).
        return DeltaTables.lastWriteRows(spark, path(table));
    }

    /** Defines {@code table} in the catalog as the changed rows {@link #write} stored; hold the catalog's lock. */
    void substitute(TableRef table) {
        catalog.define(table, "SELECT * FROM delta.`" + path(table) + "`");
        substituted.add(table);
    }

    private String path(TableRef table) {
        return scratch + "/" + table;
    }

    /**
     * Points the substituted tables back at the tables, then removes the folder. In that order: a
     * view redefined after its folder is gone makes Spark log a failed attempt to uncache it.
     */
    @Override
    public void close() {
        synchronized (catalog) {
            substituted.forEach(catalog::register);
        }
        try {
            Path dir = new Path(scratch);
            dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the scratch folder " + scratch, e);
        }
    }
}
