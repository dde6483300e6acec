package io.medallion.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.jobs.sample.TpchLandingGenerator;
import io.medallion.testing.TestSpark;
import io.trino.tpch.GenerateUtils;
import io.trino.tpch.Order;
import io.trino.tpch.OrderGenerator;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --source postgres} through the launcher: a PostgreSQL of the demo's own, loaded by
 * batch with TPC-H orders and customers and their changes, the pipeline after each batch, and a
 * reconciliation that finds the lake equal to the database. Silver is then checked against
 * TPC-H itself, and the ledger against the changes the loader reports; and {@code generate
 * --to-jdbc} as a command, against the tests' PostgreSQL.
 */
class PostgresDemoIT {
    @TempDir
    Path dir;

    @Test
    void theDemoOnPostgresLandsEveryChangeOnceAndReconciles() throws Exception {
        String lake = dir.resolve("lake").toString();
        CliProcess.Result demo = new CliProcess(dir, Map.of("MEDALLION_LAKE_ROOT", lake))
                .launcher("demo", "--source", "postgres");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.stdout()).containsPattern("2024-01-02  reconcile +exit 0")
                .containsPattern("silver\\.customer +1,496 +1,496 +0 +0 +0 +0  equal")
                .containsPattern("silver\\.orders +15,000 +15,000 +0 +0 +0 +0  equal");
        System.out.printf("demo on PostgreSQL through the launcher: %.1f s%n", demo.millis() / 1000.0);

        SparkSession spark = TestSpark.session();
        Dataset<Row> orders = spark.read().format("delta").load(lake + "/silver/orders");
        assertThat(orders.selectExpr("o_orderkey", "o_custkey", "o_orderstatus", "o_totalprice", "o_orderdate",
                        "o_orderpriority", "o_clerk", "o_shippriority", "o_comment").collectAsList().stream().map(Row::toString).sorted().toList())
                .as("TPC-H's orders, with batch 2's updates to batch 1's on-time orders").isEqualTo(expectedOrders());

        Matcher second = Pattern.compile("Batch 2 into PostgreSQL: ([0-9,]+) orders \\(([0-9,]+) committed late\\), "
                + "([0-9,]+) orders updated, [0-9,]+ customers \\([0-9,]+ updated, ([0-9,]+) deleted\\)")
                .matcher(demo.stdout());
        assertThat(second.find()).as(demo.stdout()).isTrue();
        long inserted = number(second.group(1)) + number(second.group(2));
        Dataset<Row> runs = spark.read().format("delta").load(lake + "/ops/runs")
                .where("job = 'silver' AND status = 'succeeded' AND run_date = DATE'2024-01-02'");
        Map<String, String> ordersRun = metrics(runs.where(col("table_name").equalTo("orders")).first());
        assertThat(ordersRun).as("each change of batch 2 applied once")
                .containsEntry("rows_inserted", String.valueOf(inserted))
                .containsEntry("rows_updated", String.valueOf(number(second.group(3))))
                .containsEntry("rows_unchanged", "0");
        assertThat(metrics(runs.where(col("table_name").equalTo("customer")).first()))
                .containsEntry("rows_deleted", String.valueOf(number(second.group(4))));
    }

    @Test
    void generateToJdbcLoadsABatchAndRefusesToOverwriteWithoutForce() throws Exception {
        TestPostgres.execute("CREATE DATABASE generated");
        String url = "jdbc:postgresql://localhost:" + TestPostgres.server().getPort() + "/generated?user=postgres";
        CliProcess cli = new CliProcess(dir, Map.of());
        CliProcess.Result first = cli.run("generate", "--to-jdbc", url, "--batch", "1", "--batches", "2");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).containsPattern("\\n1 +7,447 +0 +0 +750 +0 +0 ")
                .contains("into jdbc:postgresql://localhost:" + TestPostgres.server().getPort() + "/generated")
                .doesNotContain("user=postgres");

        CliProcess.Result again = cli.run("generate", "--to-jdbc", url, "--batch", "1", "--batches", "2");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
        assertThat(again.stderr()).contains("tpch.orders or tpch.customer already exists", "--force");

        CliProcess.Result next = cli.run("generate", "--to-jdbc", url, "--batch", "2", "--batches", "2");
        assertThat(next.exitCode()).as(next.toString()).isZero();
        try (var c = java.sql.DriverManager.getConnection(url); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE o_comment = 'changed in batch 2') "
                     + "FROM tpch.orders")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(15_000);
            assertThat(rs.getLong(2)).isPositive();
        }
    }

    /** Silver's rows as text, computed from TPC-H and the loader's rules for which orders batch 2 updates. */
    private static List<String> expectedOrders() {
        Map<Integer, Long> seen = new HashMap<>();
        List<String> rows = new java.util.ArrayList<>();
        for (Order o : new OrderGenerator(0.01, 1, 1)) {
            LocalDate date = LocalDate.parse(GenerateUtils.formatDate(o.getOrderDate()));
            int batch = TpchLandingGenerator.orderBatch(date, 2);
            long index = seen.merge(batch, 1L, Long::sum) - 1;
            boolean late = index % 200 == 199;
            boolean updated = batch == 0 && !late && o.getOrderKey() % 101 == 2;
            rows.add("[" + o.getOrderKey() + "," + o.getCustomerKey() + "," + (updated ? "F" : o.getOrderStatus()) + ","
                    + BigDecimal.valueOf(o.getTotalPriceInCents(), 2) + "," + date + "," + o.getOrderPriority() + ","
                    + o.getClerk() + "," + o.getShipPriority() + "," + (updated ? "changed in batch 2" : o.getComment())
                    + "]");
        }
        return rows.stream().sorted().toList();
    }

    private static Map<String, String> metrics(Row run) {
        return run.getJavaMap(run.fieldIndex("metrics"));
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
    }
}
