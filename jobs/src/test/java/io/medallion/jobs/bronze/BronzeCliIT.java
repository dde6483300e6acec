package io.medallion.jobs.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medallion.jobs.CliProcess;
import io.medallion.testing.TestSpark;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate} and {@code bronze} end to end, each run as its own process through the CLI,
 * checked against the generator's manifest and the run ledger. The steps build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BronzeCliIT {
    private static final List<String> TABLES =
            List.of("lineitem", "orders", "customer", "part", "partsupp", "supplier", "nation", "region");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    Path lake;
    Path landing;
    CliProcess cli;
    SparkSession spark;
    JsonNode manifest;
    String pipeline;

    @BeforeAll
    void setUp() {
        lake = dir.resolve("lake");
        landing = dir.resolve("landing");
        pipeline = Path.of("..", "conf", "pipelines", "tpch.yaml").toAbsolutePath().normalize().toString();
        cli = new CliProcess(dir, Map.of("MEDALLION_LAKE_ROOT", lake.toString(),
                "MEDALLION_LANDING_ROOT", landing.toString()));
        spark = TestSpark.session();
    }

    private CliProcess.Result medallion(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, "--pipeline");
        all.add(2, pipeline);
        return cli.run(all.toArray(new String[0]));
    }

    private Dataset<Row> bronze(String table) {
        return spark.read().format("delta").load(lake.resolve("bronze").resolve(table).toString());
    }

    private Dataset<Row> ledger() {
        return spark.read().format("delta").load(lake.resolve("ops/runs").toString());
    }

    private long manifestLines(String table) {
        long lines = 0;
        for (JsonNode batch : manifest.get("tables").get(table).get("batches")) {
            lines += batch.get("lines").asLong();
        }
        return lines;
    }

    private long manifestDefects(String table, String... kinds) {
        long n = 0;
        for (JsonNode batch : manifest.get("tables").get(table).get("batches")) {
            for (String k : kinds) {
                n += batch.path("defects").path(k).asLong(0);
            }
        }
        return n;
    }

    private static String runId(CliProcess.Result r) {
        int at = r.stderr().indexOf("bronze run ");
        assertThat(at).as("run id in the log: %s", r).isNotNegative();
        return r.stderr().substring(at + "bronze run ".length()).split(" ")[0];
    }

    @Test
    @Order(1)
    void generateWritesLandingFilesAndManifest() throws Exception {
        CliProcess.Result r = medallion("generate");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("lineitem", "60,175");
        manifest = JSON.readTree(landing.resolve("manifest.json").toFile());
        CliProcess.Result again = medallion("generate");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("nothing to do");
    }

    @Test
    @Order(2)
    void bronzeHoldsEveryLandingLineExactlyOnce() throws Exception {
        CliProcess.Result r = medallion("bronze", "--run-date", "2024-01-03");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String runId = runId(r);
        for (String table : TABLES) {
            Dataset<Row> b = bronze(table);
            long rows = b.count();
            assertThat(rows).as("%s rows = landing lines", table).isEqualTo(manifestLines(table));
            assertThat(b.select("_source_file", "_source_line").distinct().count()).as("%s lines once", table)
                    .isEqualTo(rows);
            assertThat(b.where(col("_ingest_run_id").notEqual(runId)).count()).isZero();
            long malformed = b.where(col("_parse_error").isNotNull()).count();
            assertThat(malformed).as("%s malformed lines kept", table)
                    .isEqualTo(manifestDefects(table, "bad_field_count", "bad_number", "bad_date", "broken_json"));
            assertThat(b.where(col("_parse_error").isNotNull().and(col("_raw").isNull())).count()).isZero();
        }
        assertThat(bronze("lineitem").where(col("_parse_error").isNotNull()).count()).isPositive();
        assertThat(bronze("customer").where(col("_parse_error").startsWith("broken JSON")).count())
                .isEqualTo(manifestDefects("customer", "broken_json"));

        // The raw text is the file's line, byte for byte.
        Row bad = bronze("lineitem").where(col("_parse_error").isNotNull()).orderBy("_source_file", "_source_line")
                .first();
        List<String> fileLines = Files.readAllLines(Path.of(URI.create(bad.<String>getAs("_source_file"))));
        assertThat(bad.<String>getAs("_raw")).isEqualTo(fileLines.get((int) (bad.<Long>getAs("_source_line") - 1)));
        assertThat(bad.<String>getAs("_parse_error")).matches(".*(expected 16 fields|not a number|not a date).*");

        // Schema drift in the change feed is accepted and recorded.
        Row customerRun = ledger().where(col("run_id").equalTo(runId).and(col("table_name").equalTo("customer")))
                .first();
        assertThat(customerRun.<scala.collection.Map<String, String>>getAs("metrics").get("schema_drift_added_fields")
                .get()).contains("after.c_loyalty_tier");

        // One closed ledger row per table, with the figures.
        List<Row> runs = ledger().where(col("run_id").equalTo(runId)).collectAsList();
        assertThat(runs).hasSize(TABLES.size());
        for (Row run : runs) {
            assertThat(run.<String>getAs("status")).isEqualTo("succeeded");
            assertThat(run.<Timestamp>getAs("ended_at")).isNotNull();
            String table = run.getAs("table_name");
            assertThat(run.<Long>getAs("rows_written")).isEqualTo(manifestLines(table));
            assertThat(run.<Long>getAs("rows_read")).isEqualTo(manifestLines(table));
        }
    }

    @Test
    @Order(3)
    void aRerunIngestsNothingAndLogsJsonEvents() throws Exception {
        CliProcess.Result r = medallion("bronze", "--run-date", "2024-01-03", "--log-format", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        for (String table : TABLES) {
            assertThat(bronze(table).count()).isEqualTo(manifestLines(table));
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.stderr().split("\n")) {
            if (line.startsWith("{")) {
                JsonNode node = JSON.readTree(line);
                if ("table_finished".equals(node.path("message").path("event").asText())) {
                    events.add(node.get("message"));
                }
            }
        }
        assertThat(events).hasSize(TABLES.size());
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("status").asText()).isEqualTo("succeeded");
            assertThat(e.get("rows_written").asText()).isEqualTo("0");
        });
    }

    @Test
    @Order(4)
    void newFilesArePickedUpUpToTheRunDate() throws Exception {
        Path source = landing.resolve("lineitem/2024-01-01/lineitem-0001.tbl");
        List<String> some = Files.readAllLines(source).subList(0, 10);
        Path day4 = Files.createDirectories(landing.resolve("lineitem/2024-01-04")).resolve("lineitem-0001.tbl");
        Path day5 = Files.createDirectories(landing.resolve("lineitem/2024-01-05")).resolve("lineitem-0001.tbl");
        Files.write(day4, some);
        Files.write(day5, some.subList(0, 3));
        long before = bronze("lineitem").count();

        CliProcess.Result r = medallion("bronze", "--table", "lineitem", "--run-date", "2024-01-04");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(bronze("lineitem").count()).isEqualTo(before + 10);
        assertThat(bronze("lineitem").where(col("_batch_date").equalTo("2024-01-04")).count()).isEqualTo(10);
        assertThat(bronze("lineitem").where(col("_batch_date").equalTo("2024-01-05")).count()).isZero();

        CliProcess.Result next = medallion("bronze", "--table", "lineitem", "--run-date", "2024-01-05");
        assertThat(next.exitCode()).as(next.toString()).isZero();
        assertThat(bronze("lineitem").count()).isEqualTo(before + 13);
    }

    @Test
    @Order(5)
    void aFileChangedAfterIngestionFailsItsTable() throws Exception {
        Path ingested = landing.resolve("orders/2024-01-02/orders-0001.tbl");
        Files.writeString(ingested, "1|2|O|3.00|1996-01-02|1-URGENT|Clerk#1|0|sneaky|\n", StandardOpenOption.APPEND);
        long before = bronze("orders").count();

        CliProcess.Result r = medallion("bronze", "--table", "orders", "--table", "region");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("changed after they were ingested", "orders/2024-01-02/orders-0001.tbl");
        assertThat(bronze("orders").count()).isEqualTo(before);
        String runId = runId(r);
        Map<String, String> statuses = new java.util.HashMap<>();
        ledger().where(col("run_id").equalTo(runId)).collectAsList()
                .forEach(row -> statuses.put(row.getAs("table_name"), row.getAs("status")));
        assertThat(statuses).containsEntry("orders", "failed").containsEntry("region", "succeeded");
    }

    @Test
    @Order(6)
    void aRunLeftRunningByACrashIsClosedAsFailed() throws Exception {
        Timestamp started = Timestamp.from(Instant.parse("2024-01-01T00:00:00Z"));
        Row crashed = RowFactory.create("19990101T000000Z-bronze-dead00", "bronze", "nation",
                java.sql.Date.valueOf("2024-01-01"), "running", started, null, null, null, null, null, null, null,
                null, null);
        spark.createDataFrame(List.of(crashed), io.medallion.run.RunLedger.SCHEMA).write().format("delta")
                .mode("append").save(lake.resolve("ops/runs").toString());

        CliProcess.Result r = medallion("bronze", "--table", "nation");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Row closed = ledger().where(col("run_id").equalTo("19990101T000000Z-bronze-dead00")).first();
        assertThat(closed.<String>getAs("status")).isEqualTo("failed");
        assertThat(closed.<String>getAs("message")).contains("abandoned");
        assertThat(closed.<Timestamp>getAs("ended_at")).isNotNull();
    }

    @Test
    @Order(7)
    void aCrashBetweenAppendAndRecordIsRolledBackAndReingestedOnce() throws Exception {
        Path day6 = Files.createDirectories(landing.resolve("partsupp/2024-01-06")).resolve("partsupp-0001.tbl");
        Files.write(day6, Files.readAllLines(landing.resolve("partsupp/2024-01-01/partsupp-0001.tbl")).subList(0, 25));
        long before = bronze("partsupp").count();

        List<String> args = new ArrayList<>(List.of("bronze", "--pipeline", pipeline, "--table", "partsupp",
                "--run-date", "2024-01-06"));
        CliProcess.Result crashed = cli.runWithJvmOptions(
                List.of("-D" + io.medallion.run.CrashPoints.PROPERTY + "=" + BronzeIngestJob.CRASH_AFTER_APPEND),
                args.toArray(new String[0]));
        assertThat(crashed.exitCode()).as(crashed.toString()).isEqualTo(io.medallion.run.CrashPoints.CRASH_STATUS);
        String crashedRun = runId(crashed);
        assertThat(bronze("partsupp").count()).as("the append landed, unrecorded").isEqualTo(before + 25);
        assertThat(ledger().where(col("run_id").equalTo(crashedRun)).first().<String>getAs("status"))
                .isEqualTo("running");

        CliProcess.Result recovered = cli.run(args.toArray(new String[0]));
        assertThat(recovered.exitCode()).as(recovered.toString()).isZero();
        assertThat(recovered.stderr()).contains("rolling back 25 bronze row(s) of failed run " + crashedRun);
        assertThat(bronze("partsupp").count()).as("ingested once after recovery").isEqualTo(before + 25);
        assertThat(bronze("partsupp").where(col("_ingest_run_id").equalTo(crashedRun)).count()).isZero();
        assertThat(ledger().where(col("run_id").equalTo(crashedRun)).first().<String>getAs("status"))
                .isEqualTo("failed");
    }

    @Test
    @Order(8)
    void aConfigurationErrorExitsTwoBeforeSpark() throws Exception {
        Path bad = dir.resolve("conf/pipelines/bad.yaml");
        Files.createDirectories(bad.getParent());
        Files.createDirectories(dir.resolve("conf/env"));
        Files.writeString(dir.resolve("conf/env/local.yaml"), "spark: {profile: local}\n");
        Files.writeString(bad, Files.readString(Path.of(pipeline)).replace("format: jsonl", "format: xml"));
        CliProcess.Result r = cli.run("bronze", "--pipeline", bad.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("bad.yaml", "tables.customer.source.format", "'xml' is not one of");
        assertThat(r.stderr()).doesNotContain("session ready");
    }
}
