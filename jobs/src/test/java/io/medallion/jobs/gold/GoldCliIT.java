package io.medallion.jobs.gold;

import static io.medallion.jobs.LineageEvents.names;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.medallion.jobs.CliProcess;
import io.medallion.jobs.DemoLake;
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
 * The demo's lake (generate, then a pipeline backfill over every batch), then gold and pipeline
 * runs on a copy of it, through the CLI as processes:
 * TPC-H Q1 rolls up from gold.pricing_daily exactly, a gold rerun changes nothing, a late batch
 * rewrites only the partitions it touches, and sql reads the lake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GoldCliIT {
    private static final List<String> MODELS =
            List.of("pricing_daily", "fact_sales", "revenue_by_nation_month", "nation_revenue_rank",
                    "customer_lifetime_value");

    @TempDir
    static Path dir;
    Path lake;
    CliProcess cli;
    SparkSession spark;
    String pipeline;

    @BeforeAll
    void setUp() throws Exception {
        DemoLake.copy(dir);
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
        CliProcess.Result run = DemoLake.run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> stages = run.stdout().lines().filter(l -> l.matches(" *\\d{4}-\\d\\d-\\d\\d  .* exit \\d+ .*"))
                .map(l -> l.substring(0, l.indexOf(" exit")).trim().replaceAll(" +", " ")).toList();
        List<String> expected = new ArrayList<>();
        for (String date : List.of("2024-01-01", "2024-01-02")) {
            for (String stage : List.of("bronze", "silver", "silver quality", "gold", "gold quality")) {
                expected.add(date + " " + stage);
            }
        }
        expected.add("2024-01-02 maintain");
        assertThat(stages).isEqualTo(expected);
        // Gold stands changed rows in for tables and puts the tables back: no view is left on a
        // removed scratch folder, which Spark would log as a failed uncache with a stack trace.
        assertThat(run.stderr()).doesNotContain("attempting to uncache");
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
    void onBronzeTheTpchRulesFailByExactlyTheInjectedDefects() throws Exception {
        // Bronze keeps every line as it arrived, so constraints that hold on silver measure the defects there.
        Path conf = copyConf("bronze-suite", spec -> spec + """
                  bronze.lineitem:
                    - {check: predicate, name: parses, predicate: "_parse_error IS NULL"}
                    - {check: range, column: l_quantity, min: 1, max: 50, where: "_parse_error IS NULL"}
                    - {check: range, column: l_discount, min: 0, max: 0.10, where: "_parse_error IS NULL"}
                """);
        CliProcess.Result run = cli.run("quality", "--pipeline", conf.resolve("pipelines/tpch.yaml").toString(),
                "--layer", "bronze", "--run-date", "2024-01-02");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stderr()).contains("bronze.lineitem: parses failed");

        long lines = 0;
        long unparsed = 0;
        long negativeQuantity = 0;
        long discountOutOfRange = 0;
        JsonNode batches = new ObjectMapper().readTree(dir.resolve("landing/manifest.json").toFile())
                .path("tables").path("lineitem").path("batches");
        for (JsonNode batch : batches) {
            JsonNode defects = batch.path("defects");
            lines += batch.path("lines").asLong();
            unparsed += defects.path("bad_date").asLong() + defects.path("bad_field_count").asLong()
                    + defects.path("bad_number").asLong();
            negativeQuantity += defects.path("negative_quantity").asLong();
            discountOutOfRange += defects.path("discount_out_of_range").asLong();
        }
        Map<String, Double> measured = new HashMap<>();
        for (Row r : spark.read().format("delta").load(lake.resolve("ops/quality_metrics").toString())
                .where("table_name = 'bronze.lineitem'").select("metric", "value").collectAsList()) {
            measured.put(r.getString(0), r.getDouble(1));
        }
        assertThat(measured.get("row_count")).isEqualTo((double) lines);
        assertThat(measured.get("parses")).isCloseTo(1 - (double) unparsed / lines, within(1e-12));
        // The domain rules are checked on the lines that parsed.
        long parsed = lines - unparsed;
        assertThat(measured.get("range(l_quantity)")).isCloseTo(1 - (double) negativeQuantity / parsed,
                within(1e-12));
        assertThat(measured.get("range(l_discount)")).isCloseTo(1 - (double) discountOutOfRange / parsed,
                within(1e-12));
    }

    @Test
    @Order(4)
    void aGoldRerunChangesNothing() throws Exception {
        Map<String, Long> before = new HashMap<>();
        MODELS.forEach(m -> before.put(m, version(m)));
        CliProcess.Result again = medallion("gold", "--run-date", "2024-01-02");
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
    @Order(5)
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
        Path late = dir.resolve("landing/lineitem/2024-01-01/late.tbl");
        Files.writeString(late, String.join("\n", lines) + "\n");
        Map<Object, Set<String>> pricingBefore = filesByPartition("pricing_daily", "ship_month");
        Map<Object, Set<String>> salesBefore = filesByPartition("fact_sales", "order_month");

        // The same spec with OpenLineage's file transport: the run's lineage is checked below.
        Path events = dir.resolve("lineage/events.jsonl");
        Path withLineage = copyConf("lineage", spec -> spec + "lineage: {transport: file, location: " + events + "}\n");
        CliProcess.Result run = cli.run("pipeline", "--pipeline", withLineage.resolve("pipelines/tpch.yaml").toString(),
                "--run-date", "2024-01-02", "--table", "lineitem");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertLineage(events);

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

    /**
     * The late batch's pipeline run in OpenLineage events: each stage is a medallion run (START,
     * then COMPLETE with the ledger's row accounting), and the Spark integration's events for its
     * queries have it as parent and name the Delta tables it read and wrote. Silver's write is a
     * MERGE, whose lineage is checked at the dataset level only (see the README).
     */
    private void assertLineage(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            events.add(json.readTree(line));
        }
        Map<String, JsonNode> runs = new HashMap<>(); // medallion's COMPLETE events by stage
        for (JsonNode e : events) {
            if (e.at("/job/name").asText().startsWith("tpch.") && e.path("eventType").asText().equals("COMPLETE")) {
                assertThat(runs.put(e.at("/run/facets/medallion/stage").asText(), e)).as("one run per stage").isNull();
            }
        }
        assertThat(runs.keySet()).contains("bronze", "silver", "silver quality", "gold", "gold quality");
        Map<String, Row> ledger = new HashMap<>();
        for (Row r : spark.read().format("delta").load(lake.resolve("ops/runs").toString()).collectAsList()) {
            ledger.put(r.getAs("run_id") + "/" + r.getAs("table_name"), r);
        }
        Map<String, Set<String>> inputs = new HashMap<>();
        Map<String, Set<String>> outputs = new HashMap<>();
        for (Map.Entry<String, JsonNode> stage : runs.entrySet()) {
            JsonNode facet = stage.getValue().at("/run/facets/medallion");
            assertThat(facet.path("tables")).as("tables of %s", stage.getKey()).isNotEmpty();
            for (JsonNode t : facet.path("tables")) {
                Row row = ledger.get(facet.path("run_id").asText() + "/" + t.path("table").asText());
                assertThat(row).as("ledger row of %s %s", stage.getKey(), t).isNotNull();
                assertThat(t.path("rows_read").asLong()).as("%s %s", stage.getKey(), t).isEqualTo(row.<Long>getAs("rows_read"));
                assertThat(t.path("rows_written").asLong()).isEqualTo(row.<Long>getAs("rows_written"));
                assertThat(t.path("rows_quarantined").asLong()).isEqualTo(row.<Long>getAs("rows_quarantined"));
            }
            String runId = stage.getValue().at("/run/runId").asText();
            long children = 0;
            for (JsonNode e : events) {
                if (e.at("/run/facets/parent/run/runId").asText().equals(runId)) {
                    children++;
                    assertThat(e.at("/run/facets/medallion/run_id").asText()).isEqualTo(facet.path("run_id").asText());
                    e.path("inputs").forEach(d -> inputs.computeIfAbsent(stage.getKey(), k -> new HashSet<>())
                            .add(d.path("name").asText().replaceFirst(".*/lake/", "")));
                    e.path("outputs").forEach(d -> outputs.computeIfAbsent(stage.getKey(), k -> new HashSet<>())
                            .add(d.path("name").asText().replaceFirst(".*/lake/", "")));
                }
            }
            assertThat(children).as("Spark events of %s", stage.getKey()).isPositive();
        }
        assertThat(runs.get("silver").at("/run/facets/medallion/tables/0/rows_read").asLong())
                .as("the late file's lines").isPositive();
        // What each run says it read and wrote ...
        assertThat(names(runs.get("bronze"), "inputs")).containsExactly(dir.resolve("landing/lineitem").toString());
        assertThat(names(runs.get("bronze"), "outputs")).containsExactly("bronze/lineitem");
        assertThat(names(runs.get("silver"), "inputs")).containsExactly("bronze/lineitem");
        assertThat(names(runs.get("silver"), "outputs")).containsExactly("silver/lineitem", "silver/_quarantine_lineitem");
        assertThat(names(runs.get("silver quality"), "inputs")).contains("silver/lineitem");
        assertThat(names(runs.get("gold"), "inputs")).contains("silver/lineitem", "silver/orders");
        assertThat(names(runs.get("gold"), "outputs")).contains("gold/pricing_daily", "gold/fact_sales");
        // ... and what the Spark integration saw its queries write. Silver's is a MERGE and gold's
        // reads the changed rows from cached frames: their inputs are not in its events.
        assertThat(outputs.get("bronze")).contains("bronze/lineitem");
        assertThat(outputs.get("silver")).contains("silver/lineitem");
        assertThat(outputs.get("gold")).contains("gold/pricing_daily", "gold/fact_sales");
        System.out.printf("lineage of one pipeline date: %d events, %d medallion runs; the Spark integration saw "
                + "silver read %s and write %s%n", events.size(), runs.size(), inputs.get("silver"), outputs.get("silver"));
    }

    @Test
    @Order(6)
    void sqlQueriesTheLakeByLayerAndName() throws Exception {
        CliProcess.Result json = medallion("sql", "SELECT count(*) AS n FROM silver.orders", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(new ObjectMapper().readTree(json.stdout().strip()).get("n").asLong()).isEqualTo(15_000);

        CliProcess.Result table = medallion("sql", "SELECT job, count(*) AS runs FROM ops.runs GROUP BY job ORDER BY job");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.stdout()).contains("job", "runs", "bronze", "silver", "gold", "quality", "maintain",
                "(5 rows)");

        CliProcess.Result limited = medallion("sql", "SELECT n_name FROM silver.nation ORDER BY n_name", "--json",
                "--limit", "3");
        assertThat(limited.exitCode()).as(limited.toString()).isZero();
        assertThat(limited.stdout().lines().toList()).containsExactly("{\"n_name\":\"ALGERIA\"}",
                "{\"n_name\":\"ARGENTINA\"}", "{\"n_name\":\"BRAZIL\"}");

        CliProcess.Result missing = medallion("sql", "SELECT * FROM gold.no_such_model");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("gold.no_such_model does not exist");
    }

    /** Rows of a gold model, sorted, as text: equal lists mean equal contents. */
    private List<String> contents(String model) {
        return gold(model).collectAsList().stream().map(Row::toString).sorted().toList();
    }

    @Test
    @Order(7)
    void fullRefreshOfOneModelRebuildsItAloneWithTheSameRows() throws Exception {
        Map<String, Long> before = new HashMap<>();
        MODELS.forEach(m -> before.put(m, version(m)));
        List<String> rows = contents("revenue_by_nation_month");
        CliProcess.Result run = medallion("gold", "--run-date", "2024-01-02", "--model", "revenue_by_nation_month",
                "--full-refresh");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("revenue_by_nation_month: full rebuild (--full-refresh)");
        for (String m : MODELS) {
            long expected = before.get(m) + (m.equals("revenue_by_nation_month") ? 1 : 0);
            assertThat(version(m)).as(m).isEqualTo(expected);
        }
        assertThat(contents("revenue_by_nation_month")).isEqualTo(rows);
    }

    @Test
    @Order(8)
    void aChangedSqlFileRebuildsTheModelWhole() throws Exception {
        Path conf = copyConf("edited");
        Path sql = conf.resolve("gold/pricing_daily.sql");
        Files.writeString(sql, Files.readString(sql) + "\n-- reviewed: sums stay unrounded\n");
        List<String> filesBefore = List.of(gold("pricing_daily").inputFiles());
        List<String> rows = contents("pricing_daily");

        CliProcess.Result run = cli.run("gold", "--pipeline", conf.resolve("pipelines/tpch.yaml").toString(),
                "--run-date", "2024-01-02", "--model", "pricing_daily");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("pricing_daily: full rebuild (the SQL changed)");
        assertThat(List.of(gold("pricing_daily").inputFiles())).as("every file rewritten")
                .doesNotContainAnyElementsOf(filesBefore);
        assertThat(contents("pricing_daily")).isEqualTo(rows);
        Row ledger = spark.read().format("delta").load(lake.resolve("ops/runs").toString())
                .where("job = 'gold' AND table_name = 'pricing_daily'").orderBy(col("started_at").desc()).first();
        assertThat(ledger.<Long>getAs("files_removed")).as("files the rebuild replaced, in the ledger")
                .isEqualTo(filesBefore.size());
    }

    /** A copy of conf/ (spec, env overlay, gold SQL) to edit, with the spec's text passed through {@code edit}. */
    private Path copyConf(String name, java.util.function.UnaryOperator<String> edit) throws Exception {
        Path conf = dir.resolve(name + "/conf");
        Files.createDirectories(conf.resolve("pipelines"));
        Files.createDirectories(conf.resolve("env"));
        Path gold = Files.createDirectories(conf.resolve("gold"));
        for (String m : MODELS) {
            Files.copy(Path.of("..", "conf", "gold", m + ".sql"), gold.resolve(m + ".sql"));
        }
        Files.copy(Path.of("..", "conf", "env", "local.yaml"), conf.resolve("env/local.yaml"));
        Files.writeString(conf.resolve("pipelines/tpch.yaml"), edit.apply(Files.readString(Path.of(pipeline))));
        return conf;
    }

    private Path copyConf(String name) throws Exception {
        return copyConf(name, spec -> spec);
    }

    @Test
    @Order(9)
    void thePipelineExitsWithTheCodeOfTheStageThatFailed() throws Exception {
        // A copy of the spec whose line item quarantine limit the sample data exceeds: silver exits 3.
        Path conf = copyConf("strict", spec -> spec.replaceFirst("quarantine: \\{max_rate: 0.01}",
                "quarantine: {max_rate: 0.0001}"));
        Path gold = conf.resolve("gold");
        Path strict = conf.resolve("pipelines/tpch.yaml");
        CliProcess other = new CliProcess(dir, Map.of("MEDALLION_LAKE_ROOT", dir.resolve("strict-lake").toString(),
                "MEDALLION_LANDING_ROOT", dir.resolve("landing").toString()));
        CliProcess.Result run = other.run("pipeline", "--pipeline", strict.toString(), "--run-date", "2024-01-01",
                "--table", "orders", "--table", "lineitem");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stdout()).containsPattern("bronze +exit 0").containsPattern("silver +exit 3")
                .doesNotContain("quality").doesNotContain("gold");

        // Models that read a silver table not built yet fail at run time, saying what to run.
        CliProcess.Result early = other.run("gold", "--pipeline", strict.toString(), "--run-date", "2024-01-01",
                "--model", "customer_lifetime_value");
        assertThat(early.exitCode()).as(early.toString()).isEqualTo(1);
        assertThat(early.stderr()).contains("customer_lifetime_value.sql reads silver.",
                ", which does not exist yet; run silver first");

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
