package io.medallion.jobs.maintain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.archive.ArchiveTable;
import io.medallion.lake.TableRef;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.ScanMetrics;
import io.medallion.lake.TableFiles;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The maintain job in the test JVM's session: compaction towards the target size with the same
 * rows and nothing to do the second time, Z-order against the files a selective query reads,
 * VACUUM below the safety minimum when the spec allows it, retention with archive, and the
 * refusal of a changed partitioning.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintainJobTest {
    private static final long TARGET = 256 * 1024;

    @TempDir
    static Path dir;
    SparkSession spark;
    PipelineSpec spec;
    String lake;

    @BeforeAll
    void setUp() throws Exception {
        spark = TestSpark.session();
        lake = dir.resolve("lake").toString();
        Path file = dir.resolve("conf/pipelines/shop.yaml");
        Files.createDirectories(file.getParent());
        Files.createDirectories(dir.resolve("conf/env"));
        Files.writeString(dir.resolve("conf/env/local.yaml"), "spark: {profile: local}\n");
        String table = """
                  %s:
                    source: {format: delimited, path: %s}
                    schema:
                      - {name: id, type: bigint, required: true}
                      - {name: day, type: date}
                      - {name: k, type: int}
                      - {name: payload, type: string}
                    key: [id]
                """;
        Files.writeString(file, "pipeline: shop\nstorage: {lake_root: " + lake + ", landing_root: "
                + dir.resolve("landing") + "}\ntables:\n"
                + table.formatted("packed", "packed").replace("    key: [id]", "    key: [id]\n    partition_by: [day]")
                + table.formatted("zordered", "zordered") + table.formatted("vacuumed", "vacuumed")
                + table.formatted("retained", "retained") + table.formatted("clustered", "clustered")
                + table.formatted("merged", "merged") + table.formatted("young", "young")
                + table.formatted("aged", "aged") + """
                maintenance:
                  silver: {target_file_size: 256KB, small_file_threshold: 2}
                  silver.zordered: {zorder_by: [k], target_file_size: 1MB}
                  silver.vacuumed: {vacuum_retention: 0h, vacuum_below_safety_minimum: true}
                  silver.retained: {retain: {column: day, keep: 30d}}
                  silver.clustered: {cluster_by: [k], target_file_size: 1MB}
                  silver.merged: {zorder_by: [k], target_file_size: 64KB, small_file_threshold: 50}
                """);
        spec = new PipelineSpecLoader(Map.of(), dir).load(file, "local");
    }

    /** {@code appends} small appends of rows spread over every k and over two days. */
    private String writeInAppends(String table, int appends, int rowsEach) {
        String path = lake + "/silver/" + table;
        for (int a = 0; a < appends; a++) {
            Dataset<Row> rows = spark.range((long) a * rowsEach, (long) (a + 1) * rowsEach).selectExpr("id",
                    "date_add(DATE'2024-01-01', CAST(id % 2 AS INT)) AS day", "CAST((id * 7919) % 1000 AS INT) AS k",
                    "sha2(CAST(id AS STRING), 256) AS payload");
            var writer = rows.repartition(1).write().format("delta").mode("append");
            if (table.equals("packed")) {
                writer = writer.partitionBy("day");
            }
            writer.save(path);
        }
        return path;
    }

    private int maintain(String table, String date) {
        MaintainJob job = new MaintainJob(List.of(TableRef.silver(table)), false, "");
        return new JobRunner(spec).runIn(spark, job, List.of(), LocalDate.parse(date));
    }

    private Row fingerprint(Dataset<Row> rows) {
        return rows.selectExpr("count(*)", "sum(CAST(xxhash64(id, day, k, payload) AS DECIMAL(38, 0)))").first();
    }

    private Map<String, String> lastLedgerMetrics(String table) {
        Row r = spark.read().format("delta").load(lake + "/ops/runs")
                .where("job = 'maintain' AND table_name = 'silver." + table + "'").orderBy(
                        org.apache.spark.sql.functions.col("ended_at").desc()).select("metrics").first();
        return r.getJavaMap(0);
    }

    @Test
    void compactionPacksSmallFilesKeepsTheRowsAndASecondRunDoesNothing() {
        String path = writeInAppends("packed", 12, 3000);
        Row before = fingerprint(spark.read().format("delta").load(path));
        TableFiles.Summary small = TableFiles.summarize(spark, path, TARGET / 2);
        assertThat(small.files()).isEqualTo(24);

        assertThat(maintain("packed", "2024-03-01")).isEqualTo(ExitCode.OK);
        TableFiles.Summary packed = TableFiles.summarize(spark, path, TARGET / 2);
        assertThat(fingerprint(spark.read().format("delta").load(path))).isEqualTo(before);
        // Each day held 12 small files; what remains is at least half the target size, but for one file per day.
        for (TableFiles.Partition p : packed.partitions()) {
            assertThat(p.smallFiles()).isLessThanOrEqualTo(1);
            assertThat(p.files()).isLessThanOrEqualTo(p.bytes() / (TARGET / 2) + 1).isLessThan(12);
        }
        assertThat(packed.meanFileBytes()).isGreaterThan(TARGET / 2.0).isGreaterThan(1.5 * small.meanFileBytes());
        Map<String, String> ledger = lastLedgerMetrics("packed");
        assertThat(ledger).containsEntry("files_before", "24").containsEntry("files_after",
                String.valueOf(packed.files())).containsEntry("partitions_compacted", "2");

        long version = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path);
        assertThat(maintain("packed", "2024-03-01")).isEqualTo(ExitCode.OK);
        assertThat(DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path))
                .as("a healthy table gets no commit").isEqualTo(version);
        assertThat(lastLedgerMetrics("packed")).containsEntry("partitions_compacted", "0")
                .containsEntry("properties_set", "");
    }

    private ScanMetrics selectiveQuery(String path) {
        Dataset<Row> q = spark.read().format("delta").load(path).where("k = 500");
        q.collectAsList();
        return ScanMetrics.of(q.queryExecution().executedPlan());
    }

    @Test
    void zOrderLetsASelectiveQueryReadFarFewerFiles() {
        String path = writeInAppends("zordered", 20, 4000);
        Row before = fingerprint(spark.read().format("delta").load(path));
        ScanMetrics unordered = selectiveQuery(path);
        assertThat(unordered.files()).as("every append holds every k").isEqualTo(20);

        assertThat(maintain("zordered", "2024-03-01")).isEqualTo(ExitCode.OK);
        ScanMetrics ordered = selectiveQuery(path);
        long files = TableFiles.summarize(spark, path, 1).files();
        assertThat(files).as("several Z-ordered files").isGreaterThan(3);
        assertThat((double) ordered.files() / unordered.files()).isLessThanOrEqualTo(0.25);
        assertThat(ordered.files()).isLessThan(files);
        // Left to itself, Delta's Z-order writes files of the target size and up to twice it.
        assertThat(fileSizes(path)).as("every Z-ordered file within the 1MB target and not small")
                .allSatisfy(size -> assertThat(size).isBetween(512 * 1024L, 1024 * 1024L));
        assertThat(fingerprint(spark.read().format("delta").load(path))).isEqualTo(before);
        assertThat(lastLedgerMetrics("zordered")).containsEntry("zorder_by", "k");
    }

    private List<Long> fileSizes(String path) {
        return java.util.Arrays.stream(spark.read().format("delta").load(path).inputFiles()).map(f -> {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(f);
            try {
                return file.getFileSystem(spark.sparkContext().hadoopConfiguration()).getFileStatus(file).getLen();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    @Test
    void aTableWithoutSmallFilesIsZOrderedOnceItsNewFilesAreATenthOfItsBytes() {
        String path = writeInAppends("merged", 3, 4000);
        TableFiles.Summary written = TableFiles.summarize(spark, path, 32 * 1024);
        assertThat(written.files()).isEqualTo(3);
        assertThat(written.partitions().get(0).smallFiles()).as("nothing to compact").isZero();
        ScanMetrics unordered = selectiveQuery(path);

        assertThat(maintain("merged", "2024-03-01")).isEqualTo(ExitCode.OK);
        assertThat(lastLedgerMetrics("merged")).containsEntry("partitions_compacted", "1");
        long files = TableFiles.summarize(spark, path, 1).files();
        assertThat(selectiveQuery(path).files()).isLessThan(unordered.files()).isLessThan(files);

        long version = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path);
        spark.range(12_000, 12_100).selectExpr("id", "DATE'2024-01-01' AS day", "CAST(id % 1000 AS INT) AS k",
                "sha2(CAST(id AS STRING), 256) AS payload").write().format("delta").mode("append").save(path);
        assertThat(maintain("merged", "2024-03-01")).isEqualTo(ExitCode.OK);
        assertThat(lastLedgerMetrics("merged")).as("100 new rows of 12,100 wait for more")
                .containsEntry("partitions_compacted", "0");
        assertThat(DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path))
                .isEqualTo(version + 1);
    }

    @Test
    void liquidClusteringIsDeclaredOnTheTableAndOptimizeClustersIt() {
        String path = writeInAppends("clustered", 12, 4000);
        Row before = fingerprint(spark.read().format("delta").load(path));
        assertThat(selectiveQuery(path).files()).as("every append holds every k").isEqualTo(12);

        assertThat(maintain("clustered", "2024-03-01")).isEqualTo(ExitCode.OK);
        assertThat(TableFiles.clusteringColumns(spark, path)).containsExactly("k");
        assertThat(fingerprint(spark.read().format("delta").load(path))).isEqualTo(before);
        long files = TableFiles.summarize(spark, path, 1).files();
        assertThat(files).isLessThan(12);
        assertThat(selectiveQuery(path).files()).as("clustered by k").isLessThan(files).isLessThanOrEqualTo(3);
        assertThat(lastLedgerMetrics("clustered")).containsEntry("cluster_by", "k")
                .containsEntry("files_before", "12").containsEntry("files_after", String.valueOf(files));

        assertThat(maintain("clustered", "2024-03-01")).isEqualTo(ExitCode.OK);
        assertThat(lastLedgerMetrics("clustered")).containsEntry("partitions_compacted", "0");
    }

    @Test
    void vacuumBelowTheMinimumWhenAllowedRemovesOldFilesAndTimeTravelThenFails() throws Exception {
        String path = lake + "/silver/vacuumed";
        spark.range(0, 100).selectExpr("id", "DATE'2024-01-01' AS day", "1 AS k", "'a' AS payload")
                .write().format("delta").save(path);
        spark.range(0, 50).selectExpr("id", "DATE'2024-01-02' AS day", "2 AS k", "'b' AS payload")
                .write().format("delta").mode("overwrite").save(path);
        assertThat(spark.read().format("delta").option("versionAsOf", 0).load(path).count()).isEqualTo(100);

        assertThat(maintain("vacuumed", "2024-03-01")).isEqualTo(ExitCode.OK);
        Map<String, String> ledger = lastLedgerMetrics("vacuumed");
        assertThat(Long.parseLong(ledger.get("vacuum_files_deleted"))).isPositive();
        assertThat(Long.parseLong(ledger.get("vacuum_bytes_freed"))).isPositive();
        try (var files = Files.list(Path.of(path))) {
            assertThat(files.filter(f -> f.toString().endsWith(".parquet")).count())
                    .as("only the current version's files remain").isEqualTo(
                            TableFiles.summarize(spark, path, 1).files());
        }
        assertThatThrownBy(() -> spark.read().format("delta").option("versionAsOf", 0).load(path).collectAsList())
                .hasStackTraceContaining("vacuum");
        assertThat(spark.read().format("delta").load(path).count()).isEqualTo(50);
    }

    @Test
    void vacuumLeavesATableYoungerThanItsRetentionAloneAndCleansItOnceItIsOlder() throws Exception {
        String path = lake + "/silver/young";
        spark.range(0, 10).selectExpr("id", "DATE'2024-01-01' AS day", "1 AS k", "'a' AS payload")
                .write().format("delta").save(path);
        // A file no commit knows, from 8 days ago: VACUUM (7 days by default) deletes it from an old table.
        Path orphan = Files.writeString(Path.of(path, "part-orphan.parquet"), "not data");
        java.nio.file.attribute.FileTime eightDaysAgo = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(8)));
        Files.setLastModifiedTime(orphan, eightDaysAgo);

        assertThat(maintain("young", "2024-03-01")).isEqualTo(ExitCode.OK);
        assertThat(lastLedgerMetrics("young")).containsEntry("vacuum_files_deleted", "0");
        assertThat(orphan).as("created minutes ago: not vacuumed").exists();

        Files.setLastModifiedTime(Path.of(path, "_delta_log", "00000000000000000000.json"), eightDaysAgo);
        assertThat(maintain("young", "2024-03-01")).isEqualTo(ExitCode.OK);
        assertThat(lastLedgerMetrics("young")).containsEntry("vacuum_files_deleted", "1");
        assertThat(orphan).doesNotExist();
    }

    @Test
    void vacuumTakesATableWhoseFirstCommitHasLeftTheLogAsOldEnough() throws Exception {
        String path = lake + "/silver/aged";
        spark.range(0, 10).selectExpr("id", "DATE'2024-01-01' AS day", "1 AS k", "'a' AS payload")
                .write().format("delta").save(path);
        // A checkpoint at version 1, so the table still reads once version 0's commit is gone, as
        // after Delta's log cleanup of a table older than its log retention.
        spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES ('delta.checkpointInterval' = '1')");
        Path log = Path.of(path, "_delta_log");
        assertThat(log.resolve("00000000000000000001.checkpoint.parquet")).exists();
        Files.delete(log.resolve("00000000000000000000.json"));
        assertThat(DeltaLogFiles.createdAt(spark.sparkContext().hadoopConfiguration(), path)).isEmpty();
        Path orphan = Files.writeString(Path.of(path, "part-orphan.parquet"), "not data");
        Files.setLastModifiedTime(orphan, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(8))));

        assertThat(maintain("aged", "2024-03-01")).isEqualTo(ExitCode.OK);
        assertThat(lastLedgerMetrics("aged")).containsEntry("vacuum_files_deleted", "1");
        assertThat(orphan).doesNotExist();
        assertThat(spark.read().format("delta").load(path).count()).isEqualTo(10);
    }

    @Test
    void retentionArchivesOldRowsThenDeletesThem() {
        String path = lake + "/silver/retained";
        spark.range(0, 900).selectExpr("id", "date_add(DATE'2024-01-01', CAST(id % 90 AS INT)) AS day",
                "CAST(id % 10 AS INT) AS k", "CAST(id AS STRING) AS payload").write().format("delta").save(path);
        Row before = fingerprint(spark.read().format("delta").load(path));

        assertThat(maintain("retained", "2024-03-31")).isEqualTo(ExitCode.OK);
        Dataset<Row> remaining = spark.read().format("delta").load(path);
        Dataset<Row> archive = spark.read().format("delta").load(lake + "/archive/silver/retained")
                .drop(ArchiveTable.COLUMNS.toArray(new String[0]));
        assertThat(remaining.where("day < DATE'2024-03-01'").count()).isZero();
        assertThat(archive.where("day >= DATE'2024-03-01'").count()).isZero();
        assertThat(fingerprint(remaining.unionByName(archive))).as("archived + remaining = before").isEqualTo(before);
        assertThat(lastLedgerMetrics("retained")).containsEntry("rows_archived", "600")
                .containsEntry("rows_deleted", "600");

        assertThat(maintain("retained", "2024-03-31")).isEqualTo(ExitCode.OK);
        assertThat(spark.read().format("delta").load(lake + "/archive/silver/retained").count()).as("nothing archived twice")
                .isEqualTo(600);
    }

    @Test
    void aChangedPartitioningIsRefused() {
        String path = lake + "/silver/changed";
        spark.range(0, 10).selectExpr("id", "DATE'2024-01-01' AS day").write().format("delta").partitionBy("day")
                .save(path);
        assertThatThrownBy(() -> io.medallion.lake.DeltaTables.requirePartitioning(spark, path, List.of()))
                .hasMessageContaining("partitioned by [day] but the spec declares nothing (unpartitioned)");
    }
}
