package io.medallion.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.lake.DeltaTables;
import io.medallion.lake.TableRef;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.LakePaths;
import io.medallion.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The changed rows of a table stand in for it in the catalog, and the table is back when they are closed. */
class ChangedRowsTest {
    @TempDir
    Path dir;

    private static final TableRef NUMBERS = TableRef.silver("numbers");

    @Test
    void changedRowsStandInForTheTableUntilClosedThenTheTableIsBack() {
        SparkSession spark = TestSpark.session();
        LakeCatalog catalog = new LakeCatalog(spark, new LakePaths(dir.resolve("lake").toString()));
        String path = catalog.path(NUMBERS);
        DeltaTables.createIfMissing(spark, path, spark.range(0).toDF(), java.util.List.of(), DeltaTables.CHANGE_FEED);
        spark.range(10).write().format("delta").mode("append").save(path);
        spark.range(10, 13).write().format("delta").mode("append").save(path);
        Path scratch = dir.resolve("scratch");

        try (ChangedRows changes = new ChangedRows(spark, catalog, scratch.toString())) {
            assertThat(changes.write(NUMBERS, 2, 2)).isEqualTo(3);
            synchronized (catalog) {
                changes.substitute(NUMBERS);
            }
            assertThat(spark.table("silver.numbers").count()).as("the changed rows").isEqualTo(3);
        }

        assertThat(Files.exists(scratch)).as("scratch removed").isFalse();
        assertThat(spark.table("silver.numbers").count()).as("the table itself").isEqualTo(13);
    }
}
