package io.medallion.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.GoldModelSpec;
import io.medallion.config.PipelineSpec;
import io.medallion.lake.DeltaTables;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.testing.TestLedger;
import io.medallion.testing.TestSpark;
import io.medallion.testing.TestSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gold models that read gold models, in the test JVM's session, over a silver table written here:
 * 120 sales over 20 years, 2 shops and 3 days a year, shop b ahead of shop a in every year. A
 * ranking model declared before the daily model it reads still refreshes after it, and through its
 * change feed rewrites only the year that changed. A model whose grain does not hold exits 3, and
 * the model that reads it is not refreshed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldModelsTest {
    private static final LocalDate DAY = LocalDate.parse("2024-01-01");

    @TempDir
    static Path dir;
    SparkSession spark;
    PipelineSpec spec;
    String lake;

    @BeforeAll
    void setUp() throws IOException {
        spark = TestSpark.session();
        lake = dir.resolve("lake").toString();
        Path gold = Files.createDirectories(dir.resolve("conf/gold"));
        Files.writeString(gold.resolve("daily.sql"), "SELECT day, year(day) AS year, shop, SUM(amount) AS total "
                + "FROM silver.sales GROUP BY day, shop");
        Files.writeString(gold.resolve("yearly_rank.sql"), "SELECT year, shop, SUM(total) AS total, "
                + "RANK() OVER (PARTITION BY year ORDER BY SUM(total) DESC) AS shop_rank FROM gold.daily GROUP BY year, shop");
        Files.writeString(gold.resolve("fanout.sql"), "SELECT shop, amount FROM silver.sales");
        Files.writeString(gold.resolve("on_fanout.sql"), "SELECT shop, COUNT(*) AS n FROM gold.fanout GROUP BY shop");
        Files.writeString(gold.resolve("no_shop.sql"), "SELECT CAST(NULL AS STRING) AS shop, SUM(amount) AS total "
                + "FROM silver.sales");
        spec = TestSpecs.load(dir, "models", """
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  sales:
                    source: {format: csv, path: sales}
                    schema: [{name: id, type: bigint, required: true}, {name: day, type: date},
                             {name: shop, type: string}, {name: amount, type: "decimal(12,2)"}]
                    key: [id]
                gold:
                  yearly_rank: {sql: ../gold/yearly_rank.sql, grain: [year, shop], partition_by: [year]}
                  daily: {sql: ../gold/daily.sql, grain: [day, shop], partition_by: [year]}
                  on_fanout: {sql: ../gold/on_fanout.sql, grain: [shop], refresh: full}
                  fanout: {sql: ../gold/fanout.sql, grain: [shop], refresh: full}
                  no_shop: {sql: ../gold/no_shop.sql, grain: [shop], refresh: full}
                """.formatted(lake, dir.resolve("landing")));
        String sales = lake + "/silver/sales";
        DeltaTables.createIfMissing(spark, sales, sales(0), List.of(), DeltaTables.CHANGE_FEED);
        sales(120).write().format("delta").mode("append").save(sales);
    }

    /** Sale {@code id}: year 2005 + id % 20, shop a or b and day 1 to 3 by id / 20; amount id + 1. */
    private org.apache.spark.sql.Dataset<Row> sales(long count) {
        return spark.range(count).selectExpr("id",
                "make_date(2005 + CAST(id % 20 AS INT), 1, 1 + CAST(id DIV 40 AS INT)) AS day",
                "IF((id DIV 20) % 2 = 0, 'a', 'b') AS shop", "CAST(id + 1 AS DECIMAL(12,2)) AS amount");
    }

    private int gold(String... models) {
        List<GoldModelSpec> selected = java.util.Arrays.stream(models).map(m -> spec.gold().get(m)).toList();
        return new JobRunner(spec).runIn(spark, new GoldJob(selected, false), List.copyOf(spec.tables().values()), DAY);
    }

    @Test
    void aModelReadingAModelRefreshesAfterItAndOnlyForTheYearThatChanged() {
        assertThat(gold("yearly_rank", "daily")).isEqualTo(ExitCode.OK);
        assertThat(leaders()).hasSize(20).allMatch(r -> r.getString(1).equals("b"));
        assertThat(metrics("yearly_rank")).containsEntry("refresh", "full");

        spark.sql("SELECT 1000L AS id, DATE'2010-06-01' AS day, 'a' AS shop, CAST(1000 AS DECIMAL(12,2)) AS amount")
                .write().format("delta").mode("append").save(lake + "/silver/sales");
        assertThat(gold("yearly_rank", "daily")).isEqualTo(ExitCode.OK);
        assertThat(metrics("daily")).containsEntry("refresh", "incremental").containsEntry("partitions_rewritten", "1");
        assertThat(metrics("yearly_rank")).containsEntry("refresh", "incremental")
                .containsEntry("partitions_rewritten", "1").containsEntry("partitions", "(`year` = 2010)");
        // 2010, shop a: its three sales (ids 5, 45 and 85: 6 + 46 + 86) and the new 1000; shop b has 198.
        Row a2010 = spark.sql("SELECT total, shop_rank FROM delta.`" + lake + "/gold/yearly_rank` "
                + "WHERE year = 2010 AND shop = 'a'").first();
        assertThat(a2010.getDecimal(0)).isEqualByComparingTo("1138");
        assertThat(a2010.getInt(1)).isEqualTo(1);
        assertThat(leaders()).hasSize(20).filteredOn(r -> r.getString(1).equals("a"))
                .extracting(r -> r.getInt(0)).containsExactly(2010);
    }

    @Test
    void aGrainThatDoesNotHoldExitsThreeAndItsReaderIsNotRefreshed() {
        assertThat(gold("on_fanout", "fanout")).isEqualTo(ExitCode.QUALITY_GATE);
        Row fanout = lastRun("fanout");
        assertThat(fanout.<String>getAs("status")).isEqualTo("quality_failed");
        assertThat(fanout.<String>getAs("message")).contains("gold.fanout: 2 value(s) of the grain [shop] occur more "
                + "than once, in " + spark.read().format("delta").load(lake + "/silver/sales").count() + " rows",
                "shop=a x", "shop=b x");
        Row reader = lastRun("on_fanout");
        assertThat(reader.<String>getAs("status")).isEqualTo("quality_failed");
        assertThat(reader.<String>getAs("message")).isEqualTo("not refreshed: it reads gold.fanout, whose refresh did "
                + "not succeed in this run");
        assertThat(Files.exists(dir.resolve("lake/gold/on_fanout"))).isFalse();
        // Not recorded as refreshed: a rerun checks it again instead of finding it up to date.
        assertThat(gold("fanout")).isEqualTo(ExitCode.QUALITY_GATE);

        assertThat(gold("no_shop")).isEqualTo(ExitCode.QUALITY_GATE);
        assertThat(lastRun("no_shop").<String>getAs("message")).contains("1 row(s) have a null in the grain [shop]");
    }

    /** Each year's first-ranked shop. */
    private List<Row> leaders() {
        return spark.sql("SELECT year, shop FROM delta.`" + lake + "/gold/yearly_rank` WHERE shop_rank = 1 "
                + "ORDER BY year").collectAsList();
    }

    private Map<String, String> metrics(String model) {
        return TestLedger.metrics(lastRun(model));
    }

    private Row lastRun(String model) {
        return TestLedger.last(spark, lake, "gold", model);
    }
}
