package io.medallion.jobs.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.medallion.jobs.CliProcess;
import io.medallion.testing.TestSpark;
import io.trino.tpch.GenerateUtils;
import io.trino.tpch.LineItem;
import io.trino.tpch.LineItemGenerator;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * generate -> pipeline (a backfill over every batch) -> gold, through the CLI as processes:
 * TPC-H Q1 rolls up from gold.pricing_daily exactly, a gold rerun changes nothing, a late batch
 * rewrites only the partitions it touches, and sql reads the lake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GoldCliIT {
    private static final List<String> MODELS =
            List.of("pricing_daily", "fact_sales", "revenue_by_nation_month", "customer_lifetime_value");

    @TempDir
    static Path dir;
    Path lake;
    CliProcess cli;
    SparkSession spark;
    String pipeline;

    @BeforeAll
    void setUp() {
        lake = dir.resolve("lake");
        pipeline = Path.of("..", "conf", "pipelines", "tpch.yaml").toAbsolutePath().normalize().toString();
        cli = new CliProcess(dir, Map.of("MEDALLION_LAKE_ROOT", lake.toString(),
                "MEDALLION_LANDING_ROOT", dir.resolve("landing").toString()));
        spark = TestSpark.session();
    }

    private CliProcess.Result medallion(String command, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "--pipeline", pipeline));
        all.addAll(List.of(args));
        return cli.run(all.toArray(new String[0]));
    }

    private Dataset<Row> gold(String model) {
        return spark.read().format("delta").load(lake.resolve("gold").resolve(model).toString());
    }

    private long version(String model) {
        return DeltaTable.forPath(spark, lake.resolve("gold").resolve(model).toString()).history(1).first()
                .<Long>getAs("version");
    }

    @Test
    @Order(1)
    void aBackfillRunsEveryStageOfEveryDateInOrder() throws Exception {
        assertThat(medallion("generate").exitCode()).isZero();
        CliProcess.Result run = medallion("pipeline", "--from", "2024-01-01", "--to", "2024-01-03");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> stages = run.stdout().lines().map(l -> l.substring(0, 20).trim().replaceAll(" +", " ")).toList();
        assertThat(stages).containsExactly("2024-01-01 bronze", "2024-01-01 silver", "2024-01-01 gold",
                "2024-01-02 bronze", "2024-01-02 silver", "2024-01-02 gold",
                "2024-01-03 bronze", "2024-01-03 silver", "2024-01-03 gold");
        for (String m : MODELS) {
            assertThat(gold(m).count()).as(m).isPositive();
        }
        assertThat(gold("fact_sales").count()).isEqualTo(60_175);
    }

    /** Q1's groups and sums, computed from TPC-H's own rows with BigDecimal. */
    private static Map<String, BigDecimal[]> q1FromTpch() {
        Map<String, BigDecimal[]> groups = new TreeMap<>();
        BigDecimal one = BigDecimal.ONE;
        for (LineItem l : new LineItemGenerator(0.01, 1, 1)) {
            if (GenerateUtils.formatDate(l.getShipDate()).compareTo("1998-09-02") > 0) {
                continue;
            }
            BigDecimal qty = BigDecimal.valueOf(l.getQuantity());
            BigDecimal price = BigDecimal.valueOf(l.getExtendedPriceInCents(), 2);
            BigDecimal discount = BigDecimal.valueOf(l.getDiscountPercent(), 2);
            BigDecimal tax = BigDecimal.valueOf(l.getTaxPercent(), 2);
            BigDecimal discounted = price.multiply(one.subtract(discount));
            BigDecimal[] g = groups.computeIfAbsent(l.getReturnFlag() + "|" + l.getStatus(), k -> new BigDecimal[] {
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
            g[0] = g[0].add(qty);
            g[1] = g[1].add(price);
            g[2] = g[2].add(discounted);
            g[3] = g[3].add(discounted.multiply(one.add(tax)));
            g[4] = g[4].add(discount);
            g[5] = g[5].add(one);
        }
        return groups;
    }

    @Test
    @Order(2)
    void tpchQ1RollsUpExactlyFromPricingDaily() {
        Map<String, BigDecimal[]> expected = q1FromTpch();
        List<Row> q1 = gold("pricing_daily").where("ship_date <= DATE'1998-09-02'")
                .groupBy("l_returnflag", "l_linestatus")
                .agg(org.apache.spark.sql.functions.expr("sum(sum_qty)"),
                        org.apache.spark.sql.functions.expr("sum(sum_base_price)"),
                        org.apache.spark.sql.functions.expr("sum(sum_disc_price)"),
                        org.apache.spark.sql.functions.expr("sum(sum_charge)"),
                        org.apache.spark.sql.functions.expr("sum(sum_discount)"),
                        org.apache.spark.sql.functions.expr("sum(count_order)"))
                .collectAsList();
        assertThat(q1).hasSize(expected.size()).hasSize(4);
        for (Row r : q1) {
            BigDecimal[] e = expected.get(r.getString(0) + "|" + r.getString(1));
            assertThat(e).as("group %s|%s", r.getString(0), r.getString(1)).isNotNull();
            for (int i = 0; i < 5; i++) {
                assertThat(r.getDecimal(2 + i)).as("column %d of %s", i, r).isEqualByComparingTo(e[i]);
            }
            assertThat(BigDecimal.valueOf(r.getLong(7))).isEqualByComparingTo(e[5]);
        }
    }

    @Test
    @Order(3)
    void aGoldRerunChangesNothing() throws Exception {
        Map<String, Long> before = new HashMap<>();
        MODELS.forEach(m -> before.put(m, version(m)));
        CliProcess.Result again = medallion("gold", "--run-date", "2024-01-03");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        MODELS.forEach(m -> assertThat(version(m)).as("%s untouched", m).isEqualTo(before.get(m)));
    }

    /** Files of each partition value of a gold table. */
    private Map<Object, Set<String>> filesByPartition(String model, String column) {
        Map<Object, Set<String>> files = new HashMap<>();
        for (Row r : gold(model).select(col(column), input_file_name()).distinct().collectAsList()) {
            files.computeIfAbsent(r.get(0), k -> new HashSet<>()).add(r.getString(1));
        }
        return files;
    }

    @Test
    @Order(4)
    void aLateBatchRewritesOnlyThePartitionsItTouches() throws Exception {
        // Order 1's lines arrive again for an earlier date with a corrected comment.
        List<String> lines = new ArrayList<>();
        Set<String> shipMonths = new HashSet<>();
        for (LineItem l : new LineItemGenerator(0.01, 1, 1)) {
            if (l.getOrderKey() != 1) {
                break;
            }
            lines.add(l.toLine().replace(l.getComment(), "corrected"));
            shipMonths.add(GenerateUtils.formatDate(l.getShipDate()).substring(0, 7) + "-01");
        }
        Path late = dir.resolve("landing/lineitem/2024-01-02/late.tbl");
        Files.writeString(late, String.join("\n", lines) + "\n");
        Map<Object, Set<String>> pricingBefore = filesByPartition("pricing_daily", "ship_month");
        Map<Object, Set<String>> salesBefore = filesByPartition("fact_sales", "order_month");

        CliProcess.Result run = medallion("pipeline", "--run-date", "2024-01-03", "--table", "lineitem");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        Row commit = DeltaTable.forPath(spark, lake.resolve("gold/pricing_daily").toString()).history(1).first();
        Map<String, String> metrics = commit.getJavaMap(commit.fieldIndex("operationMetrics"));
        assertThat(Long.parseLong(metrics.get("numRemovedFiles"))).isEqualTo(shipMonths.size());
        Map<Object, Set<String>> pricingAfter = filesByPartition("pricing_daily", "ship_month");
        for (Map.Entry<Object, Set<String>> p : pricingBefore.entrySet()) {
            boolean touched = shipMonths.contains(p.getKey().toString());
            assertThat(pricingAfter.get(p.getKey()).equals(p.getValue())).as("partition %s rewritten", p.getKey())
                    .isEqualTo(!touched);
        }
        Map<Object, Set<String>> salesAfter = filesByPartition("fact_sales", "order_month");
        long rewritten = salesBefore.keySet().stream().filter(k -> !salesBefore.get(k).equals(salesAfter.get(k)))
                .count();
        assertThat(rewritten).as("order 1 is in one order month").isEqualTo(1);
        assertThat(gold("fact_sales").where("l_orderkey = 1").count()).isEqualTo(lines.size());
    }

    @Test
    @Order(5)
    void sqlQueriesTheLakeByLayerAndName() throws Exception {
        CliProcess.Result json = medallion("sql", "SELECT count(*) AS n FROM silver.orders", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(new ObjectMapper().readTree(json.stdout().strip()).get("n").asLong()).isEqualTo(15_000);

        CliProcess.Result table = medallion("sql", "SELECT job, count(*) AS runs FROM ops.runs GROUP BY job ORDER BY job");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.stdout()).contains("job", "runs", "bronze", "silver", "gold", "(3 rows)");

        CliProcess.Result missing = medallion("sql", "SELECT * FROM gold.no_such_model");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("gold.no_such_model does not exist");
    }

    @Test
    @Order(6)
    void thePipelineExitsWithTheCodeOfTheStageThatFailed() throws Exception {
        // A copy of the spec whose line item quarantine limit the sample data exceeds: silver exits 3.
        Path conf = dir.resolve("strict/conf");
        Files.createDirectories(conf.resolve("pipelines"));
        Files.createDirectories(conf.resolve("env"));
        Path gold = Files.createDirectories(conf.resolve("gold"));
        for (String m : MODELS) {
            Files.copy(Path.of("..", "conf", "gold", m + ".sql"), gold.resolve(m + ".sql"));
        }
        Files.copy(Path.of("..", "conf", "env", "local.yaml"), conf.resolve("env/local.yaml"));
        String spec = Files.readString(Path.of(pipeline)).replaceFirst("quarantine: \\{max_rate: 0.01}",
                "quarantine: {max_rate: 0.0001}");
        Path strict = Files.writeString(conf.resolve("pipelines/tpch.yaml"), spec);
        CliProcess other = new CliProcess(dir, Map.of("MEDALLION_LAKE_ROOT", dir.resolve("strict-lake").toString(),
                "MEDALLION_LANDING_ROOT", dir.resolve("landing").toString()));
        CliProcess.Result run = other.run("pipeline", "--pipeline", strict.toString(), "--run-date", "2024-01-01",
                "--table", "orders", "--table", "lineitem");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stdout()).contains("bronze   exit 0", "silver   exit 3").doesNotContain("gold");

        // A model whose SQL does not parse is a configuration error: exit 2, naming the file, no Spark.
        Files.writeString(gold.resolve("fact_sales.sql"), "SELEC broken FROM");
        CliProcess.Result broken = other.run("gold", "--pipeline", strict.toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.stderr()).contains("fact_sales.sql", "does not parse");
        Files.writeString(gold.resolve("fact_sales.sql"), "SELECT * FROM silver.lineitems");
        CliProcess.Result unknown = other.run("pipeline", "--pipeline", strict.toString(), "--run-date", "2024-01-01");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("fact_sales.sql", "silver.lineitems");
    }
}
