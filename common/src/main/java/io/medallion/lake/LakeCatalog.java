package io.medallion.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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
    public static final List<String> LAYERS = List.of(LakePaths.BRONZE, LakePaths.SILVER, LakePaths.GOLD,
            LakePaths.OPS);

    private final SparkSession spark;
    private final LakePaths lake;

    public LakeCatalog(SparkSession spark, LakePaths lake) {
        this.spark = spark;
        this.lake = lake;
    }

    public SparkSession spark() {
        return spark;
    }

    /** Every Delta table in the lake, as {@code layer.table}. */
    public List<String> tables() {
        List<String> names = new ArrayList<>();
        for (String layer : LAYERS) {
            try {
                Path dir = new Path(lake.root() + "/" + layer);
                FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
                if (!fs.exists(dir)) {
                    continue;
                }
                for (FileStatus s : fs.listStatus(dir)) {
                    if (s.isDirectory() && fs.exists(new Path(s.getPath(), "_delta_log"))) {
                        names.add(layer + "." + s.getPath().getName());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + lake.root() + "/" + layer, e);
            }
        }
        return names;
    }

    /** The table's path for a {@code layer.table} name. */
    public String path(String name) {
        String[] parts = name.split("\\.", 2);
        if (parts.length != 2 || !LAYERS.contains(parts[0])) {
            throw new IllegalArgumentException("'" + name + "' is not a lake table name; write layer.table with layer "
                    + "one of " + String.join(", ", LAYERS));
        }
        return lake.table(parts[0], parts[1]);
    }

    public boolean exists(String name) {
        return currentVersion(name) >= 0;
    }

    /** The version a query reading the table now would see; -1 when there is no such table. */
    public long currentVersion(String name) {
        return DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path(name));
    }

    /** The table's row count at {@code version}; Delta answers it from the log's file statistics. */
    public long rowCount(String name, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(path(name)).count();
    }

    /** {@code layer.table} as the table's latest version. */
    public void register(String name) {
        define(name, "SELECT * FROM delta.`" + path(name) + "`");
    }

    /** {@code layer.table} as the given version of the table. */
    public void registerAt(String name, long version) {
        define(name, "SELECT * FROM delta.`" + path(name) + "` VERSION AS OF " + version);
    }

    /** {@code layer.table} as any query, such as a table's changed rows. */
    public void define(String name, String query) {
        String layer = name.substring(0, name.indexOf('.'));
        spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
        spark.sql("CREATE OR REPLACE VIEW " + name + " AS " + query);
    }
}
