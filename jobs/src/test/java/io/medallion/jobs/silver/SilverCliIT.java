package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medallion.jobs.CleanTpch;
import io.medallion.jobs.CliProcess;
import io.medallion.jobs.DemoLake;
import io.medallion.testing.TestSpark;
import io.trino.tpch.LineItemGenerator;
import io.trino.tpch.NationGenerator;
import io.trino.tpch.OrderGenerator;
import io.trino.tpch.PartGenerator;
import io.trino.tpch.PartSupplierGenerator;
import io.trino.tpch.RegionGenerator;
import io.trino.tpch.SupplierGenerator;
import io.trino.tpch.TpchEntity;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's TPC-H lake (generate, then the pipeline over every batch: bronze, silver, gates,
 * gold, one date at a time), then silver alone on a copy of it, through the CLI as processes:
 * silver equals clean TPC-H
 * row for row (customer after applying its change feed, whatever order the events arrived in),
 * quarantine holds exactly the injected bad rows by rule, every row read is accounted for in the
 * ledger, and the customer history is a proper SCD2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SilverCliIT {
    private static final double SCALE = 0.01;
    private static final List<String> TABLES =
            List.of("orders", "lineitem", "customer", "part", "partsupp", "supplier", "nation", "region");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The local overlay's default salt, which the demo ran with; later runs get it through the environment. */
    private static final String SALT = "medallion-local-salt";

    @TempDir
    static Path dir;
    Path lake;
    CliProcess cli;
    SparkSession spark;
    JsonNode manifest;
    String pipeline;
    io.medallion.config.PipelineSpec spec;

    @BeforeAll
    void setUp() throws Exception {
        DemoLake.copy(dir);
        lake = dir.resolve("lake");
        pipeline = Path.of("..", "conf", "pipelines", "tpch.yaml").toAbsolutePath().normalize().toString();
        cli = cliOn(lake);
        spark = TestSpark.session();
        spec = new io.medallion.config.PipelineSpecLoader(Map.of(), dir).load(Path.of(pipeline), "local");
    }

    /** The CLI on {@code lakeRoot}, with the shared landing data and salt. */
    private CliProcess cliOn(Path lakeRoot) {
        return new CliProcess(dir, Map.of("MEDALLION_LAKE_ROOT", lakeRoot.toString(),
                "MEDALLION_LANDING_ROOT", dir.resolve("landing").toString(), "MEDALLION_PII_SALT", SALT));
    }

    /**
     * Bronze in this JVM, on another lake with the shared landing data: the setup of a silver
     * test, which the bronze tests run through the CLI.
     */
    private int bronzeIn(Path lakeRoot, String date, String... tables) {
        io.medallion.config.PipelineSpec other = new io.medallion.config.PipelineSpecLoader(Map.of(
                "MEDALLION_LAKE_ROOT", lakeRoot.toString(), "MEDALLION_LANDING_ROOT", dir.resolve("landing").toString()),
                dir).load(Path.of(pipeline), "local");
        return new io.medallion.run.JobRunner(other).runIn(spark, new io.medallion.jobs.bronze.BronzeIngestJob(),
                java.util.Arrays.stream(tables).map(t -> other.tables().get(t)).toList(), java.time.LocalDate.parse(date));
    }

    private CliProcess.Result medallion(String command, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "--pipeline", pipeline));
        all.addAll(List.of(args));
        if (!command.equals("generate")) {
            TABLES.forEach(t -> {
                all.add("--table");
                all.add(t);
            });
        }
        return cli.run(all.toArray(new String[0]));
    }

    private Dataset<Row> table(String layer, String name) {
        return spark.read().format("delta").load(lake.resolve(layer).resolve(name).toString());
    }

    private long defects(String table, String... kinds) {
        long n = 0;
        for (JsonNode batch : manifest.get("tables").get(table).get("batches")) {
            for (String k : kinds) {
                n += batch.path("defects").path(k).asLong(0);
            }
        }
        return n;
    }

    @Test
    @Order(1)
    void eachBatchFlowsThroughBronzeAndSilver() throws Exception {
        manifest = JSON.readTree(dir.resolve("landing/manifest.json").toFile());
        JsonNode dates = manifest.get("batch_dates");
        assertThat(dates).hasSize(2);
        // One process for the batches, each date's bronze and silver in turn, as a backfill runs them.
        CliProcess.Result backfill = DemoLake.run();
        assertThat(backfill.exitCode()).as(backfill.toString()).isZero();
        for (JsonNode date : dates) {
            assertThat(backfill.stdout()).containsPattern(date.asText() + "  bronze +exit 0")
                    .containsPattern(date.asText() + "  silver +exit 0");
        }
    }

    private Map<String, Integer> silverLines(String name, int columns) {
        return CleanTpch.silverLines(table("silver", name), columns);
    }

    private Map<String, Integer> tpch(String name, Iterable<? extends TpchEntity> rows) {
        return CleanTpch.tpchLines(spec.tables().get(name).schema(), rows, SALT);
    }

    @Test
    @Order(2)
    void silverEqualsCleanTpchRowForRow() {
        assertThat(silverLines("lineitem", 16)).hasSize(60_175)
                .isEqualTo(tpch("lineitem", new LineItemGenerator(SCALE, 1, 1)));
        assertThat(silverLines("orders", 9)).hasSize(15_000)
                .isEqualTo(tpch("orders", new OrderGenerator(SCALE, 1, 1)));
        assertThat(silverLines("customer", 8)).hasSize(1_500)
                .isEqualTo(tpch("customer", new io.trino.tpch.CustomerGenerator(SCALE, 1, 1)));
        assertThat(manifest.get("tables").get("customer").get("batches").get("2024-01-02").path("events")
                .path("out_of_order").asLong()).as("stale updates arrived after newer ones").isPositive();
        assertThat(silverLines("part", 9)).isEqualTo(tpch("part", new PartGenerator(SCALE, 1, 1)));
        assertThat(silverLines("partsupp", 5)).isEqualTo(tpch("partsupp", new PartSupplierGenerator(SCALE, 1, 1)));
        assertThat(silverLines("supplier", 7)).isEqualTo(tpch("supplier", new SupplierGenerator(SCALE, 1, 1)));
        assertThat(silverLines("nation", 4)).isEqualTo(tpch("nation", new NationGenerator()));
        assertThat(silverLines("region", 3)).isEqualTo(tpch("region", new RegionGenerator()));
        assertThat(table("silver", "orders").schema().apply("o_totalprice").dataType().simpleString())
                .isEqualTo("decimal(15,2)");
    }

    private long quarantined(String name, String rule) {
        return table("silver", "_quarantine_" + name).where(array_contains(col("rules"), rule)).count();
    }

    @Test
    @Order(3)
    void quarantineHoldsExactlyTheInjectedBadRowsByRule() {
        assertThat(quarantined("lineitem", "parse_error"))
                .isEqualTo(defects("lineitem", "bad_field_count", "bad_number", "bad_date"));
        assertThat(quarantined("lineitem", "required_l_shipdate")).isEqualTo(defects("lineitem", "null_required"));
        assertThat(quarantined("lineitem", "quantity_range")).isEqualTo(defects("lineitem", "negative_quantity"));
        assertThat(quarantined("lineitem", "discount_range")).isEqualTo(defects("lineitem", "discount_out_of_range"));
        assertThat(quarantined("lineitem", "order_exists")).isEqualTo(defects("lineitem", "orphan"));
        assertThat(table("silver", "_quarantine_lineitem").count()).isEqualTo(defects("lineitem", "bad_field_count",
                "bad_number", "bad_date", "null_required", "negative_quantity", "discount_out_of_range", "orphan"));
        assertThat(quarantined("orders", "parse_error"))
                .isEqualTo(defects("orders", "bad_field_count", "bad_number", "bad_date"));
        assertThat(quarantined("orders", "required_o_custkey")).isEqualTo(defects("orders", "null_required"));
        assertThat(quarantined("orders", "orderdate_range")).isEqualTo(defects("orders", "orderdate_out_of_range"));
        assertThat(quarantined("customer", "phone_format")).isEqualTo(defects("customer", "malformed_phone"));
        assertThat(quarantined("customer", "required_c_name")).isEqualTo(defects("customer", "null_required"));
        assertThat(quarantined("customer", "parse_error")).isEqualTo(defects("customer", "broken_json"));
        Row raw = table("silver", "_quarantine_orders").where(array_contains(col("rules"), "parse_error")).first();
        assertThat(raw.<String>getAs("raw")).isNotBlank();
        assertThat(raw.<String>getAs("reason")).isNotBlank();
    }

    @Test
    @Order(4)
    void personalDataStaysInBronzeOnly() throws Exception {
        // The quarantine's copy of a rejected customer is protected like silver's.
        List<Row> rejected = table("silver", "_quarantine_customer").where(array_contains(col("rules"), "phone_format"))
                .select("raw").collectAsList();
        assertThat(rejected).isNotEmpty();
        for (Row r : rejected) {
            JsonNode raw = JSON.readTree(r.getString(0));
            assertThat(raw.path("c_phone").asText()).as("masked phone in %s", raw).startsWith("****");
            assertThat(raw.path("c_address").asText()).as("hashed address in %s", raw).matches("[0-9a-f]{64}");
            assertThat(raw.path("seq").isMissingNode()).isFalse();
        }
        // Not one raw address or phone from the feed is in silver's tables.
        Dataset<Row> images = table("bronze", "customer").where("_parse_error IS NULL")
                .selectExpr("get_json_object(after, '$.c_address') AS v")
                .union(table("bronze", "customer").selectExpr("get_json_object(after, '$.c_phone') AS v"))
                .where("v IS NOT NULL AND length(v) > 4").distinct();
        for (String t : List.of("customer", "dim_customer")) {
            Dataset<Row> silver = table("silver", t);
            long leaked = images.join(silver, images.col("v").equalTo(silver.col("c_address"))
                    .or(images.col("v").equalTo(silver.col("c_phone")))).count();
            assertThat(leaked).as("raw values in silver.%s", t).isZero();
        }
    }

    @Test
    @Order(5)
    void everyRowReadIsAccountedForAndDuplicatesMatchTheManifest() {
        List<Row> runs = spark.read().format("delta").load(lake.resolve("ops/runs").toString())
                .where(col("job").equalTo("silver")).collectAsList();
        assertThat(runs).hasSize(batches() * TABLES.size());
        Map<String, Long> duplicatesAndReplays = new HashMap<>();
        for (Row run : runs) {
            assertThat(run.<String>getAs("status")).isEqualTo("succeeded");
            Map<String, String> m = run.getJavaMap(run.fieldIndex("metrics"));
            long inserted = Long.parseLong(m.getOrDefault("rows_inserted", "0"));
            long updated = Long.parseLong(m.getOrDefault("rows_updated", "0"));
            long unchanged = Long.parseLong(m.getOrDefault("rows_unchanged", "0"));
            long dropped = Long.parseLong(m.getOrDefault("rows_dropped", "0"));
            long deleted = Long.parseLong(m.getOrDefault("rows_deleted", "0"));
            long read = run.<Long>getAs("rows_read");
            assertThat(inserted + updated + unchanged + deleted + run.<Long>getAs("rows_quarantined") + dropped
                    + run.<Long>getAs("duplicates_dropped")).as("accounting of %s", run).isEqualTo(read);
            duplicatesAndReplays.merge(run.getAs("table_name"), run.<Long>getAs("duplicates_dropped") + unchanged,
                    Long::sum);
        }
        for (String t : TABLES) {
            if (!t.equals("customer")) { // a change feed also supersedes older versions of a key
                assertThat(duplicatesAndReplays.get(t)).as("duplicates and replays of %s", t)
                        .isEqualTo(defects(t, "duplicate", "replay"));
            }
        }
    }

    @Test
    @Order(6)
    void customerHistoryIsScd2WithOneCurrentRowPerKey() {
        Dataset<Row> history = table("silver", "dim_customer");
        assertThat(history.where("is_current").count()).isEqualTo(1_500);
        assertThat(history.where("is_current").select("c_custkey").distinct().count()).isEqualTo(1_500);
        // A version per insert or update event: N changes after the first insert give N + 1 versions.
        long events = table("bronze", "customer").where("_parse_error IS NULL AND op IN ('c', 'u') "
                        + "AND get_json_object(after, '$.c_custkey') < 9000000000")
                .selectExpr("get_json_object(after, '$.c_custkey') AS k", "seq").distinct().count();
        assertThat(history.count()).isEqualTo(events);
        assertThat(history.groupBy("c_custkey").count().where("count > 1").count())
                .as("customers with changes have several versions").isPositive();
        // Versions of a key never overlap: each ends where the next begins, only the last is open.
        long overlapping = history.alias("a").join(history.alias("b"), "c_custkey")
                .where("a.valid_from < b.valid_from AND (a.valid_to IS NULL OR a.valid_to > b.valid_from)").count();
        assertThat(overlapping).isZero();
        assertThat(history.where("valid_to IS NULL AND NOT is_current").count()).isZero();
    }

    @Test
    @Order(7)
    void aRerunChangesNothing() throws Exception {
        Map<String, Long> versions = new HashMap<>();
        for (String t : TABLES) {
            versions.put(t, io.delta.tables.DeltaTable.forPath(spark, lake.resolve("silver").resolve(t).toString())
                    .history(1).first().<Long>getAs("version"));
        }
        CliProcess.Result again = medallion("silver", "--run-date", "2024-01-02");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        for (String t : TABLES) {
            assertThat(io.delta.tables.DeltaTable.forPath(spark, lake.resolve("silver").resolve(t).toString())
                    .history(1).first().<Long>getAs("version")).as("%s untouched", t).isEqualTo(versions.get(t));
        }
        long processed = spark.read().format("delta").load(lake.resolve("ops/runs").toString())
                .where(col("job").equalTo("silver").and(col("rows_read").gt(0))).count();
        assertThat(processed).isEqualTo(batches() * TABLES.size() - countEmptyBatches());
    }

    @Test
    @Order(8)
    void aRunWhoseRowsDoNotBalanceFailsAndTheNextRunRetries() throws Exception {
        Path otherLake = dir.resolve("fault-lake");
        CliProcess faulty = cliOn(otherLake);
        String date = manifest.get("batch_dates").get(0).asText();
        String[] nation = {"--pipeline", pipeline, "--table", "nation", "--run-date", date};
        assertThat(bronzeIn(otherLake, date, "nation")).isZero();

        CliProcess.Result lost = faulty.runWithJvmOptions(
                List.of("-D" + io.medallion.run.Faults.PROPERTY + "=" + SilverJob.LOSE_A_ROW),
                concat("silver", nation));
        assertThat(lost.exitCode()).as(lost.toString()).isEqualTo(1);
        assertThat(lost.stderr()).contains("row accounting does not balance");
        Dataset<Row> runs = spark.read().format("delta").load(otherLake.resolve("ops/runs").toString())
                .where(col("job").equalTo("silver"));
        assertThat(runs.first().<String>getAs("status")).isEqualTo("failed");

        CliProcess.Result retried = faulty.run(concat("silver", nation));
        assertThat(retried.exitCode()).as(retried.toString()).isZero();
        Row retry = runs.where(col("status").equalTo("succeeded")).first();
        long read = retry.<Long>getAs("rows_read");
        assertThat(read).as("the failed run's rows are read again").isEqualTo(
                table("bronze", "nation").where(col("_batch_date").equalTo(date)).count());
        assertThat(spark.read().format("delta").load(otherLake.resolve("silver/nation").toString()).count())
                .isEqualTo(25);
    }

    /**
     * A crash after every table's MERGE and before the run records what it applied: the next run
     * applies the same bronze rows again, and silver, its history and its quarantine end up as if
     * there had been no crash (equal to the main lake, which took the batches one run each).
     */
    @Test
    @Order(9)
    void aCrashBeforeTheProgressRecordIsAppliedAgainWithTheSameResult() throws Exception {
        Path crashLake = dir.resolve("crash-lake");
        CliProcess crashing = cliOn(crashLake);
        JsonNode dates = manifest.get("batch_dates");
        String last = dates.get(dates.size() - 1).asText();
        String[] tables = {"--pipeline", pipeline, "--table", "orders", "--table", "customer", "--run-date", last};
        assertThat(bronzeIn(crashLake, last, "orders", "customer")).isZero();

        CliProcess.Result crashed = crashing.runWithJvmOptions(List.of("-D" + io.medallion.run.CrashPoints.PROPERTY
                + "=" + SilverJob.CRASH_BEFORE_PROGRESS), concat("silver", tables));
        assertThat(crashed.exitCode()).as(crashed.toString()).isEqualTo(io.medallion.run.CrashPoints.CRASH_STATUS);
        Path progressTable = crashLake.resolve("ops/silver_progress");
        assertThat(progressTable).as("nothing recorded as applied (the first record creates the table)")
                .doesNotExist();
        long ordersRead = spark.read().format("delta").load(crashLake.resolve("bronze/orders").toString()).count();
        assertThat(spark.read().format("delta").load(crashLake.resolve("silver/orders").toString()).count())
                .as("the MERGE landed").isPositive();

        CliProcess.Result recovered = crashing.run(concat("silver", tables));
        assertThat(recovered.exitCode()).as(recovered.toString()).isZero();
        assertThat(spark.read().format("delta").load(progressTable.toString()).count())
                .as("one bronze run per table, recorded once").isEqualTo(2);
        Row orders = spark.read().format("delta").load(crashLake.resolve("ops/runs").toString())
                .where(col("job").equalTo("silver").and(col("status").equalTo("succeeded"))
                        .and(col("table_name").equalTo("orders"))).first();
        assertThat(orders.<Long>getAs("rows_read")).as("the batch is read again").isEqualTo(ordersRead);

        for (String t : List.of("orders", "customer")) {
            List<String> columns = spec.tables().get(t).schema().stream().map(c -> c.name()).toList();
            assertSameRows("silver." + t, crashLake, t, columns);
            assertSameRows("quarantine of " + t, crashLake, "_quarantine_" + t,
                    List.of("_source_file", "_source_line", "rules"));
        }
        List<String> history = new ArrayList<>(spec.tables().get("customer").schema().stream()
                .map(c -> c.name()).toList());
        history.addAll(List.of("valid_from", "valid_to", "is_current"));
        assertSameRows("silver.dim_customer", crashLake, "dim_customer", history);
    }

    /**
     * The same rows in {@code columns}; a landing file is compared by its path under the landing
     * root, as the main lake was built from the demo's landing folder and the other from its copy.
     */
    private void assertSameRows(String what, Path otherLake, String silverTable, List<String> columns) {
        org.apache.spark.sql.Column[] selected = columns.stream().map(c -> c.equals("_source_file")
                ? org.apache.spark.sql.functions.regexp_extract(col(c), "/landing/(.*)$", 1).as(c) : col(c))
                .toArray(org.apache.spark.sql.Column[]::new);
        Dataset<Row> expected = table("silver", silverTable).select(selected);
        Dataset<Row> actual = spark.read().format("delta")
                .load(otherLake.resolve("silver").resolve(silverTable).toString()).select(selected);
        assertThat(actual.count()).as("%s rows", what).isEqualTo(expected.count());
        assertThat(actual.exceptAll(expected).count()).as("%s rows not in the main lake", what).isZero();
    }

    private static String[] concat(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(args));
        return all.toArray(new String[0]);
    }

    private int batches() {
        return manifest.get("batch_dates").size();
    }

    /** Reference tables arrive whole in the first batch, so later silver runs read nothing for them. */
    private long countEmptyBatches() {
        return spark.read().format("delta").load(lake.resolve("ops/runs").toString())
                .where(col("job").equalTo("silver").and(col("rows_read").equalTo(0))).count()
                - TABLES.size();
    }
}
