package io.medallion.jobs.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.jobs.CliProcess;
import io.medallion.jobs.archive.Archiver;
import io.medallion.jobs.archive.RestoreJob;
import io.medallion.run.CrashPoints;
import io.medallion.run.ExitCode;
import io.medallion.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code medallion maintain} as a process: a crash between the archive copy and the delete,
 * then late old rows, then a rerun, ends with every row either in the table or in the archive,
 * once; and a dry run changes nothing. Then the archive in {@code sql} and {@code archive}, and a
 * restore that crashes between its copy and its record: the rerun restores nothing twice.
 */
class MaintainCliIT {
    @TempDir
    Path dir;

    @Test
    void aCrashBetweenArchiveAndDeleteLosesNothingAndArchivesNothingTwice() throws Exception {
        SparkSession spark = TestSpark.session();
        Path lake = dir.resolve("lake");
        Files.createDirectories(dir.resolve("conf/pipelines"));
        Files.createDirectories(dir.resolve("conf/env"));
        Files.writeString(dir.resolve("conf/env/local.yaml"), "spark: {profile: local}\n");
        Files.writeString(dir.resolve("conf/pipelines/events.yaml"), """
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  events:
                    source: {format: delimited, path: events}
                    schema: [{name: id, type: bigint}, {name: day, type: date}]
                    key: [id]
                maintenance:
                  silver.events: {retain: {column: day, keep: 30d}}
                """.formatted(lake, dir.resolve("landing")));
        String path = lake + "/silver/events";
        String archive = lake + "/archive/silver/events";
        spark.range(0, 600).selectExpr("id", "date_add(DATE'2024-01-01', CAST(id % 60 AS INT)) AS day")
                .write().format("delta").save(path);
        CliProcess cli = new CliProcess(dir, Map.of());
        String[] maintain = {"maintain", "--pipeline", "conf/pipelines/events.yaml", "--run-date", "2024-02-29"};

        CliProcess.Result dry = cli.run(concat(maintain, "--dry-run"));
        assertThat(dry.exitCode()).as(dry.toString()).isEqualTo(ExitCode.OK);
        assertThat(dry.stderr() + dry.stdout()).contains("would archive 290 row(s) before 2024-01-30");
        assertThat(spark.read().format("delta").load(path).count()).isEqualTo(600);
        assertThat(Files.exists(Path.of(lake.toString(), "archive"))).isFalse();

        CliProcess.Result crashed = cli.runWithJvmOptions(
                List.of("-D" + CrashPoints.PROPERTY + "=" + Archiver.CRASH_AFTER_COPY), maintain);
        assertThat(crashed.exitCode()).as(crashed.toString()).isEqualTo(CrashPoints.CRASH_STATUS);
        assertThat(spark.read().format("delta").load(archive).count()).as("copied").isEqualTo(290);
        assertThat(spark.read().format("delta").load(path).count()).as("not yet deleted").isEqualTo(600);

        // Late rows for old days arrive before the rerun: they must be archived too, once.
        spark.range(1000, 1010).selectExpr("id", "DATE'2024-01-05' AS day").write().format("delta").mode("append")
                .save(path);
        CliProcess.Result rerun = cli.run(maintain);
        assertThat(rerun.exitCode()).as(rerun.toString()).isEqualTo(ExitCode.OK);

        Dataset<Row> remaining = spark.read().format("delta").load(path);
        Dataset<Row> archived = spark.read().format("delta").load(archive).select("id", "day");
        assertThat(remaining.where("day < DATE'2024-01-30'").count()).isZero();
        assertThat(archived.count()).isEqualTo(300);
        assertThat(archived.select("id").distinct().count()).as("no row archived twice").isEqualTo(300);
        assertThat(remaining.count() + archived.count()).isEqualTo(610);
        assertThat(remaining.select("id").unionByName(archived.select("id")).distinct().count()).isEqualTo(610);
        Row ledger = spark.read().format("delta").load(lake + "/ops/runs")
                .where("job = 'maintain' AND table_name = 'silver.events'")
                .orderBy(org.apache.spark.sql.functions.col("ended_at").desc()).select("metrics").first();
        assertThat(ledger.<String, String>getJavaMap(0)).containsEntry("rows_archived", "10")
                .containsEntry("rows_deleted", "300");
        assertThat(spark.read().format("delta").load(lake + "/ops/archive_manifest").where("action = 'archive'")
                .orderBy("rows").select("rows").as(org.apache.spark.sql.Encoders.LONG()).collectAsList())
                .as("the crashed run's copy, recorded by the rerun, and the rerun's own").containsExactly(10L, 290L);

        CliProcess.Result sql = cli.run("sql", "--pipeline", "conf/pipelines/events.yaml", "--stats", "--json",
                "SELECT count(*) AS n FROM archive.silver_events WHERE day = DATE'2024-01-05'");
        assertThat(sql.exitCode()).as(sql.toString()).isZero();
        assertThat(sql.stdout().strip()).isEqualTo("{\"n\":20}");
        assertThat(sql.stderr()).containsPattern("scanned [1-3] file\\(s\\)");
        CliProcess.Result listed = cli.run("archive", "--pipeline", "conf/pipelines/events.yaml", "--json");
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(listed.stdout()).contains("\"table\":\"silver.events\"", "\"rows_archived\":300",
                "\"rows_restored\":0", "\"oldest\":\"2024-01-01\"", "\"newest\":\"2024-01-29\"",
                "\"archive_runs\":2", "\"query_as\":\"archive.silver_events\"");

        // The user keeps a year now, and brings every archived row back; the first try dies after its copy.
        Files.writeString(dir.resolve("conf/pipelines/events.yaml"), Files.readString(dir.resolve(
                "conf/pipelines/events.yaml")).replace("keep: 30d", "keep: 400d"));
        String[] restore = {"restore", "--pipeline", "conf/pipelines/events.yaml", "--run-date", "2024-02-29",
            "--table", "silver.events", "--where", "true"};
        CliProcess.Result died = cli.runWithJvmOptions(
                List.of("-D" + CrashPoints.PROPERTY + "=" + RestoreJob.CRASH_AFTER_COPY), restore);
        assertThat(died.exitCode()).as(died.toString()).isEqualTo(CrashPoints.CRASH_STATUS);
        assertThat(spark.read().format("delta").load(path).count()).as("copied").isEqualTo(610);
        assertThat(spark.read().format("delta").load(archive).where("_restored_at IS NOT NULL").count()).isZero();
        CliProcess.Result restored = cli.run(restore);
        assertThat(restored.exitCode()).as(restored.toString()).isZero();
        assertThat(restored.stderr()).contains("silver.events: restored 300 archived row(s) matching true: 0 copied, "
                + "300 already in the table; 0 left");
        Dataset<Row> back = spark.read().format("delta").load(path);
        assertThat(back.count()).isEqualTo(610);
        assertThat(back.select("id").distinct().count()).as("nothing restored twice").isEqualTo(610);
        assertThat(spark.read().format("delta").load(archive).where("_restored_at IS NOT NULL").count())
                .isEqualTo(300);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
