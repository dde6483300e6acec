package io.medallion.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.PipelineSpecLoader;
import io.medallion.config.TableSpec;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.DeltaTables;
import io.medallion.lake.TableFiles;
import io.medallion.testing.TestSpark;
import io.medallion.testing.TestSpecs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The silver MERGE inserts new keys, updates changed ones, and leaves the files of unchanged rows
 * alone; the first load into a new table is an append.
 */
class KeyedMergeTest {
    private static final StructType ROWS = new StructType()
            .add("id", DataTypes.LongType)
            .add("name", DataTypes.StringType);

    @TempDir
    Path dir;

    @Test
    void unchangedRowsAreCountedAndTheirFilesAreNotRewritten() throws Exception {
        SparkSession spark = TestSpark.session();
        TableSpec table = table("");
        String path = dir.resolve("lake/silver/people").toString();
        MergeCounts first = KeyedMerge.merge(spark, path, rows(spark, 1, "a", 2, "b", 3, null), table, Map.of());
        assertThat(first).isEqualTo(new MergeCounts(3, 0, 0));
        assertThat(DeltaTables.lastCommitMetrics(spark, path, "WRITE")).as("the first load is an append")
                .containsEntry("numOutputRows", "3");

        // Replays of every row (a null included) and one new key: nothing to rewrite.
        MergeCounts replay = KeyedMerge.merge(spark, path, rows(spark, 1, "a", 2, "b", 3, null, 4, "d"), table,
                Map.of());
        assertThat(replay).isEqualTo(new MergeCounts(1, 0, 3));
        assertThat(DeltaTables.metric(DeltaTables.lastCommitMetrics(spark, path, "MERGE"), "numTargetFilesRemoved"))
                .as("files rewritten for unchanged rows").isZero();

        MergeCounts change = KeyedMerge.merge(spark, path, rows(spark, 1, "a", 2, "B", 3, "c"), table, Map.of());
        assertThat(change).isEqualTo(new MergeCounts(0, 2, 1));
        assertThat(spark.read().format("delta").load(path).orderBy("id").collectAsList()).map(Row::toString)
                .containsExactly("[1,a]", "[2,B]", "[3,c]", "[4,d]");

        // Nothing but replays: the MERGE commits nothing, and its rows are still counted.
        long version = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path);
        MergeCounts replayOnly = KeyedMerge.merge(spark, path, rows(spark, 1, "a", 2, "B", 3, "c", 4, "d"), table,
                Map.of());
        assertThat(replayOnly).isEqualTo(new MergeCounts(0, 0, 4));
        assertThat(DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path)).isEqualTo(version);
    }

    @Test
    void theFirstLoadOfAPartitionedTableGoesToItsPartitions() throws Exception {
        SparkSession spark = TestSpark.session();
        TableSpec table = table("    partition_by: [name]\n");
        String path = dir.resolve("lake/silver/people").toString();
        assertThat(KeyedMerge.merge(spark, path, rows(spark, 1, "a", 2, "b", 3, "a"), table, Map.of()))
                .isEqualTo(new MergeCounts(3, 0, 0));
        assertThat(TableFiles.partitionColumns(spark, path)).containsExactly("name");
        assertThat(dir.resolve("lake/silver/people/name=a")).isDirectory();
        assertThat(KeyedMerge.merge(spark, path, rows(spark, 3, "a", 4, "b"), table, Map.of()))
                .isEqualTo(new MergeCounts(1, 0, 1));
        assertThat(spark.read().format("delta").load(path).where("name = 'b'").count()).isEqualTo(2);
    }

    /** The test table, with {@code extra} spec lines (indented as the table's keys). */
    private TableSpec table(String extra) throws Exception {
        Path file = TestSpecs.write(dir, "people", """
                pipeline: people
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  people:
                    source: {format: delimited, path: people}
                    schema:
                      - {name: id, type: bigint, required: true}
                      - {name: name, type: string}
                    key: [id]
                %s""".formatted(dir.resolve("lake"), dir.resolve("landing"), extra));
        return new PipelineSpecLoader(Map.of(), dir).load(file, "local").tables().get("people");
    }

    /** Rows from (id, name) pairs, in one partition so the first MERGE writes one file. */
    private static Dataset<Row> rows(SparkSession spark, Object... pairs) {
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            rows.add(RowFactory.create(((Integer) pairs[i]).longValue(), pairs[i + 1]));
        }
        return spark.createDataFrame(rows, ROWS).coalesce(1);
    }
}
