package io.medallion.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.medallion.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A commit as the log records it: operation, metrics and the files it removed. */
class DeltaLogFilesTest {
    @TempDir
    Path dir;

    @Test
    void anOverwriteCountsTheFilesItReplacedThoughItsMetricsDoNot() {
        SparkSession spark = TestSpark.session();
        String path = dir.resolve("numbers").toString();
        spark.range(0, 100, 1, 3).write().format("delta").save(path);
        spark.range(0, 10, 1, 1).write().format("delta").mode("overwrite").save(path);

        DeltaLogFiles.CommitInfo overwrite = DeltaLogFiles.latestCommit(spark.sparkContext().hadoopConfiguration(),
                path);
        assertThat(overwrite.version()).isEqualTo(1);
        assertThat(overwrite.operation()).isEqualTo("WRITE");
        assertThat(overwrite.operationMetrics()).containsEntry("numFiles", "1").doesNotContainKey("numRemovedFiles");
        assertThat(overwrite.filesRemoved()).as("the three files of the first write").isEqualTo(3);

        DeltaLogFiles.CommitInfo first = DeltaLogFiles.commit(spark.sparkContext().hadoopConfiguration(), path, 0);
        assertThat(first.filesRemoved()).isZero();
    }

    @Test
    void aCreateKilledBeforeItsFirstCommitDoesNotBlockTheNextOne() throws Exception {
        SparkSession spark = TestSpark.session();
        String path = dir.resolve("half_created").toString();
        // What kill -9 during DeltaTable.createIfNotExists left on disk (found by deploy/chaos/kill-random.sh).
        java.nio.file.Files.createDirectories(dir.resolve("half_created/_delta_log/_commits"));
        Dataset<Row> shape = spark.sql("SELECT CAST(0 AS BIGINT) AS id");

        assertThat(DeltaTables.createIfMissing(spark, path, shape, List.of())).isTrue();
        assertThat(DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path)).isZero();
        assertThat(DeltaTables.createIfMissing(spark, path, shape, List.of())).as("now it exists").isFalse();
    }

    @Test
    void theChangedRowsCountedFromACommitsMetricsAreTheRowsOfItsChangeFeed() {
        SparkSession spark = TestSpark.session();
        String path = dir.resolve("changes").toString();
        Dataset<Row> shape = spark.sql("SELECT CAST(0 AS BIGINT) AS id, 'x' AS name");
        DeltaTables.createIfMissing(spark, path, shape, List.of(), DeltaTables.CHANGE_FEED);
        spark.sql("SELECT id, CAST(id AS STRING) AS name FROM range(0, 10)").write().format("delta")
                .mode("append").save(path);
        DeltaTable table = DeltaTable.forPath(spark, path);
        table.as("t").merge(spark.sql("SELECT id, 'new' AS name FROM range(8, 12)").as("s"), "t.id = s.id")
                .whenMatched("s.id = 8").delete()
                .whenMatched().updateExpr(Map.of("name", "s.name"))
                .whenNotMatched().insertAll()
                .execute();
        table.delete("id < 2");
        table.updateExpr("id = 5", Map.of("name", "'five'"));
        table.optimize().executeCompaction();

        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        long latest = DeltaLogFiles.latestVersion(hadoop, path);
        assertThat(latest).isEqualTo(5);
        for (long v = 1; v <= latest; v++) {
            long feed = spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", v)
                    .option("endingVersion", v).load(path).count();
            DeltaLogFiles.CommitInfo commit = DeltaLogFiles.commit(hadoop, path, v);
            assertThat(commit.changedRowsAtLeast()).as("version %d, %s", v, commit.operation()).isEqualTo(feed);
        }
    }
}
