package io.medallion.jobs.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.jobs.maintain.MaintainJob;
import io.medallion.lake.ScanMetrics;
import io.medallion.lake.TableRef;
import io.medallion.run.ExitCode;
import io.medallion.run.Job;
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
 * Archive and restore in the test JVM's session, each test on a table of its own: archived rows
 * carry their run, time and table version and come back whole; a restore goes through the
 * table's key and never moves a row twice; one that retain would archive again is refused before
 * anything moves; a date filter on the archive reads only that day's files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveRestoreTest {
    private static final String MAINTAIN_DATE = "2024-03-31";

    @TempDir
    static Path dir;
    SparkSession spark;
    String lake;
    /** Rows older than 30 days are archived. */
    PipelineSpec keep30;
    /** The same pipeline once the user has raised the retention so that old rows may come back. */
    PipelineSpec keep400;

    @BeforeAll
    void setUp() throws Exception {
        spark = TestSpark.session();
        lake = dir.resolve("lake").toString();
        Files.createDirectories(dir.resolve("conf/env"));
        Files.writeString(dir.resolve("conf/env/local.yaml"), "spark: {profile: local}\n");
        keep30 = spec("30d");
        keep400 = spec("400d");
    }

    private PipelineSpec spec(String keep) throws Exception {
        Path file = dir.resolve("conf/pipelines/keep-" + keep + ".yaml");
        Files.createDirectories(file.getParent());
        StringBuilder yaml = new StringBuilder("pipeline: shop\nstorage: {lake_root: " + lake + ", landing_root: "
                + dir.resolve("landing") + "}\ntables:\n");
        for (String t : List.of("whole", "refused", "held", "pruned")) {
            yaml.append("""
                      %s:
                        source: {format: delimited, path: %s}
                        schema:
                          - {name: id, type: bigint, required: true}
                          - {name: day, type: date}
                          - {name: payload, type: string}
                        key: [id]
                    """.formatted(t, t));
        }
        yaml.append("maintenance:\n  silver: {retain: {column: day, keep: " + keep + "}}\n");
        Files.writeString(file, yaml.toString());
        return new PipelineSpecLoader(Map.of(), dir).load(file, "local");
    }

    /** 900 rows over 90 days from 2024-01-01: 600 of them before the cutoff of 2024-03-01. */
    private String table(String name) {
        String path = lake + "/silver/" + name;
        spark.range(0, 900).selectExpr("id", "date_add(DATE'2024-01-01', CAST(id % 90 AS INT)) AS day",
                "sha2(CAST(id AS STRING), 256) AS payload").repartition(3).write().format("delta").save(path);
        return path;
    }

    private int run(PipelineSpec spec, Job job, String date) {
        return new JobRunner(spec).runIn(spark, job, List.of(), LocalDate.parse(date));
    }

    private int maintain(String name) {
        return run(keep30, new MaintainJob(List.of(TableRef.silver(name)), false, ""), MAINTAIN_DATE);
    }

    private int restore(PipelineSpec spec, String name, String where) {
        return run(spec, new RestoreJob(TableRef.silver(name), where, false), MAINTAIN_DATE);
    }

    private Dataset<Row> delta(String path) {
        return spark.read().format("delta").load(path);
    }

    private Row fingerprint(Dataset<Row> rows) {
        return rows.selectExpr("count(*)", "sum(CAST(xxhash64(id, day, payload) AS DECIMAL(38, 0)))").first();
    }

    private Map<String, String> lastLedger(String job, String name) {
        Row r = delta(lake + "/ops/runs").where("job = '" + job + "' AND table_name = 'silver." + name + "'")
                .orderBy(org.apache.spark.sql.functions.col("ended_at").desc()).select("metrics").first();
        return r.getJavaMap(0);
    }

    @Test
    void archivedRowsCarryTheirRunAndVersionAndARestoreOfEverythingGivesTheTableBack() {
        String path = table("whole");
        Row before = fingerprint(delta(path));
        assertThat(maintain("whole")).isEqualTo(ExitCode.OK);
        Dataset<Row> archive = delta(lake + "/archive/silver/whole");
        assertThat(archive.count()).isEqualTo(600);
        Row meta = archive.selectExpr("count(DISTINCT _archive_run_id)", "min(_archived_from_version)",
                "max(_archived_from_version)", "count(_archived_at)", "count(_restored_at)").first();
        assertThat(meta.getLong(0)).isOne();
        long deletedAt = io.delta.tables.DeltaTable.forPath(spark, path).history().where("operation = 'DELETE'")
                .first().<Long>getAs("version");
        assertThat(meta.getLong(1)).as("the version the rows were last in").isEqualTo(deletedAt - 1)
                .isEqualTo(meta.getLong(2));
        assertThat(meta.getLong(3)).isEqualTo(600);
        assertThat(meta.getLong(4)).isZero();
        assertThat(spark.read().format("delta").option("versionAsOf", meta.getLong(1)).load(path)
                .where("day < DATE'2024-03-01'").count()).as("time travel to that version finds them").isEqualTo(600);
        Row manifest = delta(lake + "/ops/archive_manifest").where("table_name = 'silver.whole'").first();
        assertThat(manifest.<String>getAs("action")).isEqualTo("archive");
        assertThat(manifest.<Long>getAs("rows")).isEqualTo(600);
        assertThat(manifest.<Long>getAs("bytes")).isPositive();
        assertThat(manifest.<Long>getAs("table_version")).isEqualTo(deletedAt - 1);
        assertThat(manifest.getList(manifest.fieldIndex("partitions"))).hasSize(60).startsWith("2024-01-01")
                .endsWith("2024-02-29");

        assertThat(restore(keep400, "whole", "true")).isEqualTo(ExitCode.OK);
        assertThat(fingerprint(delta(path))).as("the table as before the archive").isEqualTo(before);
        assertThat(lastLedger("restore", "whole")).containsEntry("rows_restored", "600")
                .containsEntry("rows_copied", "600").containsEntry("rows_key_held", "0");
        assertThat(archive.where("_restored_at IS NOT NULL AND _restore_run_id IS NOT NULL").count())
                .as("kept in the archive, marked").isEqualTo(600);

        assertThat(restore(keep400, "whole", "true")).isEqualTo(ExitCode.OK);
        assertThat(lastLedger("restore", "whole")).containsEntry("rows_restored", "0");
        assertThat(fingerprint(delta(path))).as("a second restore moves nothing").isEqualTo(before);
        assertThat(delta(lake + "/ops/archive_manifest").where("table_name = 'silver.whole' AND action = 'restore'")
                .selectExpr("sum(rows)").first().getLong(0)).isEqualTo(600);
    }

    @Test
    void aRestoreThatRetainWouldArchiveAgainIsRefusedBeforeAnythingMoves() {
        String path = table("refused");
        assertThat(maintain("refused")).isEqualTo(ExitCode.OK);
        Row before = fingerprint(delta(path));

        assertThat(restore(keep30, "refused", "day >= DATE'2024-02-20'")).isEqualTo(ExitCode.FAILED);
        Row ledger = delta(lake + "/ops/runs").where("job = 'restore' AND table_name = 'silver.refused'")
                .select("message").first();
        assertThat(ledger.getString(0)).contains("100 of the rows to restore into silver.refused have day before "
                + "2024-03-01", "the next maintain would archive them again (retain keep: 30d)", "nothing was restored",
                "Raise keep in the maintenance section's retain of silver.refused to at least 40d");
        assertThat(fingerprint(delta(path))).isEqualTo(before);
        assertThat(delta(lake + "/archive/silver/refused").where("_restored_at IS NOT NULL").count()).isZero();
    }

    @Test
    void aKeyTheTableHoldsWithOtherValuesIsCountedAndLeftAndNeverDuplicated() {
        String path = table("held");
        assertThat(maintain("held")).isEqualTo(ExitCode.OK);
        // Key 5 came back by another way, with other values, after it was archived.
        spark.sql("SELECT 5L AS id, DATE'2024-01-06' AS day, 'reloaded' AS payload").write().format("delta")
                .mode("append").save(path);

        assertThat(restore(keep400, "held", "day < DATE'2024-01-11'")).isEqualTo(ExitCode.OK);
        assertThat(lastLedger("restore", "held")).containsEntry("rows_key_held", "1")
                .containsEntry("rows_copied", "99").containsEntry("rows_restored", "99");
        assertThat(delta(path).where("id = 5").collectAsList()).hasSize(1).first()
                .satisfies(r -> assertThat(r.<String>getAs("payload")).isEqualTo("reloaded"));
        assertThat(delta(path).count()).isEqualTo(300 + 1 + 99);
        assertThat(delta(lake + "/archive/silver/held").where("id = 5 AND _restored_at IS NULL").count())
                .as("left in the archive, not marked").isOne();
    }

    @Test
    void aDateFilterOnTheArchiveReadsOnlyThatDaysFiles() {
        table("pruned");
        assertThat(maintain("pruned")).isEqualTo(ExitCode.OK);
        ArchiveTable archive = ArchiveTable.of(spark, keep30, TableRef.silver("pruned"));
        archive.register();
        Dataset<Row> all = spark.sql("SELECT * FROM " + archive.sqlName());
        all.collectAsList();
        Dataset<Row> oneDay = spark.sql("SELECT * FROM archive.silver_pruned WHERE day = DATE'2024-01-05'");
        assertThat(oneDay.collectAsList()).hasSize(10);
        ScanMetrics whole = ScanMetrics.of(all.queryExecution().executedPlan());
        ScanMetrics pruned = ScanMetrics.of(oneDay.queryExecution().executedPlan());
        System.out.printf("archive scan: every row %d file(s) %d bytes, one day %d file(s) %d bytes%n", whole.files(),
                whole.bytes(), pruned.files(), pruned.bytes());
        assertThat(whole.files()).as("a file per day and input partition at least").isGreaterThanOrEqualTo(60);
        assertThat(pruned.files()).as("that day's files only").isPositive().isLessThan(whole.files() / 10);
    }
}
