package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.config.TableSpec;
import io.medallion.jobs.CleanTpch;
import io.medallion.jobs.bronze.BronzeIngestJob;
import io.medallion.jobs.sample.Defect;
import io.medallion.jobs.sample.GeneratorSettings;
import io.medallion.jobs.sample.TpchLandingGenerator;
import io.medallion.run.JobRunner;
import io.medallion.testing.TestLedger;
import io.medallion.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's {@code late_order} defect against the TPC-H spec with {@code retry} on
 * {@code order_exists}: 2 % of the orders arrive one batch after their line items. Bronze and
 * silver run day by day, as a scheduler would. With a 3-day window the waiting line items enter
 * silver the day their order arrives, and silver equals clean TPC-H; with a 12-hour window they
 * expire instead. Every run exits 0, so its row accounting balanced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateOrdersTest {
    private static final double SCALE = 0.002;
    private static final String SALT = "late-orders-salt";

    @TempDir
    static Path dir;
    SparkSession spark;
    Path landing;
    GeneratorSettings settings;
    long lateOrders;
    long cleanLineItems;

    @BeforeAll
    void generate() throws Exception {
        spark = TestSpark.session();
        landing = dir.resolve("landing");
        GeneratorSettings d = GeneratorSettings.defaults();
        settings = new GeneratorSettings(SCALE, 2, d.seed(), d.startDate(), Map.of(Defect.LATE_ORDER, 0.02),
                d.rowsPerFile(), d.format());
        new TpchLandingGenerator(settings, FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(landing.toUri())).generate();
        JsonNode manifest = new ObjectMapper().readTree(landing.resolve("manifest.json").toFile());
        JsonNode batches = manifest.at("/tables/orders/batches");
        lateOrders = batches.path(settings.batchDate(1).toString()).at("/defects/late_order").asLong(0);
        cleanLineItems = manifest.at("/tables/lineitem/clean_rows").asLong();
        assertThat(lateOrders).as("orders that arrive a batch after their line items").isPositive();
        assertThat(batches.path(settings.batchDate(0).toString()).at("/defects/late_order").asLong(0)).isZero();
        // Gold's SQL is found beside the spec.
        copyTree(Path.of("..", "conf", "gold"), dir.resolve("conf/gold"));
    }

    @Test
    void lineItemsWaitForTheirOrderAndEnterSilverTheDayItArrives() throws Exception {
        String lake = run("3d");
        Row day2 = TestLedger.last(spark, lake, "silver", "lineitem");
        long released = Long.parseLong(TestLedger.metrics(day2).get("released_from_quarantine"));
        assertThat(released).isPositive();
        Dataset<Row> quarantine = spark.read().format("delta").load(lake + "/silver/_quarantine_lineitem");
        assertThat(quarantine.where(col("status").equalTo("released")).count()).isEqualTo(released);
        // Exactly the late orders' line items: the manifest's count of orders, each with at least one.
        assertThat(orderKeys(quarantine, "released", lake)).isEqualTo(lateOrders);
        assertThat(released).isGreaterThanOrEqualTo(lateOrders);

        PipelineSpec spec = spec("3d", lake);
        Dataset<Row> silver = spark.read().format("delta").load(lake + "/silver/lineitem");
        List<io.medallion.config.ColumnSpec> schema = spec.tables().get("lineitem").schema();
        CleanTpch.assertSameLines("silver.lineitem after the late orders arrived", CleanTpch.silverLines(silver,
                schema.size()), CleanTpch.tpchLines(schema, CleanTpch.rows("lineitem", SCALE), SALT));
    }

    @Test
    void withAWindowShorterThanTheDelayTheyExpire() throws Exception {
        String lake = run("12h");
        Row day2 = TestLedger.last(spark, lake, "silver", "lineitem");
        assertThat(TestLedger.metrics(day2)).containsEntry("released_from_quarantine", "0");
        long expired = Long.parseLong(TestLedger.metrics(day2).get("rows_expired"));
        // The late orders' line items, and the orphans (whose order never comes) of the first batch.
        Dataset<Row> quarantine = spark.read().format("delta").load(lake + "/silver/_quarantine_lineitem");
        assertThat(quarantine.where(col("status").equalTo("expired")).count()).isEqualTo(expired);
        assertThat(orderKeys(quarantine, "expired", lake)).isEqualTo(lateOrders);
        assertThat(expired).isGreaterThanOrEqualTo(lateOrders);
        assertThat(spark.read().format("delta").load(lake + "/silver/lineitem").count()).isLessThan(cleanLineItems);
    }

    /** Runs bronze and silver of orders and line items for each day; returns the lake. */
    private String run(String retry) throws Exception {
        String lake = dir.resolve("lake-" + retry).toString();
        PipelineSpec spec = spec(retry, lake);
        List<TableSpec> tables = List.of(spec.tables().get("orders"), spec.tables().get("lineitem"));
        for (int b = 0; b < settings.batches(); b++) {
            LocalDate day = settings.batchDate(b);
            assertThat(new JobRunner(spec).runIn(spark, new BronzeIngestJob(), tables, day)).isZero();
            assertThat(new JobRunner(spec).runIn(spark, new SilverJob(), tables, day)).as("silver of %s", day)
                    .isZero();
        }
        return lake;
    }

    /** The TPC-H spec with {@code retry} on {@code order_exists} and room for the waiting rows in the gate. */
    private PipelineSpec spec(String retry, String lake) throws Exception {
        String yaml = Files.readString(Path.of("..", "conf", "pipelines", "tpch.yaml"));
        String rule = "table: silver.orders, to: o_orderkey}";
        assertThat(yaml).contains(rule);
        yaml = yaml.replace(rule, "table: silver.orders, to: o_orderkey, retry: " + retry + "}")
                .replace("quarantine: {max_rate: 0.01}", "quarantine: {max_rate: 0.05}");
        Path file = dir.resolve("conf/pipelines/tpch-" + retry + ".yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return new PipelineSpecLoader(Map.of("MEDALLION_LAKE_ROOT", lake, "MEDALLION_LANDING_ROOT",
                landing.toString(), "MEDALLION_PII_SALT", SALT), dir)
                .load(file, Path.of("..", "conf", "env", "local.yaml").toAbsolutePath().normalize().toString());
    }

    /**
     * The distinct orders of the records in {@code status} whose order is in silver now: the late
     * ones, since an orphan's order never comes and other line items never wait.
     */
    private long orderKeys(Dataset<Row> quarantine, String status, String lake) {
        Dataset<Row> keys = quarantine.where(col("status").equalTo(status))
                .selectExpr("CAST(get_json_object(raw, '$.l_orderkey') AS BIGINT) AS k").distinct();
        Dataset<Row> orders = spark.read().format("delta").load(lake + "/silver/orders");
        return keys.join(orders, keys.col("k").equalTo(orders.col("o_orderkey")), "left_semi").count();
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
