package io.medallion.jobs.ops;

import static io.medallion.jobs.LineageEvents.names;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.jobs.HeadlessChromium;
import io.medallion.jobs.pipeline.Pipeline;
import io.medallion.jobs.quality.Freshness;
import io.medallion.lineage.LineageSettings;
import io.medallion.run.ExitCode;
import io.medallion.testing.TestSpark;
import io.medallion.testing.TestSpecs;
import io.openlineage.spark.agent.OpenLineageSparkListener;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pipeline run leaves for its operators, over two run dates of a small CSV table and a gold
 * model: a clean day, then a day whose silver gate fails. The webhook (the JDK's HTTP server,
 * answering 500 once) gets nothing for the clean run and one message, after one retry, for the
 * failed gate; the Prometheus textfile parses with every figure; the report and the index are
 * self-contained pages that headless Chromium renders; ops.pipeline_runs and the status agree.
 * OpenLineage events go to the same server over the http transport, with an orchestrator's run
 * given as the parent. The Spark integration's listener is the one the lineage settings name,
 * added to the test session with those settings (a session's listeners are fixed when it starts;
 * the CLI tests start theirs with it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunOutputsTest {
    @TempDir
    static Path dir;
    SparkSession spark;
    PipelineSpec spec;
    HttpServer webhook;
    final List<String> received = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger requests = new AtomicInteger();
    final List<Integer> exits = new ArrayList<>();
    final List<JsonNode> lineage = Collections.synchronizedList(new ArrayList<>());
    OpenLineageSparkListener listener;
    private static final String ORCHESTRATOR_RUN = "0191e4a4-7d1e-7c3a-8b2f-3c1d2e4f5a6b";

    @BeforeAll
    void setUp() throws Exception {
        spark = TestSpark.session();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            // The first request fails, so the alert is delivered by its retry.
            int status = requests.incrementAndGet() == 1 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        webhook.createContext("/api/v1/lineage", exchange -> {
            lineage.add(new ObjectMapper().readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        webhook.start();
        Path landing = dir.resolve("landing");
        write(landing.resolve("stock/2024-01-01/stock.csv"), "sku,qty,note\nA,5,first\nB,7,\"with, comma\"\nC,9,x\n"
                + "D,-4,bad quantity\n");
        write(landing.resolve("stock/2024-01-02/stock.csv"), "sku,qty,note\nA,6,again\nE,2,\n");
        Path specFile = TestSpecs.write(dir, "ops", """
                pipeline: ops
                storage: {lake_root: %1$s, landing_root: %3$s}
                metrics: {path: %4$s}
                alerts: {webhook: "http://127.0.0.1:%2$d/hook", on: [failure, quality], retry_backoff: 50ms}
                lineage: {transport: http, url: "http://127.0.0.1:%2$d", namespace: retail}
                tables:
                  stock:
                    source: {format: csv, path: stock}
                    schema:
                      - {name: sku, type: string, required: true}
                      - {name: qty, type: int}
                      - {name: note, type: string}
                    key: [sku]
                    rules:
                      - {name: qty_range, check: range, column: qty, min: 0, max: 1000}
                    quarantine: {max_rate: 0.5}
                    freshness: {warn_after: 6h, error_after: 24h}
                gold:
                  stock_total: {sql: stock_total.sql, grain: [scope], refresh: full}
                quality:
                  silver.stock:
                    - {check: complete, column: note}
                """.formatted(dir.resolve("lake").toUri(), webhook.getAddress().getPort(), landing.toUri(),
                dir.resolve("metrics")));
        Files.writeString(specFile.resolveSibling("stock_total.sql"),
                "SELECT 'all' AS scope, count(*) AS skus, sum(qty) AS qty FROM silver.stock");
        spec = new PipelineSpecLoader(Map.of(), dir).load(specFile, "local");
        Map<String, String> parent = Map.of(LineageSettings.PARENT_RUN_ID, ORCHESTRATOR_RUN,
                LineageSettings.PARENT_JOB_NAME, "daily.ops", LineageSettings.PARENT_JOB_NAMESPACE, "airflow");
        SparkConf conf = spark.sparkContext().getConf().clone();
        spec.spark().conf().forEach((k, v) -> {
            if (k.startsWith("spark.openlineage.")) {
                conf.set(k, v);
            }
        });
        parent.forEach(conf::set);
        listener = new OpenLineageSparkListener(conf);
        spark.sparkContext().addSparkListener(listener);
        parent.forEach(spark.conf()::set);
        try {
            Pipeline pipeline = new Pipeline(spec, List.copyOf(spec.tables().values()));
            exits.add(pipeline.run(spark, List.of(LocalDate.parse("2024-01-01")), r -> { }));
            exits.add(pipeline.run(spark, List.of(LocalDate.parse("2024-01-02")), r -> { }));
        } finally {
            parent.keySet().forEach(spark.conf()::unset);
            spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
            spark.sparkContext().removeSparkListener(listener);
        }
    }

    @AfterAll
    void stop() {
        webhook.stop(0);
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private List<Row> pipelineRuns() {
        return spark.read().format("delta").load(dir.resolve("lake/ops/pipeline_runs").toString())
                .orderBy("started_at").collectAsList();
    }

    @Test
    @Order(1)
    void theCleanRunAlertsNobodyAndTheFailedGateOnceAfterARetry() throws Exception {
        assertThat(exits).containsExactly(ExitCode.OK, ExitCode.QUALITY_GATE);
        assertThat(received).as("two attempts of one message").hasSize(2);
        assertThat(received.get(0)).isEqualTo(received.get(1));
        JsonNode alert = new ObjectMapper().readTree(received.get(1));
        assertThat(alert.get("pipeline").asText()).isEqualTo("ops");
        assertThat(alert.get("status").asText()).isEqualTo("quality_failed");
        assertThat(alert.get("run_id").asText()).isEqualTo(pipelineRuns().get(1).getAs("run_id"));
        assertThat(alert.get("report").asText()).endsWith("/ops/reports/runs/" + alert.get("run_id").asText() + ".html");
        assertThat(alert.get("problems")).hasSize(1);
        assertThat(alert.get("problems").get(0).get("kind").asText()).isEqualTo("quality");
        assertThat(alert.get("problems").get(0).get("table").asText()).isEqualTo("silver.stock");
        assertThat(alert.get("problems").get(0).get("message").asText()).contains("note");
    }

    @Test
    @Order(2)
    void opsPipelineRunsHoldsBothRunsWithTheirStages() {
        List<Row> runs = pipelineRuns();
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).<String>getAs("status")).isEqualTo("succeeded");
        assertThat(runs.get(0).<Long>getAs("silver_rows_written")).isEqualTo(3L);
        assertThat(runs.get(0).<Long>getAs("rows_quarantined")).isEqualTo(1L);
        assertThat(runs.get(0).<Long>getAs("gold_rows_written")).isEqualTo(1L);
        assertThat(runs.get(1).<String>getAs("status")).isEqualTo("quality_failed");
        assertThat(runs.get(1).<Integer>getAs("exit_code")).isEqualTo(3);
        List<Row> stages = runs.get(1).getList(runs.get(1).fieldIndex("stages"));
        assertThat(stages.stream().map(s -> s.getString(1)).toList()).containsExactly("bronze", "silver",
                "silver quality");
    }

    /** Prometheus's text format, line by line: {@code name{labels} value}, after HELP and TYPE lines. */
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)\\} (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    @Test
    @Order(3)
    void theMetricsFileParses() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("metrics/medallion_ops.prom"));
        Map<String, Double> samples = new HashMap<>();
        Set<String> typed = new java.util.HashSet<>();
        for (String line : lines) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertThat(parts[3]).as(line).isEqualTo("gauge");
                typed.add(parts[2]);
                continue;
            }
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            assertThat(typed).as("TYPE before %s", line).contains(m.group(1));
            Matcher l = LABEL.matcher(m.group(2));
            Map<String, String> labels = new java.util.TreeMap<>();
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            samples.put(m.group(1) + labels, Double.parseDouble(m.group(3)));
        }
        // The file is the second run's: it stopped at silver's gate, so gold is not in it.
        assertThat(samples.get("medallion_pipeline_exit_code{pipeline=ops}")).isEqualTo(3.0);
        assertThat(samples.get("medallion_rows_written{pipeline=ops, stage=silver, table=stock}")).isEqualTo(2.0);
        assertThat(samples.get("medallion_rows_read{pipeline=ops, stage=bronze, table=stock}")).isEqualTo(2.0);
        assertThat(samples.get("medallion_rows_quarantined{pipeline=ops, stage=silver, table=stock}")).isEqualTo(0.0);
        assertThat(samples.get("medallion_stage_duration_seconds{pipeline=ops, stage=silver, table=stock}")).isPositive();
        // The silver gate failed today, so its last success is yesterday's run, from ops.runs.
        double gateSuccess = samples.get("medallion_last_success_timestamp_seconds{pipeline=ops, stage=silver quality, "
                + "table=silver.stock}");
        double silverSuccess = samples.get("medallion_last_success_timestamp_seconds{pipeline=ops, stage=silver, "
                + "table=stock}");
        assertThat(gateSuccess).isLessThan(silverSuccess);
        assertThat(samples.keySet()).noneMatch(k -> k.contains("stock_total"));
    }

    @Test
    @Order(4)
    void theReportAndTheIndexAreSelfContainedAndRender() throws Exception {
        Path runs = dir.resolve("lake/ops/reports/runs");
        String first = pipelineRuns().get(0).getAs("run_id");
        String html = Files.readString(runs.resolve(first + ".html"));
        assertThat(html).contains("Timeline", "Rows per layer", "Quarantine by rule", "qty_range", "Lineage",
                "bronze.stock", "silver.stock", "gold.stock_total", "freshness", "complete");
        String index = Files.readString(dir.resolve("lake/ops/reports/index.html"));
        assertThat(index).contains(first + ".html", (String) pipelineRuns().get(1).getAs("run_id"),
                "silver quarantine rate", "silver rows written", "bronze seconds");
        for (String page : List.of(html, index)) {
            // Nothing to fetch: no script, stylesheet, image or font from anywhere; url(#arrow) is the page's own marker.
            assertThat(page).doesNotContain("<script", "<link", "<img", "@import", "src=").doesNotContainPattern("url\\((?!#)");
        }
        Set<Integer> colours = HeadlessChromium.screenshotColours(runs.resolve(first + ".html"), dir, 1600);
        assertThat(colours.size()).as("distinct colours in the report's screenshot").isGreaterThan(50);
        assertThat(colours).as("the timeline's green bars").contains(0xFF1E8E3E);
        assertThat(HeadlessChromium.screenshotColours(dir.resolve("lake/ops/reports/index.html"), dir, 1200).size())
                .as("distinct colours in the index's screenshot").isGreaterThan(50);
    }

    @Test
    @Order(5)
    void theStatusShowsRowsFreshnessQualityAndTheQuarantineTrend() {
        LakeStatus.Report status = new LakeStatus(spark, spec, Clock.systemUTC()).read();
        assertThat(status.lastRun()).map(LakeStatus.LastRun::status).contains("quality_failed");
        LakeStatus.Line stock = status.lines().get(0);
        assertThat(stock.table()).isEqualTo("stock");
        assertThat(stock.lastJob()).isEqualTo("silver");
        assertThat(stock.rows()).containsEntry("bronze", 6L).containsEntry("silver", 4L);
        assertThat(stock.freshness()).map(Freshness.Result::status).contains(Freshness.Status.FRESH);
        assertThat(stock.quality()).isEqualTo("1 error(s), 0 warning(s) of 2");
        assertThat(stock.quarantineRates()).containsExactly(0.25, 0.0);
        assertThat(stock.trend()).isEqualTo("█▁ 0.00%");
        LakeStatus.Line gold = status.lines().get(1);
        assertThat(gold.table()).isEqualTo("gold.stock_total");
        assertThat(gold.rows()).containsEntry("gold", 1L);
    }

    /** Medallion's own events of one job run on one date. */
    private List<JsonNode> medallionEvents(String job, String date, String type) {
        return lineage.stream().filter(e -> e.at("/job/name").asText().equals("ops." + job)
                && e.at("/run/facets/medallion/run_date").asText().equals(date)
                && e.path("eventType").asText().equals(type)).toList();
    }

    /** Names of the datasets the Spark integration reported, in events whose parent is {@code run}. */
    private Set<String> datasets(JsonNode run, String side) {
        Set<String> names = new java.util.HashSet<>();
        for (JsonNode e : lineage) {
            if (e.at("/run/facets/parent/run/runId").asText().equals(run.at("/run/runId").asText())) {
                e.path(side).forEach(d -> names.add(d.path("name").asText().replaceFirst(".*/lake/", "")));
            }
        }
        return names;
    }

    @Test
    @Order(6)
    void eachJobIsALineageRunWhoseQueriesAreItsChildrenWithTheirDeltaInputsAndOutputs() {
        List<Row> ledger = spark.read().format("delta").load(dir.resolve("lake/ops/runs").toString()).collectAsList();
        for (String job : List.of("bronze", "silver", "quality", "gold")) {
            assertThat(medallionEvents(job, "2024-01-01", "START")).as("START of %s", job).isNotEmpty();
            for (JsonNode end : medallionEvents(job, "2024-01-01", "COMPLETE")) {
                JsonNode facet = end.at("/run/facets/medallion");
                String runId = facet.path("run_id").asText();
                assertThat(end.at("/run/runId").asText())
                        .isEqualTo(java.util.UUID.nameUUIDFromBytes(runId.getBytes(StandardCharsets.UTF_8)).toString());
                assertThat(end.at("/job/namespace").asText()).isEqualTo("retail");
                assertThat(end.at("/run/facets/parent/run/runId").asText()).isEqualTo(ORCHESTRATOR_RUN);
                assertThat(end.at("/run/facets/parent/job/name").asText()).isEqualTo("daily.ops");
                assertThat(facet.path("tables")).isNotEmpty();
                for (JsonNode t : facet.path("tables")) { // the facet's accounting is the ledger's
                    Row row = ledger.stream().filter(r -> r.getAs("run_id").equals(runId)
                            && r.getAs("table_name").equals(t.path("table").asText())).findFirst().orElseThrow();
                    assertThat(t.path("rows_read").asLong()).as("%s %s", job, t).isEqualTo(row.<Long>getAs("rows_read"));
                    assertThat(t.path("rows_written").asLong()).isEqualTo(row.<Long>getAs("rows_written"));
                    assertThat(t.path("rows_quarantined").asLong()).isEqualTo(row.<Long>getAs("rows_quarantined"));
                }
            }
        }
        JsonNode silver = medallionEvents("silver", "2024-01-01", "COMPLETE").get(0);
        JsonNode stock = silver.at("/run/facets/medallion/tables/0");
        assertThat(stock.path("table").asText()).isEqualTo("stock");
        assertThat(stock.path("rows_read").asLong()).isEqualTo(4);
        assertThat(stock.path("rows_written").asLong()).isEqualTo(3);
        assertThat(stock.path("rows_quarantined").asLong()).isEqualTo(1);

        // Each job run names what it reads and writes, as the Spark integration names datasets.
        JsonNode bronze = medallionEvents("bronze", "2024-01-01", "COMPLETE").get(0);
        assertThat(names(bronze, "inputs")).containsExactly(dir.resolve("landing/stock").toString());
        assertThat(names(bronze, "outputs")).containsExactly("bronze/stock");
        assertThat(bronze.at("/outputs/0/namespace").asText()).isEqualTo("file");
        assertThat(names(silver, "inputs")).containsExactly("bronze/stock");
        assertThat(names(silver, "outputs")).containsExactly("silver/stock", "silver/_quarantine_stock");
        assertThat(names(medallionEvents("quality", "2024-01-01", "COMPLETE").get(0), "inputs"))
                .containsExactly("silver/stock");
        JsonNode gold = medallionEvents("gold", "2024-01-01", "COMPLETE").get(0);
        assertThat(names(gold, "inputs")).containsExactly("silver/stock");
        assertThat(names(gold, "outputs")).containsExactly("gold/stock_total");
        // And the Spark integration's events for their queries show the same Delta tables.
        assertThat(datasets(bronze, "outputs")).contains("bronze/stock");
        assertThat(datasets(silver, "inputs")).contains("bronze/stock");
        assertThat(datasets(silver, "outputs")).contains("silver/stock", "silver/_quarantine_stock");
        assertThat(datasets(gold, "inputs")).contains("silver/stock");
        assertThat(datasets(gold, "outputs")).contains("gold/stock_total");
        // The second day's silver is a MERGE into the table, from a cached batch: the Spark
        // integration names its output only, medallion's run both (dataset level; see the README).
        JsonNode merge = medallionEvents("silver", "2024-01-02", "COMPLETE").get(0);
        assertThat(datasets(merge, "outputs")).contains("silver/stock");
        assertThat(names(merge, "inputs")).containsExactly("bronze/stock");
        assertThat(names(merge, "outputs")).contains("silver/stock");
        // The second day's silver gate fails (exit 3): its run ends FAIL.
        assertThat(medallionEvents("quality", "2024-01-02", "FAIL")).hasSize(1);
    }

    @Test
    @Order(7)
    void theSparkIntegrationsEventsKeepTheOrchestratorsRunAsRootAndNameTheirMedallionRun() {
        List<JsonNode> children = lineage.stream().filter(e -> e.at("/run/facets/medallion/run_id").isTextual()
                && !e.at("/job/name").asText().startsWith("ops.")).toList();
        assertThat(children).as("the Spark integration's events inside job runs").isNotEmpty();
        for (JsonNode e : children) {
            assertThat(e.at("/run/facets/parent/job/name").asText()).startsWith("ops.");
            assertThat(e.at("/run/facets/parent/root/run/runId").asText()).isEqualTo(ORCHESTRATOR_RUN);
            assertThat(e.at("/job/namespace").asText()).isEqualTo("retail");
        }
    }
}
