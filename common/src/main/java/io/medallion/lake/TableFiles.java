package io.medallion.lake;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import io.medallion.interop.Scala;

/**
 * The data files of a Delta table's current version, per partition, read from the Delta log's
 * state (no data file is opened), so checking whether a table needs compaction costs little.
 * The one place that reaches into Delta's Scala snapshot API.
 */
public final class TableFiles {
    private TableFiles() {
    }

    /**
     * One partition's files; {@code values} are in the order of the table's partition columns (null
     * for null). {@code unorderedBytes}: the bytes of the files not Z-ordered by the columns asked
     * about (0 when none were asked about).
     */
    public record Partition(List<String> values, long files, long bytes, long smallFiles, long unorderedBytes) {
    }

    /** The whole table's files: counts, bytes and the partitions, for {@code small} = smaller than a size. */
    public record Summary(List<String> partitionColumns, List<Partition> partitions) {
        public long files() {
            return partitions.stream().mapToLong(Partition::files).sum();
        }

        public long bytes() {
            return partitions.stream().mapToLong(Partition::bytes).sum();
        }

        public double meanFileBytes() {
            return files() == 0 ? 0 : (double) bytes() / files();
        }
    }

    public static List<String> partitionColumns(SparkSession spark, String path) {
        return List.copyOf(Scala.list(snapshot(spark, path).metadata().partitionColumns()));
    }

    /** The table's files grouped by partition; a file below {@code smallBelowBytes} counts as small. */
    public static Summary summarize(SparkSession spark, String path, long smallBelowBytes) {
        return summarize(spark, path, smallBelowBytes, List.of(), "");
    }

    /**
     * As {@link #summarize(SparkSession, String, long)}, only for the partitions {@code where}
     * selects (a SQL condition on partition columns, blank for all), and with the bytes per
     * partition of the files that an {@code OPTIMIZE ZORDER BY} of {@code zorderBy} did not write.
     * Delta 3.3 does not tag the files Z-order writes, so the commits that added them are read
     * from the log ({@link DeltaLogFiles#addedBy}); only when {@code zorderBy} is not empty.
     */
    public static Summary summarize(SparkSession spark, String path, long smallBelowBytes, List<String> zorderBy,
                                    String where) {
        Snapshot snapshot = snapshot(spark, path);
        StructType partitionSchema = snapshot.metadata().partitionSchema();
        List<String> partitionColumns = List.of(partitionSchema.fieldNames());
        Dataset<Row> files = snapshot.allFiles().toDF();
        List<Column> keys = new ArrayList<>();
        Column ordered = lit(true);
        if (!zorderBy.isEmpty()) {
            Set<String> orderedPaths = zOrdered(spark, path, files, zorderBy);
            Dataset<Row> marks = spark.createDataset(List.copyOf(orderedPaths), Encoders.STRING()).toDF("path")
                    .withColumn("ordered", lit(true));
            files = files.join(functions.broadcast(marks), files.col("path").equalTo(marks.col("path")), "left")
                    .drop(marks.col("path"));
            ordered = coalesce(col("ordered"), lit(false));
        }
        List<Column> projection = new ArrayList<>(List.of(col("size"), ordered.as("ordered")));
        for (int i = 0; i < partitionSchema.fields().length; i++) {
            StructField f = partitionSchema.fields()[i];
            Column value = col("partitionValues").getItem(f.name());
            projection.add(value.as("_p" + i));
            projection.add(value.cast(f.dataType()).as(f.name())); // typed, for `where`
            keys.add(col("_p" + i));
        }
        files = files.select(projection.toArray(new Column[0]));
        if (!where.isBlank()) {
            files = files.where(where);
        }
        Dataset<Row> grouped = (keys.isEmpty() ? files.groupBy() : files.groupBy(keys.toArray(new Column[0])))
                .agg(count(lit(1)).as("files"), sum(col("size")).as("bytes"),
                        sum(when(col("size").lt(smallBelowBytes), 1).otherwise(0)).as("small"),
                        sum(when(col("ordered"), 0L).otherwise(col("size"))).as("unordered"));
        List<Partition> partitions = new ArrayList<>();
        for (Row r : grouped.collectAsList()) {
            long n = r.getLong(r.fieldIndex("files"));
            if (n == 0) {
                continue; // an empty table still yields one group
            }
            List<String> values = new ArrayList<>();
            for (int i = 0; i < partitionColumns.size(); i++) {
                values.add(r.isNullAt(i) ? null : r.getString(i));
            }
            partitions.add(new Partition(values, n, r.getLong(r.fieldIndex("bytes")), r.getLong(r.fieldIndex("small")),
                    r.getLong(r.fieldIndex("unordered"))));
        }
        return new Summary(partitionColumns, partitions);
    }

    /** The paths among {@code files} that an {@code OPTIMIZE ... ZORDER BY (zorderBy)} wrote. */
    private static Set<String> zOrdered(SparkSession spark, String path, Dataset<Row> files, List<String> zorderBy) {
        Set<String> current = new HashSet<>(files.select("path").as(Encoders.STRING()).collectAsList());
        return DeltaLogFiles.addedBy(spark.sparkContext().hadoopConfiguration(), path,
                c -> c.zOrderBy().equals(zorderBy), current);
    }

    /** The table's liquid clustering columns; empty when it is not clustered. */
    public static List<String> clusteringColumns(SparkSession spark, String path) {
        Row detail = spark.sql("DESCRIBE DETAIL delta.`" + path + "`").select("clusteringColumns").first();
        return detail.isNullAt(0) ? List.of() : List.copyOf(detail.<String>getList(0));
    }

    /** What a table is made of, from one snapshot of its log: its columns, its partitioning and its properties. */
    public record Shape(StructType schema, List<String> partitionColumns, Map<String, String> properties) {
    }

    /** The table's {@link Shape}, as its latest version has it. */
    public static Shape shape(SparkSession spark, String path) {
        var metadata = snapshot(spark, path).metadata();
        return new Shape(metadata.schema(), List.copyOf(Scala.list(metadata.partitionColumns())),
                Map.copyOf(Scala.map(metadata.configuration())));
    }

    /** The table's Delta properties ({@code delta.checkpointInterval} …). */
    public static Map<String, String> properties(SparkSession spark, String path) {
        return Map.copyOf(Scala.map(snapshot(spark, path).metadata().configuration()));
    }

    /** A SQL predicate selecting one partition, as OPTIMIZE's WHERE takes it. */
    public static String predicate(List<String> columns, Partition partition) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String value = partition.values().get(i);
            String column = "`" + columns.get(i) + "`";
            terms.add(value == null || value.isEmpty() ? column + " IS NULL"
                    : column + " = '" + value.replace("'", "''") + "'");
        }
        return terms.isEmpty() ? "true" : "(" + String.join(" AND ", terms) + ")";
    }

    private static Snapshot snapshot(SparkSession spark, String path) {
        return DeltaLog.forTable(spark, path).update(false, Scala.none(), Scala.none());
    }
}
