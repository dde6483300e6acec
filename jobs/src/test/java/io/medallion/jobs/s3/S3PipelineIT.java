package io.medallion.jobs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medallion.jobs.CliProcess;
import io.medallion.jobs.DemoLake;
import io.medallion.jobs.LakeComparison;
import io.medallion.jobs.lock.TableLocks;
import io.medallion.lake.TableRef;
import io.medallion.run.ExitCode;
import io.medallion.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake and the landing area on a real S3 API server ({@link S3Server}: MinIO when Docker runs,
 * S3Proxy otherwise), through the shipped {@code s3} overlay, with the CLI as processes: the whole
 * TPC-H pipeline gives the same tables as the demo on the local filesystem, files are ingested exactly once,
 * maintenance compacts and vacuums, a server that is down or refuses the credentials fails the job
 * quickly and clearly, and the secret key is printed nowhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3PipelineIT {
    @RegisterExtension
    static final S3Server S3 = new S3Server();
    // The whole SF 0.01 data set in two daily batches: an initial load and an incremental one.
    private static final String[] DATES = {"--from", "2024-01-01", "--to", "2024-01-02"};

    @TempDir
    static Path dir;
    String pipeline;
    String s3Env;
    String bucket;
    String s3Lake;
    SparkSession spark;
    /** Every process this class ran, to look for the secret in what they printed. */
    final List<CliProcess.Result> runs = new ArrayList<>();

    @BeforeAll
    void setUp() {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        pipeline = repo.resolve("conf/pipelines/tpch.yaml").toString();
        s3Env = "local," + repo.resolve("conf/env/s3.yaml");
        bucket = S3.newBucket();
        s3Lake = "s3a://" + bucket + "/tpch/lake";
        spark = TestSpark.session();
        S3.hadoopSettings(bucket).forEach(spark.sparkContext().hadoopConfiguration()::set);
    }

    private CliProcess.Result run(Map<String, String> env, String... args) throws Exception {
        CliProcess.Result result = new CliProcess(dir, env).run(args);
        runs.add(result);
        return result;
    }

    private Map<String, String> onS3(String prefix) {
        Map<String, String> env = new HashMap<>(S3.environment(bucket));
        env.put("MEDALLION_S3_PREFIX", prefix);
        return env;
    }

    private String[] args(String command, String env, String... more) {
        List<String> all = new ArrayList<>(List.of(command, "--pipeline", pipeline, "--env", env));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /**
     * The S3 endpoint goes down in the middle of bronze, and in a second run in the middle of
     * silver: each run exits 1 within S3A's bounded retries. The third run completes, and its
     * tables equal the same pipeline's on local disk, which had no outage.
     */
    @Test
    @Order(1)
    void thePipelineOnS3BuildsTheSameTablesAsOnTheLocalFilesystemThroughOutagesInBronzeAndSilver()
            throws Exception {
        assertThat(run(onS3("tpch"), args("generate", s3Env, "--batches", "2")).exitCode()).isZero();
        java.net.URI server = java.net.URI.create(S3.endpoint());
        try (TcpGate gate = new TcpGate(S3Server.freePort(), server.getHost(), server.getPort())) {
            Map<String, String> throughGate = onS3("tpch");
            throughGate.put("MEDALLION_S3_ENDPOINT", gate.endpoint());
            for (String[] outage : new String[][] {{"bronze", "BronzeIngestJob - lineitem: ingesting"},
                {"silver", "silver run "}}) {
                CliProcess.Running pipeline = new CliProcess(dir, throughGate).start(args("pipeline", s3Env, DATES));
                assertThat(pipeline.awaitLog(outage[1], Duration.ofMinutes(5))).as(outage[0] + " started").isTrue();
                Thread.sleep(outage[0].equals("bronze") ? 1500 : 3000); // into the stage's reads and writes
                gate.down();
                CliProcess.Result failed = pipeline.await();
                runs.add(failed);
                gate.up();
                assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCode.FAILED);
                assertThat(failed.stderr()).contains("pipeline stopped: " + outage[0]);
                System.out.printf("S3 down in the middle of %s: the pipeline exited %d after %.1f s%n", outage[0],
                        failed.exitCode(), failed.millis() / 1e3);
            }
        }
        CliProcess.Result onS3 = run(onS3("tpch"), args("pipeline", s3Env, DATES));
        assertThat(onS3.exitCode()).as(onS3.toString()).isZero();
        // The same data on local disk is the demo's lake (generate --batches 2, then the pipeline).
        String onDisk = DemoLake.lake();
        System.out.printf("TPC-H SF 0.01 pipeline, 2 dates, on %s: %.1f s (the demo, generate included, on local "
                + "disk: %.1f s)%n", S3.kind(), onS3.millis() / 1e3, DemoLake.run().millis() / 1e3);

        assertThat(S3.keys(bucket, "tpch/landing/lineitem/")).isNotEmpty();
        assertThat(LakeComparison.dataTables(spark, s3Lake)).contains("bronze.lineitem", "silver.lineitem",
                "silver._quarantine_lineitem", "silver.dim_customer", "gold.fact_sales");
        assertThat(LakeComparison.differences(spark, s3Lake, onDisk)).isEmpty();
        assertThat(spark.read().format("delta").load(s3Lake + "/gold/fact_sales").count()).isEqualTo(60_175);
    }

    @Test
    @Order(2)
    void aBronzeRerunOnS3IngestsNothingTwice() throws Exception {
        long before = spark.read().format("delta").load(s3Lake + "/bronze/lineitem").count();
        CliProcess.Result rerun = run(onS3("tpch"), args("bronze", s3Env, "--run-date", "2024-01-02"));
        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(spark.read().format("delta").load(s3Lake + "/bronze/lineitem").count()).isEqualTo(before);

        long landed = S3.keys(bucket, "tpch/landing/").stream().filter(k -> !k.endsWith("manifest.json")).count();
        Dataset<Row> ingested = spark.read().format("delta").load(s3Lake + "/ops/ingested_files");
        assertThat(ingested.count()).isEqualTo(landed);
        assertThat(ingested.select("file").distinct().count()).isEqualTo(landed);
    }

    @Test
    @Order(3)
    void maintainCompactsAndVacuumsOnS3WithKeysFromTheSpec() throws Exception {
        Files.createDirectories(dir.resolve("events/conf/pipelines"));
        Files.createDirectories(dir.resolve("events/conf/env"));
        Files.writeString(dir.resolve("events/conf/env/local.yaml"), "spark: {profile: local}\n");
        // Keys in the spec, taken from the environment: the other way S3A may be given credentials.
        Path keys = dir.resolve("events/conf/env/keys.yaml");
        Files.writeString(keys, """
                spark:
                  conf:
                    spark.hadoop.fs.s3a.access.key: ${TEST_ACCESS_KEY}
                    spark.hadoop.fs.s3a.secret.key: ${TEST_SECRET_KEY}
                """);
        Path spec = dir.resolve("events/conf/pipelines/events.yaml");
        Files.writeString(spec, """
                storage: {lake_root: replaced-by-the-s3-overlay, landing_root: replaced-by-the-s3-overlay}
                tables:
                  events:
                    source: {format: delimited, path: events}
                    schema: [{name: id, type: bigint}, {name: day, type: date}]
                    key: [id]
                maintenance:
                  silver.events: {small_file_threshold: 2, vacuum_retention: 0h, vacuum_below_safety_minimum: true}
                """);
        String table = "s3a://" + bucket + "/events/lake/silver/events";
        for (int i = 0; i < 12; i++) {
            spark.range(i * 100L, i * 100L + 100).selectExpr("id", "date_add(DATE'2024-01-01', CAST(id % 30 AS INT)) AS day")
                    .coalesce(1).write().format("delta").mode("append").save(table);
        }
        List<Row> rowsBefore = spark.read().format("delta").load(table).orderBy("id").collectAsList();
        Map<String, String> env = new HashMap<>(onS3("events"));
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        env.put("TEST_ACCESS_KEY", S3.accessKey());
        env.put("TEST_SECRET_KEY", S3.secretKey());
        String envs = "local," + Path.of("..").toAbsolutePath().normalize().resolve("conf/env/s3.yaml") + "," + keys;

        CliProcess.Result maintain = run(env, "maintain", "--pipeline", spec.toString(), "--env", envs,
                "--table", "silver.events");
        assertThat(maintain.exitCode()).as(maintain.toString()).isZero();

        assertThat(spark.read().format("delta").load(table).orderBy("id").collectAsList()).isEqualTo(rowsBefore);
        Map<String, String> metrics = spark.read().format("delta").load("s3a://" + bucket + "/events/lake/ops/runs")
                .where("job = 'maintain' AND table_name = 'silver.events'").select("metrics").first().getJavaMap(0);
        assertThat(metrics).containsEntry("files_before", "12").containsEntry("files_after", "1")
                .containsEntry("vacuum_files_deleted", "12");
        List<String> dataFiles = S3.keys(bucket, "events/lake/silver/events/").stream()
                .filter(k -> k.endsWith(".parquet") && !k.contains("/_delta_log/")).toList();
        assertThat(dataFiles).as("only the compacted file is left after VACUUM").hasSize(1);

        CliProcess.Result shown = run(env, "config", "--pipeline", spec.toString(), "--env", envs);
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.stdout()).contains("spark.hadoop.fs.s3a.secret.key = *****",
                "spark.hadoop.fs.s3a.access.key = *****", "lake_root: s3a://" + bucket + "/events/lake");
    }

    @Test
    @Order(4)
    void anEndpointThatIsDownFailsTheJobQuicklyAndSaysWhere() throws Exception {
        Map<String, String> env = onS3("tpch");
        int port = S3Server.freePort();
        env.put("MEDALLION_S3_ENDPOINT", "http://127.0.0.1:" + port);
        CliProcess.Result down = run(env, args("bronze", s3Env, "--run-date", "2024-01-02", "--table", "nation"));
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(down.stderr()).contains("127.0.0.1:" + port);
        System.out.printf("bronze against an S3 endpoint that is down: exit %d after %.1f s%n", down.exitCode(),
                down.millis() / 1e3);
        assertThat(down.millis()).as("bounded retries, not a hang").isLessThan(180_000);
    }

    @Test
    @Order(5)
    void wrongCredentialsFailTheJobAndSaySo() throws Exception {
        Map<String, String> env = onS3("tpch");
        env.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");
        CliProcess.Result refused = run(env, args("bronze", s3Env, "--run-date", "2024-01-02", "--table", "nation"));
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(refused.stderr()).containsAnyOf("403", "Forbidden", "AccessDenied", "SignatureDoesNotMatch");
        System.out.printf("bronze with a wrong secret key: exit %d after %.1f s%n", refused.exitCode(),
                refused.millis() / 1e3);
    }

    @Test
    @Order(5)
    void tableLocksOnS3AreCreatedOnlyIfAbsentAndAWriterOfAHeldTableIsRefused() throws Exception {
        assertThat(S3.keys(bucket, "tpch/lake/_locks/")).as("the pipeline released every lock it took").isEmpty();
        TableLocks locks = TableLocks.of(s3Lake, spark.sparkContext().hadoopConfiguration());
        TableLocks.Holder live = TableLocks.self("20240102T030405Z-pipeline-s3s3s3", "medallion pipeline",
                java.time.Instant.now());
        try (TableLocks.Held held = locks.acquire(List.of(TableRef.bronze("nation")), live, Duration.ZERO)) {
            assertThat(S3.keys(bucket, "tpch/lake/_locks/")).containsExactly("tpch/lake/_locks/bronze.nation.lock");
            // A second create of the same object is refused by the server (If-None-Match: *), not by a check first.
            assertThatThrownBy(() -> locks.acquire(List.of(TableRef.bronze("nation")),
                    TableLocks.self("other", "medallion bronze", java.time.Instant.now()), Duration.ZERO))
                    .isInstanceOf(TableLocks.LockedException.class).hasMessageContaining("s3s3s3");
            CliProcess.Result refused = run(onS3("tpch"), args("bronze", s3Env, "--run-date", "2024-01-02",
                    "--table", "nation"));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCode.FAILED);
            assertThat(refused.stderr()).contains("medallion bronze: table bronze.nation is being written by run "
                    + "20240102T030405Z-pipeline-s3s3s3");
        }
        assertThat(S3.keys(bucket, "tpch/lake/_locks/")).isEmpty();
    }

    @Test
    @Order(6)
    void theSecretKeyIsInNoLogLineLedgerRowOrPrintedConfig() throws Exception {
        CliProcess.Result shown = run(onS3("tpch"), args("config", s3Env));
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.stdout()).contains("pii_salt: '*****'", "fs.s3a.endpoint = " + S3.endpoint());
        assertThat(runs).hasSizeGreaterThan(6);
        for (CliProcess.Result r : runs) {
            assertThat(r.stdout() + r.stderr()).doesNotContain(S3.secretKey());
        }
        for (String lake : List.of(s3Lake, "s3a://" + bucket + "/events/lake")) {
            for (String ops : List.of("runs", "ingested_files", "quality_results", "quality_metrics")) {
                String path = lake + "/ops/" + ops;
                if (io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
                    assertThat(spark.read().format("delta").load(path).toJSON().collectAsList())
                            .as(path).noneMatch(row -> row.contains(S3.secretKey()));
                }
            }
        }
    }
}
