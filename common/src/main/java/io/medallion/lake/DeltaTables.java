package io.medallion.lake;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Small Delta helpers the jobs share. */
public final class DeltaTables {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaTables.class);

    private DeltaTables() {
    }

    /** Table properties that record row-level changes, so downstream jobs can read only what changed. */
    public static final Map<String, String> CHANGE_FEED = Map.of("delta.enableChangeDataFeed", "true");

    /** {@code properties} plus {@link #CHANGE_FEED}. */
    public static Map<String, String> withChangeFeed(Map<String, String> properties) {
        Map<String, String> all = new java.util.LinkedHashMap<>(properties);
        all.putAll(CHANGE_FEED);
        return all;
    }

    /**
     * Creates an empty table with the schema of {@code shape} unless one exists, so later writes can
     * MERGE into it.
     *
     * @return whether it created the table, which is then empty
     */
    public static boolean createIfMissing(SparkSession spark, String path, Dataset<Row> shape,
                                          List<String> partitionBy) {
        return createIfMissing(spark, path, shape, partitionBy, Map.of());
    }

    /**
     * As {@link #createIfMissing(SparkSession, String, Dataset, List)}, with table properties. An
     * existing table must already be partitioned by {@code partitionBy}: see {@link #requirePartitioning}.
     */
    public static boolean createIfMissing(SparkSession spark, String path, Dataset<Row> shape,
                                          List<String> partitionBy, Map<String, String> properties) {
        if (DeltaTable.isDeltaTable(spark, path)) {
            requirePartitioning(spark, path, partitionBy);
            return false;
        }
        clearUncommittedLog(spark, path);
        // Nullable like a DataFrame write, so no NOT NULL constraints creep in from the shape.
        StructType schema = new StructType();
        for (StructField f : shape.schema().fields()) {
            schema = schema.add(f.name(), f.dataType(), true, f.metadata());
        }
        // Hadoop's form of the path (file:/x, not file:///x), which is how Delta compares locations.
        String location = new org.apache.hadoop.fs.Path(path).toString();
        DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark).location(location).addColumns(schema);
        if (!partitionBy.isEmpty()) {
            builder = builder.partitionedBy(partitionBy.toArray(new String[0]));
        }
        for (Map.Entry<String, String> p : properties.entrySet()) {
            builder = builder.property(p.getKey(), p.getValue());
        }
        builder.execute();
        return true;
    }

    /**
     * Removes a {@code _delta_log} folder that holds no commit: what a process killed while
     * creating the table leaves (Delta makes the folder, and {@code _commits} in it, before it
     * writes version 0). Delta's builder takes such a folder for an existing table and then fails
     * to read it, so that every rerun would fail; with no commit there is no table to lose.
     */
    private static void clearUncommittedLog(SparkSession spark, String path) {
        org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(path, "_delta_log");
        try {
            org.apache.hadoop.fs.FileSystem fs = log.getFileSystem(hadoop);
            if (fs.exists(log) && DeltaLogFiles.latestVersion(hadoop, path) < 0 && !hasCheckpoint(fs, log)) {
                LOG.warn("{} has a Delta log with no commit, left by a create that did not finish; removing it",
                        path);
                fs.delete(log, true);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot inspect the Delta log of " + path, e);
        }
    }

    private static boolean hasCheckpoint(org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path log)
            throws java.io.IOException {
        for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(log)) {
            if (f.getPath().getName().contains(".checkpoint") || f.getPath().getName().equals("_last_checkpoint")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Turns on the table's change feed if it is off (a table created before something reads its
     * changes). Its changes are readable from the next commit on.
     */
    public static void enableChangeFeed(SparkSession spark, String path) {
        String key = CHANGE_FEED.keySet().iterator().next();
        Map<String, String> properties = DeltaTable.forPath(spark, path).detail().select("properties").first()
                .getJavaMap(0);
        if (!"true".equals(properties.get(key))) {
            spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES ('" + key + "' = 'true')");
        }
    }

    /**
     * Appends the rows to a table that {@link #createIfMissing} has just created, in place of a
     * MERGE: into an empty table every source row is an insert, and the MERGE would spend a join
     * and several Spark jobs to find that out.
     *
     * @return how many rows the append wrote (Delta's {@code numOutputRows}); 0 when there were none,
     *     in which case Delta makes no commit and the table stays as created
     */
    public static long appendToNew(SparkSession spark, String path, Dataset<Row> rows) {
        long before = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path);
        rows.write().format("delta").mode("append").save(path);
        return metric(metricsSince(spark, path, "WRITE", before), "numOutputRows");
    }

    /**
     * Replaces the table's rows, columns and partitioning with {@code rows} in one commit, and sets
     * {@code properties} on it; a missing table is created. For a rebuild from the layer below.
     *
     * @return how many rows the table now holds
     */
    public static long replace(SparkSession spark, String path, Dataset<Row> rows, List<String> partitionBy,
                               Map<String, String> properties) {
        if (!DeltaTable.isDeltaTable(spark, path)) {
            createIfMissing(spark, path, rows, partitionBy, properties);
            return appendToNew(spark, path, rows);
        }
        var writer = rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true");
        if (!partitionBy.isEmpty()) {
            writer = writer.partitionBy(partitionBy.toArray(new String[0]));
        }
        writer.save(path);
        long written = lastWriteRows(spark, path);
        if (!properties.isEmpty()) {
            spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES (" + String.join(", ", properties.entrySet()
                    .stream().map(p -> "'" + p.getKey() + "' = '" + p.getValue() + "'").toList()) + ")");
        }
        return written;
    }

    /** How many rows the write just committed to the table wrote (Delta's {@code numOutputRows}); see {@link #lastCommit}. */
    public static long lastWriteRows(SparkSession spark, String path) {
        return metric(lastCommitMetrics(spark, path, "WRITE"), "numOutputRows");
    }

    /**
     * Refuses to go on when an existing table is partitioned otherwise than the spec now declares:
     * changing it means rewriting every file, which a job must not do silently.
     *
     * @throws IllegalStateException naming the table, both partitionings and what to do
     */
    public static void requirePartitioning(SparkSession spark, String path, List<String> declared) {
        List<String> actual = TableFiles.partitionColumns(spark, path);
        if (!actual.equals(declared)) {
            throw new IllegalStateException("the table at " + path + " is partitioned by " + describe(actual)
                    + " but the spec declares " + describe(declared) + "; a change of partitioning rewrites the "
                    + "whole table, so it is not done implicitly: move the table away (it is rebuilt from the layer "
                    + "below) or restore the spec's partition_by");
        }
    }

    private static String describe(List<String> columns) {
        return columns.isEmpty() ? "nothing (unpartitioned)" : "[" + String.join(", ", columns) + "]";
    }

    /**
     * Runs the MERGE and returns Delta's metrics of it, or an empty map when it changed nothing: a
     * MERGE with no row to write makes no commit, and the latest commit is then an earlier one.
     */
    public static Map<String, String> merge(SparkSession spark, String path, DeltaMergeBuilder merge) {
        long before = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path);
        merge.execute();
        return metricsSince(spark, path, "MERGE", before);
    }

    /**
     * Delta's metrics of the {@code operation} just committed to the table, which was at version
     * {@code before}; an empty map when it made no commit (a write or MERGE with no row).
     */
    public static Map<String, String> metricsSince(SparkSession spark, String path, String operation, long before) {
        DeltaLogFiles.CommitInfo last = lastCommit(spark, path, operation, before);
        return last == null ? Map.of() : last.operationMetrics();
    }

    /** The operation metrics of the table's latest commit; see {@link #lastCommit}. */
    public static Map<String, String> lastCommitMetrics(SparkSession spark, String path, String operation) {
        return lastCommit(spark, path, operation).operationMetrics();
    }

    /**
     * The table's latest commit, which must be the {@code operation} just run (one writer per table
     * at a time): Delta's own account of what the commit did.
     */
    public static DeltaLogFiles.CommitInfo lastCommit(SparkSession spark, String path, String operation) {
        return lastCommit(spark, path, operation, -1);
    }

    /** As {@link #lastCommit(SparkSession, String, String)}; null when the table is still at version {@code before}. */
    private static DeltaLogFiles.CommitInfo lastCommit(SparkSession spark, String path, String operation, long before) {
        DeltaLogFiles.CommitInfo last = DeltaLogFiles.latestCommit(spark.sparkContext().hadoopConfiguration(), path);
        if (last.version() == before) {
            return null;
        }
        if (!operation.equals(last.operation())) {
            throw new IllegalStateException("expected the " + operation + " as the latest commit of " + path + ", found "
                    + last.operation() + "; is another writer active on this table?");
        }
        return last;
    }

    public static long metric(Map<String, String> metrics, String name) {
        return Long.parseLong(metrics.getOrDefault(name, "0"));
    }
}
