package io.medallion.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.substring_index;

import io.medallion.lake.LakeCatalog;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import io.medallion.lake.LakePaths;
import io.medallion.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares the data tables (bronze, silver, gold) of two lakes built from the same landing data,
 * row for row. Columns that name the run (run ids, timestamps) differ by nature and are left
 * out; a landing file's path is compared from its table folder on, since the roots differ.
 * {@code deploy/standalone/run-tpch.sh} runs it as a program: {@code LakeComparison LAKE_A LAKE_B}
 * prints the differences and exits 1 when there are any.
 */
public final class LakeComparison {
    private LakeComparison() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: LakeComparison LAKE_ROOT_A LAKE_ROOT_B");
            System.exit(2);
        }
        SparkSession spark = TestSpark.session();
        List<String> tables = dataTables(spark, args[0]);
        Map<String, String> differences = differences(spark, args[0], args[1]);
        spark.stop();
        differences.forEach((table, what) -> System.out.println("different: " + table + ": " + what));
        System.out.println(differences.isEmpty() ? "the " + tables.size() + " tables are equal: " + tables
                : differences.size() + " table(s) differ");
        System.exit(differences.isEmpty() ? 0 : 1);
    }

    /** Per table, how many rows one lake has that the other has not (both ways); empty when equal. */
    public static Map<String, String> differences(SparkSession spark, String rootA, String rootB) {
        List<String> tablesA = dataTables(spark, rootA);
        List<String> tablesB = dataTables(spark, rootB);
        Map<String, String> differences = new java.util.concurrent.ConcurrentSkipListMap<>();
        if (!tablesA.equals(tablesB)) {
            differences.put("(tables)", tablesA + " vs " + tablesB);
            return differences;
        }
        // Small tables cost mostly driver time (Delta log reads, job scheduling): a few at once.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (String name : tablesA) {
                done.add(pool.submit(() -> compare(spark, name, rootA, rootB).ifPresent(d -> differences.put(name, d))));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("comparing the lakes failed", e);
        } finally {
            pool.shutdownNow();
        }
        return differences;
    }

    /**
     * One table of both lakes in one aggregation: each distinct row's count in the first lake
     * minus its count in the second; any row left over is a difference.
     */
    private static java.util.Optional<String> compare(SparkSession spark, String name, String rootA, String rootB) {
        TableRef table = TableRef.parse(name);
        Dataset<Row> a = comparable(spark.read().format("delta").load(new LakeCatalog(spark,
                new LakePaths(rootA)).path(table)));
        Dataset<Row> b = comparable(spark.read().format("delta").load(new LakeCatalog(spark,
                new LakePaths(rootB)).path(table)));
        Column[] columns = java.util.Arrays.stream(a.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
        Row r = a.withColumn("_side", lit(1L)).unionByName(b.withColumn("_side", lit(-1L)))
                .groupBy(columns).agg(sum("_side").as("d"), sum(when(col("_side").equalTo(1L), 1L).otherwise(0L)).as("na"),
                        sum(when(col("_side").equalTo(-1L), 1L).otherwise(0L)).as("nb"))
                .agg(sum(greatest(col("d"), lit(0L))), sum(greatest(col("d").multiply(-1), lit(0L))), sum("na"), sum("nb"))
                .first();
        long onlyA = r.isNullAt(0) ? 0 : r.getLong(0);
        long onlyB = r.isNullAt(1) ? 0 : r.getLong(1);
        long rowsA = r.isNullAt(2) ? 0 : r.getLong(2);
        long rowsB = r.isNullAt(3) ? 0 : r.getLong(3);
        if (onlyA != 0 || onlyB != 0 || rowsA == 0) {
            return java.util.Optional.of(rowsA + " vs " + rowsB + " rows; " + onlyA + " only in the first, " + onlyB
                    + " only in the second");
        }
        return java.util.Optional.empty();
    }

    /** The bronze, silver and gold tables of a lake, sorted. */
    public static List<String> dataTables(SparkSession spark, String root) {
        return new LakeCatalog(spark, new LakePaths(root)).tables().stream()
                .filter(t -> t.layer() != Layer.OPS).map(TableRef::toString).sorted().toList();
    }

    private static Dataset<Row> comparable(Dataset<Row> table) {
        List<Column> columns = new ArrayList<>();
        for (String name : table.columns()) {
            if (name.endsWith("run_id") || name.endsWith("_at")) {
                continue;
            }
            columns.add(name.equals("_source_file")
                    ? substring_index(col(name), "/", -3).as(name) : col(name));
        }
        return table.select(columns.toArray(new Column[0]));
    }
}
