package io.medallion.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Makes lake tables queryable by layer and name ({@code silver.orders}, {@code ops.runs}) in
 * Spark SQL: each is a view in the session catalog over its Delta path, so nothing outside the
 * session changes. A view can be pinned to a table version, so one run reads one snapshot.
 */
public final class LakeCatalog {
    private final SparkSession spark;
    private final LakePaths lake;

    public LakeCatalog(SparkSession spark, LakePaths lake) {
        this.spark = spark;
        this.lake = lake;
    }

    public SparkSession spark() {
        return spark;
    }

    /** Every Delta table in the lake. */
    public List<TableRef> tables() {
        return tables(lake, spark.sparkContext().hadoopConfiguration());
    }

    /** Every Delta table in the lake, found without a session: for checks before Spark starts. */
    public static List<TableRef> tables(LakePaths lake, Configuration hadoop) {
        List<TableRef> names = new ArrayList<>();
        for (Layer layer : Layer.values()) {
            try {
                Path dir = new Path(lake.folder(layer));
                FileSystem fs = dir.getFileSystem(hadoop);
                if (!fs.exists(dir)) {
                    continue;
                }
                for (FileStatus s : fs.listStatus(dir)) {
                    if (s.isDirectory() && fs.exists(new Path(s.getPath(), "_delta_log"))) {
                        names.add(new TableRef(layer, s.getPath().getName()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + lake.folder(layer), e);
            }
        }
        return names;
    }

    public String path(TableRef table) {
        return lake.path(table);
    }

    public boolean exists(TableRef name) {
        return currentVersion(name) >= 0;
    }

    /** The version a query reading the table now would see; -1 when there is no such table. */
    public long currentVersion(TableRef name) {
        return DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path(name));
    }

    /** The lake's tables as {@code layer.table} names, for messages. */
    public String names() {
        return String.join(", ", tables().stream().map(TableRef::toString).toList());
    }

    /** The table's row count at {@code version}; Delta answers it from the log's file statistics. */
    public long rowCount(TableRef name, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(path(name)).count();
    }

    /** {@code layer.table} as the table's latest version. */
    public void register(TableRef name) {
        define(name, "SELECT * FROM delta.`" + path(name) + "`");
    }

    /** {@code layer.table} as the given version of the table. */
    public void registerAt(TableRef name, long version) {
        define(name, "SELECT * FROM delta.`" + path(name) + "` VERSION AS OF " + version);
    }

    /** {@code layer.table} as any query, such as a table's changed rows. */
    public void define(TableRef name, String query) {
        spark.sql("CREATE DATABASE IF NOT EXISTS " + name.layer());
        spark.sql("CREATE OR REPLACE VIEW " + name + " AS " + query);
    }
}
