package io.medallion.jobs.bronze;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.config.TableSpec;
import io.medallion.jobs.CliProcess;
import io.medallion.jobs.TestPostgres;
import io.medallion.jobs.pipeline.Pipeline;
import io.medallion.jobs.reconcile.ReconcileJob;
import io.medallion.jobs.silver.SilverJob;
import io.medallion.run.CrashPoints;
import io.medallion.run.ExitCode;
import io.medallion.run.Job;
import io.medallion.run.JobRunner;
import io.medallion.lake.Layer;
import io.medallion.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
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
 * PostgreSQL tables as sources, against a real PostgreSQL started from Maven: incremental
 * extracts by watermark with a lag, a crash between the bronze append and its record, a
 * snapshot, and the failures a user meets first (a wrong password, an unreachable host, a type
 * that does not fit, a table name with a statement in it). The data is written here with SQL, as
 * an application would have it, not by our generator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JdbcSourceIT {
    /** Recognizable, so that a leak into any output or table is found. */
    private static final String PASSWORD = "Pg-Secret-7f3a9c";
    private static final LocalDate DAY1 = LocalDate.parse("2024-03-01");
    private static final LocalDate DAY2 = LocalDate.parse("2024-03-02");
    private static final LocalDate DAY3 = LocalDate.parse("2024-03-03");
    private static final String ORDER_COLUMNS = "id, customer, amount, status, payload, ref, placed, updated_at";

    @TempDir
    static Path dir;
    SparkSession spark;
    PipelineSpec spec;
    Path specFile;
    String lake;
    CliProcess cli;
    final List<String> outputs = new ArrayList<>();
    /** Every log line of the jobs this JVM runs, besides the CLI processes' outputs. */
    final java.io.StringWriter logs = new java.io.StringWriter();
    int runs;

    @BeforeAll
    void setUp() throws Exception {
        spark = TestSpark.session();
        captureLogs();
        TestPostgres.execute(
                "CREATE ROLE medallion LOGIN PASSWORD '" + PASSWORD + "'",
                "CREATE SCHEMA shop",
                """
                CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2),
                  status varchar(12), payload jsonb, ref uuid, placed date, updated_at timestamptz NOT NULL)""",
                "CREATE TABLE shop.customers (id int PRIMARY KEY, name text, balance numeric(10,2), vip boolean)",
                "CREATE TABLE shop.typed (id int PRIMARY KEY, amount text)",
                "GRANT USAGE ON SCHEMA shop TO medallion",
                "GRANT SELECT ON ALL TABLES IN SCHEMA shop TO medallion");
        lake = dir.resolve("lake").toString();
        Files.createDirectories(dir.resolve("conf/env"));
        Files.createDirectories(dir.resolve("conf/pipelines"));
        Files.writeString(dir.resolve("conf/env/local.yaml"), "spark: {profile: local}\n");
        specFile = dir.resolve("conf/pipelines/shop.yaml");
        Files.writeString(specFile, """
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  orders:
                    source:
                      format: jdbc
                      url: %s
                      user: medallion
                      password: ${SHOP_PASSWORD}
                      table: shop.orders
                      watermark: [updated_at, id]
                      lag: 2s
                      partition_column: id
                      partitions: 3
                    schema:
                      - {name: id, type: bigint, required: true}
                      - {name: customer, type: string, required: true}
                      - {name: amount, type: "decimal(12,2)"}
                      - {name: status, type: string}
                      - {name: payload, type: string}
                      - {name: ref, type: string}
                      - {name: placed, type: date}
                      - {name: updated_at, type: timestamp, required: true}
                    key: [id]
                    reconcile: {max_discrepancy: 0.001, sample_keys: 5}
                  customers:
                    source: {format: jdbc, url: %s, user: medallion, password: "${SHOP_PASSWORD}", mode: snapshot,
                             table: shop.customers}
                    schema:
                      - {name: id, type: bigint, required: true}
                      - {name: name, type: string}
                      - {name: balance, type: "decimal(12,2)"}
                      - {name: vip, type: boolean}
                    key: [id]
                    reconcile: {max_discrepancy: 0.05}
                """.formatted(lake, dir.resolve("landing"), TestPostgres.url(), TestPostgres.url()));
        Map<String, String> env = new HashMap<>(Map.of("SHOP_PASSWORD", PASSWORD, "MEDALLION_HOME", dir.toString()));
        spec = new PipelineSpecLoader(env, dir).load(specFile, "local");
        cli = new CliProcess(dir, env);
    }

    private void captureLogs() {
        var context = (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        var appender = org.apache.logging.log4j.core.appender.WriterAppender.createAppender(
                org.apache.logging.log4j.core.layout.PatternLayout.newBuilder().withPattern("%c{1} - %m%n").build(), null,
                logs, "jdbc-source-it", false, true);
        appender.start();
        context.getConfiguration().getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
    }

    private int run(Job job, LocalDate day, String... tables) {
        runs++;
        List<TableSpec> selected = java.util.Arrays.stream(tables).map(t -> spec.tables().get(t)).toList();
        return new JobRunner(spec).runIn(spark, job, selected, day);
    }

    private CliProcess.Result medallion(List<String> jvmOptions, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("--pipeline", specFile.toString()));
        CliProcess.Result r = cli.runWithJvmOptions(jvmOptions, all.toArray(new String[0]));
        runs++;
        outputs.add(r.stdout() + r.stderr());
        return r;
    }

    private Dataset<Row> layer(String layer, String table) {
        return spark.read().format("delta").load(lake + "/" + layer + "/" + table);
    }

    /** The source's rows as text, the way silver's columns print them. */
    private static List<String> sourceOrders() throws Exception {
        List<String> rows = new ArrayList<>();
        try (var c = TestPostgres.server().getPostgresDatabase().getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT " + ORDER_COLUMNS + " FROM shop.orders ORDER BY id")) {
            while (rs.next()) {
                rows.add("[" + rs.getLong(1) + "," + rs.getString(2) + "," + rs.getBigDecimal(3) + "," + rs.getString(4)
                        + "," + rs.getString(5) + "," + rs.getString(6) + "," + rs.getDate(7) + ","
                        + rs.getTimestamp(8) + "]");
            }
        }
        return rows;
    }

    private List<String> silverOrders() {
        return layer("silver", "orders").orderBy("id").selectExpr(ORDER_COLUMNS.split(", ")).collectAsList().stream()
                .map(Row::toString).toList();
    }

    private Row lastExtract(String table) {
        return layer("ops", "extracts").where(col("table_name").equalTo(table)).orderBy(col("extracted_at").desc())
                .first();
    }

    @Test
    @Order(1)
    void anIncrementalExtractTakesEachChangeOnceAndALateRowNextTime() throws Exception {
        // 200 orders, in groups of 50 sharing one updated_at: the id breaks the ties.
        TestPostgres.execute("""
                INSERT INTO shop.orders SELECT g, 'customer ' || (g % 17), round(g * 1.37, 2), 'open',
                  jsonb_build_object('n', g, 'tags', jsonb_build_array('a', 'b')), gen_random_uuid(),
                  DATE '2024-01-01' + (g % 60), now() - interval '1 hour' + (g / 50) * interval '1 second'
                FROM generate_series(1, 200) g""");
        assertThat(run(new BronzeIngestJob(), DAY1, "orders")).isEqualTo(ExitCode.OK);
        assertThat(layer("bronze", "orders").count()).isEqualTo(200);
        assertThat(layer("bronze", "orders").schema().apply("amount").dataType().simpleString()).isEqualTo("decimal(12,2)");
        assertThat(run(new SilverJob(), DAY1, "orders")).isEqualTo(ExitCode.OK);
        assertThat(silverOrders()).isEqualTo(sourceOrders());

        // Day 2: 20 updates and 10 new orders, and one order committed just now, inside the 2 s lag.
        TestPostgres.execute(
                "UPDATE shop.orders SET amount = amount + 1, status = 'paid', updated_at = now() - interval '10 minutes'"
                        + " WHERE id % 10 = 0",
                "INSERT INTO shop.orders SELECT g, 'new ' || g, g, 'open', NULL, NULL, NULL,"
                        + " now() - interval '10 minutes' FROM generate_series(201, 210) g");
        TestPostgres.execute("INSERT INTO shop.orders VALUES (211, 'late', 9.99, 'open', NULL, NULL, NULL, clock_timestamp())");
        assertThat(run(new BronzeIngestJob(), DAY2, "orders")).isEqualTo(ExitCode.OK);
        assertThat(lastExtract("orders").<Long>getAs("rows")).as("20 updates and 10 inserts, not the late row")
                .isEqualTo(30);
        assertThat(layer("bronze", "orders").where("id = 211").count()).isZero();
        assertThat(run(new SilverJob(), DAY2, "orders")).isEqualTo(ExitCode.OK);
        assertThat(layer("silver", "orders").count()).isEqualTo(210);
        assertThat(layer("silver", "orders").where("status = 'paid'").count()).isEqualTo(20);

        // Day 3, once the lag has passed: the late row, and nothing taken twice.
        Thread.sleep(2_500);
        assertThat(run(new BronzeIngestJob(), DAY3, "orders")).isEqualTo(ExitCode.OK);
        Row third = lastExtract("orders");
        assertThat(third.<Long>getAs("rows")).isEqualTo(1);
        assertThat(third.<String>getAs("watermark_to")).endsWith(",\"211\"]");
        assertThat(run(new SilverJob(), DAY3, "orders")).isEqualTo(ExitCode.OK);
        assertThat(silverOrders()).isEqualTo(sourceOrders());
        assertThat(layer("bronze", "orders").count()).isEqualTo(231);

        // A rerun finds nothing new.
        assertThat(run(new BronzeIngestJob(), DAY3, "orders")).isEqualTo(ExitCode.OK);
        assertThat(lastExtract("orders").<Long>getAs("rows")).isZero();
        assertThat(layer("bronze", "orders").count()).isEqualTo(231);
    }

    @Test
    @Order(2)
    void aCrashBetweenTheAppendAndItsRecordReadsTheSameRowsOnce() throws Exception {
        // Committed now, so above the high-water mark; read once the lag has passed.
        TestPostgres.execute("INSERT INTO shop.orders SELECT g, 'crash ' || g, g, 'open', NULL, NULL, NULL,"
                + " clock_timestamp() FROM generate_series(301, 315) g");
        Thread.sleep(2_500);
        long before = layer("bronze", "orders").count();
        CliProcess.Result crashed = medallion(List.of("-D" + CrashPoints.PROPERTY + "=" + BronzeIngestJob.CRASH_AFTER_APPEND),
                "bronze", "--table", "orders", "--run-date", "2024-03-04");
        assertThat(crashed.exitCode()).as(crashed.toString()).isEqualTo(CrashPoints.CRASH_STATUS);
        assertThat(layer("bronze", "orders").count()).as("appended, unrecorded").isEqualTo(before + 15);

        CliProcess.Result rerun = medallion(List.of(), "bronze", "--table", "orders", "--run-date", "2024-03-04");
        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(rerun.stderr()).contains("rolling back 15 bronze row(s) of failed run");
        assertThat(layer("bronze", "orders").count()).as("taken once").isEqualTo(before + 15);
        assertThat(layer("bronze", "orders").where("id > 300").select("_ingest_run_id").distinct().count()).isEqualTo(1);
        assertThat(lastExtract("orders").<Long>getAs("rows")).isEqualTo(15);
    }

    @Test
    @Order(3)
    void aSnapshotTakesTheWholeTableAndSilverAppliesItsDeletes() throws Exception {
        TestPostgres.execute("INSERT INTO shop.customers SELECT g, 'name ' || g, g * 2.5, g % 7 = 0"
                + " FROM generate_series(1, 50) g");
        assertThat(run(new BronzeIngestJob(), DAY1, "customers")).isEqualTo(ExitCode.OK);
        assertThat(run(new SilverJob(), DAY1, "customers")).isEqualTo(ExitCode.OK);
        assertThat(layer("silver", "customers").count()).isEqualTo(50);

        // Two snapshots before silver runs again: the newer one is the table.
        TestPostgres.execute("DELETE FROM shop.customers WHERE id <= 3");
        assertThat(run(new BronzeIngestJob(), DAY2, "customers")).isEqualTo(ExitCode.OK);
        TestPostgres.execute("DELETE FROM shop.customers WHERE id IN (4, 5)",
                "UPDATE shop.customers SET vip = true WHERE id = 6", "INSERT INTO shop.customers VALUES (51, 'new', 0, false)");
        assertThat(run(new BronzeIngestJob(), DAY2, "customers")).isEqualTo(ExitCode.OK);
        Row second = lastExtract("customers");
        assertThat(second.<Long>getAs("rows")).isEqualTo(46);
        assertThat(second.<String>getAs("mode")).isEqualTo("snapshot");
        assertThat(layer("bronze", "customers").count()).isEqualTo(50 + 47 + 46);

        assertThat(run(new SilverJob(), DAY2, "customers")).isEqualTo(ExitCode.OK);
        assertThat(layer("silver", "customers").orderBy("id").select("id").collectAsList().stream().map(r -> r.getLong(0)))
                .as("ids 1-5 deleted, 51 added").startsWith(6L, 7L).endsWith(50L, 51L).hasSize(46);
        assertThat(layer("silver", "customers").where("id = 6").first().<Boolean>getAs("vip")).isTrue();
        Row ledger = layer("ops", "runs").where("job = 'silver' AND table_name = 'customers' AND status = 'succeeded'")
                .orderBy(col("started_at").desc()).first();
        java.util.Map<String, String> metrics = ledger.getJavaMap(ledger.fieldIndex("metrics"));
        assertThat(metrics).containsEntry("rows_deleted", "5").containsEntry("snapshots_superseded", "1")
                .containsEntry("rows_inserted", "1").containsEntry("rows_updated", "1")
                .containsEntry("rows_unchanged", "44");
    }

    @Test
    @Order(4)
    void reconcilePassesAfterThePipelineAndNamesTheKeysThatDifferOnceSilverIsChanged() throws Exception {
        // The pipeline reconciles the tables whose spec asks for it, right after silver.
        List<String> stages = new ArrayList<>();
        assertThat(new Pipeline(spec, List.of(spec.tables().get("orders"))).run(spark,
                List.of(LocalDate.parse("2024-03-05")), r -> stages.add(r.stage() + " " + r.exitCode())))
                .isEqualTo(ExitCode.OK);
        assertThat(stages).containsExactly("bronze 0", "silver 0", "reconcile 0");
        runs += stages.size();
        Row clean = layer("ops", "reconciliation").first();
        assertThat(List.of(clean.<Long>getAs("source_rows"), clean.<Long>getAs("lake_rows"),
                clean.<Long>getAs("missing_keys"), clean.<Long>getAs("different_keys"))).containsExactly(226L, 226L, 0L, 0L);
        assertThat(clean.<Boolean>getAs("passed")).isTrue();

        // Committed after the last extract: pending, left out of both sides, not missing.
        TestPostgres.execute("INSERT INTO shop.orders VALUES (400, 'pending', 1, 'open', NULL, NULL, NULL, clock_timestamp())");

        // About 1 % of silver changed: two orders deleted, one amount changed; one customer deleted.
        spark.sql("DELETE FROM delta.`" + lake + "/silver/orders` WHERE id IN (5, 7)");
        spark.sql("UPDATE delta.`" + lake + "/silver/orders` SET amount = amount + 100 WHERE id = 10");
        spark.sql("DELETE FROM delta.`" + lake + "/silver/customers` WHERE id = 8");
        CliProcess.Result reconcile = medallion(List.of(), "reconcile", "--table", "orders", "--table", "customers",
                "--run-date", "2024-03-05");
        assertThat(reconcile.exitCode()).as(reconcile.toString()).isEqualTo(ExitCode.QUALITY_GATE);
        assertThat(reconcile.stdout()).contains("source 226, lake 224; 1 pending",
                "2 missing from the lake, 0 extra in it, 1 different", "missing: id=5, id=7", "different: id=10",
                "amount sum: source ", "result      discrepancy 0.01327, tolerance 0.001: FAILED",
                "source 46, lake 45", "missing: id=8", "discrepancy 0.02174, tolerance 0.05: passed");
        Dataset<Row> results = layer("ops", "reconciliation");
        Row orders = results.where("table_name = 'orders'").orderBy(col("reconciled_at").desc()).first();
        assertThat(orders.<Boolean>getAs("passed")).isFalse();
        assertThat(List.of(orders.<Long>getAs("missing_keys"), orders.<Long>getAs("different_keys"),
                orders.<Long>getAs("extra_keys"), orders.<Long>getAs("pending_rows"))).containsExactly(2L, 1L, 0L, 1L);
        assertThat(orders.<String>getAs("sample_missing")).isEqualTo("[\"id=5\",\"id=7\"]");
        assertThat(orders.<String>getAs("column_differences")).contains("\"column\":\"amount\",\"aggregate\":\"sum\"");
        assertThat(results.where("table_name = 'customers' AND passed AND missing_keys = 1").count()).isEqualTo(1);

        // Bronze was not touched: its latest version of each key is the source.
        List<String> lines = new ArrayList<>();
        runs++;
        assertThat(new JobRunner(spec).runIn(spark, new ReconcileJob(List.of(spec.tables().get("orders")),
                Layer.BRONZE, lines::add), List.of(), DAY3)).isEqualTo(ExitCode.OK);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("bronze.orders against"))
                .anySatisfy(l -> assertThat(l).contains("source 226, lake 226; 1 pending"));
    }

    @Test
    @Order(5)
    void aWrongPasswordAnUnreachableHostAWrongTypeAndAnInjectionEachSaySo() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path faults = dir.resolve("conf/pipelines/faults.yaml");
        Files.writeString(faults, """
                storage: {lake_root: %1$s, landing_root: %2$s}
                tables:
                  refused:
                    source: {format: jdbc, url: %3$s, user: medallion, password: Wr0ng-Guess-91x, table: shop.customers,
                             mode: snapshot}
                    schema: [{name: id, type: bigint}]
                    key: [id]
                  unreachable:
                    source: {format: jdbc, url: "jdbc:postgresql://127.0.0.1:%4$d/postgres", user: medallion,
                             password: "${SHOP_PASSWORD}", table: shop.customers, mode: snapshot, connect_attempts: 2,
                             retry_backoff: 200ms}
                    schema: [{name: id, type: bigint}]
                    key: [id]
                  typed:
                    source: {format: jdbc, url: %3$s, user: medallion, password: "${SHOP_PASSWORD}", table: shop.typed,
                             mode: snapshot}
                    schema: [{name: id, type: bigint}, {name: amount, type: "decimal(10,2)"}]
                    key: [id]
                """.formatted(dir.resolve("faults-lake"), dir.resolve("landing"), TestPostgres.url(), closedPort));
        CliProcess.Result r = cli.run("bronze", "--pipeline", faults.toString(), "--run-date", "2024-03-01");
        runs++;
        outputs.add(r.stdout() + r.stderr());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(r.stderr())
                .contains("refused: the database at localhost:" + TestPostgres.server().getPort()
                        + " refused the login of user 'medallion'")
                .contains("unreachable: cannot reach the database at 127.0.0.1:" + closedPort + " after 2 attempt(s)")
                .contains("typed: " + TestPostgres.url() + "#shop.typed column amount is text in the database (string), "
                        + "declared decimal(10,2)")
                .doesNotContain("Wr0ng-Guess-91x");
        assertThat(Files.exists(dir.resolve("faults-lake/bronze/typed"))).as("nothing moved").isFalse();

        Files.writeString(faults, Files.readString(faults).replace("table: shop.typed", "table: \"shop.typed; drop table shop.orders\""));
        CliProcess.Result injected = cli.run("bronze", "--pipeline", faults.toString(), "--run-date", "2024-03-01");
        runs++;
        outputs.add(injected.stdout() + injected.stderr());
        assertThat(injected.exitCode()).as(injected.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(injected.stderr()).contains("tables.typed.source.table", "is not a table name");
        assertThat(TestPostgres.value("SELECT count(*) FROM shop.orders")).isNotNull();
    }

    @Test
    @Order(6)
    void thePasswordIsInNoOutputAndNoOpsTable() throws Exception {
        CliProcess.Result config = medallion(List.of(), "config");
        assertThat(config.exitCode()).as(config.toString()).isZero();
        assertThat(config.stdout()).contains("password: '*****'");
        assertThat(outputs).hasSizeGreaterThanOrEqualTo(5).allSatisfy(o -> assertThat(o).doesNotContain(PASSWORD));
        assertThat(runs).as("job runs, as processes and in this JVM").isGreaterThanOrEqualTo(15);
        assertThat(logs.toString()).contains("orders: extracting from " + TestPostgres.url() + "#shop.orders",
                "silver.orders against").doesNotContain(PASSWORD);
        for (String table : List.of("runs", "extracts", "ingested_files", "reconciliation")) {
            if (Files.exists(Path.of(lake, "ops", table))) {
                assertThat(layer("ops", table).toJSON().collectAsList()).noneMatch(j -> j.contains(PASSWORD));
            }
        }
        assertThat(layer("bronze", "orders").select("_source_file").distinct().first().getString(0))
                .isEqualTo(TestPostgres.url() + "#shop.orders");
    }
}
