package io.medallion.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.testing.TestSpark;
import java.nio.file.Path;
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
}
