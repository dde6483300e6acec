package io.medallion.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Argument parsing and usage errors, in process and without Spark. */
class CommandLineTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /**
     * Other test classes of this JVM share a session; stop it so that "Spark was never started"
     * means this command started none (the next user of the shared session gets a new one).
     */
    @BeforeEach
    void noSparkSession() {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
        SparkSession.clearDefaultSession();
        SparkSession.clearActiveSession();
    }

    private int run(String... args) {
        CommandLine cmd = MedallionCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private static String spec() {
        return Path.of("..", "conf", "pipelines", "tpch.yaml").toString();
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("generate", "bronze", "Exit codes", "3 a quality gate failed");
    }

    @Test
    void commandHelpExplainsEveryOption() {
        assertThat(run("bronze", "--help")).isZero();
        assertThat(out.toString()).contains("--pipeline", "--env", "--run-date", "--table", "--conf", "--log-format",
                "exactly once");
        out.getBuffer().setLength(0);
        assertThat(run("generate", "--help")).isZero();
        assertThat(out.toString()).contains("--scale", "--batches", "--seed", "--rate", "--clean", "duplicate");
    }

    @Test
    void inferPrintsASpecOrNamesTheProblemAndStartsNoSpark() throws Exception {
        java.nio.file.Path folder = dir.resolve("infer/airports");
        java.nio.file.Files.createDirectories(folder);
        java.nio.file.Files.writeString(folder.resolve("a.csv"), "iata,name\nJFK,\"Kennedy, NY\"\nLGA,LaGuardia\n");
        assertThat(run("infer", "--path", folder.toString())).isZero();
        assertThat(out.toString()).contains("airports:", "{format: csv, path: airports, layout: flat, glob: \"*.csv\"}",
                "{name: iata, type: string, required: true}", "key: [iata]");
        assertThat(run("infer", "--path", dir.resolve("nowhere").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("nowhere: no such file or folder");
        assertThat(run("infer", "--path", folder.toString(), "--format", "xml")).isEqualTo(2);
        assertThat(err.toString()).contains("--format takes csv, json, parquet, avro or orc");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void usageErrorsExitTwoWithoutStartingSpark() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("bronze", "--no-such-option")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
        assertThat(run("bronze", "--pipeline", spec(), "--run-date", "2024-13-01")).isEqualTo(2);
        assertThat(err.toString()).contains("--run-date", "2024-13-01");
        assertThat(run("bronze", "--pipeline", spec(), "--table", "lineitems")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown table 'lineitems'", "lineitem, orders");
        assertThat(run("generate", "--pipeline", spec(), "--rate", "typo=0.1", "--landing", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown defect 'typo'");
        assertThat(run("generate", "--pipeline", spec(), "--scale", "-1", "--landing", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--scale must be > 0");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void configPrintsTheEffectiveSpecWithSecretsMaskedAndStartsNoSpark() {
        assertThat(run("config", "--pipeline", spec(), "--env", "local", "--conf", "spark.hadoop.fs.s3a.secret.key=x1y2z3"))
                .isZero();
        assertThat(out.toString()).contains("pipeline: tpch", "pii_salt: '*****'", "spark.master = local[",
                "spark.sql.shuffle.partitions = ", "spark.hadoop.fs.s3a.secret.key = *****", "lake_root: ")
                .doesNotContain("medallion-local-salt", "x1y2z3");
        assertThat(run("config", "--pipeline", spec(), "--env", "local,nope")).isEqualTo(2);
        assertThat(err.toString()).contains("env overlay 'nope' not found");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void anInvalidSpecExitsTwoNamingFileAndKey() throws IOException {
        Path bad = dir.resolve("conf/pipelines/bad.yaml");
        Files.createDirectories(bad.getParent());
        Files.writeString(bad, Files.readString(Path.of(spec())).replace("key: [o_orderkey]", "key: [o_id]"));
        Files.createDirectories(dir.resolve("conf/env"));
        Files.writeString(dir.resolve("conf/env/local.yaml"), "spark: {profile: local}\n");
        assertThat(run("bronze", "--pipeline", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(bad.toString(), "tables.orders.key[0]", "column 'o_id' is not in the table's schema");
        assertThat(SparkSession.getDefaultSession().isEmpty()).isTrue();
    }

    @Test
    void versionIsTheBuildsVersion() throws IOException {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        int start = pom.indexOf("<version>", pom.indexOf("<artifactId>medallion-parent</artifactId>"));
        String version = pom.substring(start + "<version>".length(), pom.indexOf("</version>", start));
        assertThat(run("--version")).isZero();
        assertThat(out.toString().strip()).isEqualTo("medallion " + version).doesNotContain("development");
    }

    @Test
    void tableMeansNameOrLayerDotNameInEveryCommandAndSaysWhatIsValid() {
        assertThat(run("gold", "--pipeline", spec(), "--table", "silver.lineitem")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown table 'silver.lineitem'", "gold models pricing_daily, fact_sales");
        assertThat(run("bronze", "--pipeline", spec(), "--table", "silver.lineitem")).isEqualTo(2);
        assertThat(run("maintain", "--pipeline", spec(), "--table", "lineitm")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown table 'lineitm'", "bronze.lineitem", "gold.fact_sales");
        err.getBuffer().setLength(0);
        assertThat(run("quality", "--pipeline", spec(), "--table", "silver.lineitm")).isEqualTo(2);
        assertThat(err.toString()).contains("no quality constraints are declared for silver.lineitm",
                "tables with constraints: silver.lineitem").doesNotContain("silver.silver");
        assertThat(run("quality", "--pipeline", spec(), "--layer", "silver", "--table", "gold.fact_sales"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--table gold.fact_sales is not in --layer silver");
        assertThat(run("quality", "--pipeline", spec(), "--table", "lineitem")).isEqualTo(2);
        assertThat(err.toString()).contains("name the layer (silver.lineitem), or give --layer");
        assertThat(run("quality", "--pipeline", spec(), "--layer", "platinum")).isEqualTo(2);
        assertThat(err.toString()).contains("--layer must be one of bronze, silver, gold");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void aRestoreOfAnUnknownTableOrColumnOrWithoutAConditionExitsTwoWithoutStartingSpark() {
        assertThat(run("restore", "--pipeline", spec(), "--table", "silver.lineitm", "--where", "true")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown table 'silver.lineitm' in --table", "silver.lineitem");
        err.getBuffer().setLength(0);
        assertThat(run("restore", "--pipeline", spec(), "--table", "silver.orders", "--where",
                "o_orderdat < DATE'1995-01-01'")).isEqualTo(2);
        assertThat(err.toString()).contains("--where o_orderdat < DATE'1995-01-01': no column o_orderdat in "
                + "archive.silver_orders (columns: o_orderkey, ", "_archived_at");
        err.getBuffer().setLength(0);
        assertThat(run("restore", "--pipeline", spec(), "--table", "silver.orders", "--where", "o_orderdate <")).isEqualTo(2);
        assertThat(err.toString()).contains("not a valid SQL expression");
        assertThat(run("restore", "--pipeline", spec(), "--table", "silver.orders")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--where=CONDITION'");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void freshnessOfAnUnbuiltLakeIsAnErrorFoundWithoutSpark() throws IOException {
        assertThat(run("freshness", "--pipeline", spec(), "--table", "part")).isEqualTo(2);
        assertThat(err.toString()).contains("--table part: no freshness is declared for it", "lineitem, orders");
        java.nio.file.Path overlay = java.nio.file.Files.writeString(dir.resolve("empty.yaml"),
                "storage: {lake_root: " + dir.resolve("empty-lake") + "}\n");
        assertThat(run("freshness", "--pipeline", spec(), "--env", "local," + overlay, "--json")).isEqualTo(3);
        assertThat(out.toString()).contains("\"table\":\"lineitem\",\"status\":\"error\",\"loaded_at\":null",
                "has never been loaded (last bronze load)");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void sqlOnATableTheLakeDoesNotHoldIsAUsageErrorFoundWithoutSpark() throws IOException {
        Path lake = dir.resolve("lake");
        Files.createDirectories(lake.resolve("silver/orders/_delta_log"));
        Files.writeString(lake.resolve("silver/orders/_delta_log/00000000000000000000.json"), "{}\n");
        Path overlay = Files.writeString(dir.resolve("lake.yaml"), "storage: {lake_root: " + lake + "}\n");
        assertThat(run("sql", "--pipeline", spec(), "--env", "local," + overlay,
                "SELECT * FROM silver.orders o JOIN gold.no_such_model m ON o.o_orderkey = m.k")).isEqualTo(2);
        assertThat(err.toString()).contains("medallion sql: gold.no_such_model does not exist in the lake at file:",
                lake.toString(), "(tables: silver.orders)");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void eachCommandsTableHelpSaysWhichTablesItTakes() {
        assertThat(run("silver", "--help")).isZero();
        assertThat(out.toString()).contains("as orders or silver.orders");
        out.getBuffer().setLength(0);
        assertThat(run("gold", "--help")).isZero();
        assertThat(out.toString()).contains("--table, --model=MODEL", "gold.fact_sales");
        out.getBuffer().setLength(0);
        assertThat(run("maintain", "--help")).isZero();
        assertThat(out.toString()).contains("silver.lineitem, or lineitem for every layer's table");
    }

    @Test
    void reconcileTakesOnlyDatabaseTablesAndTheLayersBuiltFromThem() {
        assertThat(run("reconcile", "--pipeline", spec())).isEqualTo(2);
        assertThat(err.toString()).contains("has no table read from a database (source format: jdbc)");
        assertThat(run("reconcile", "--pipeline", spec(), "--table", "orders")).isEqualTo(2);
        assertThat(err.toString()).contains("orders is read from delimited files; reconcile compares a database source");
        assertThat(run("reconcile", "--pipeline", spec(), "--layer", "gold")).isEqualTo(2);
        assertThat(err.toString()).contains("--layer must be silver or bronze, got 'gold'");
        assertThat(run("demo", "--pipeline", spec(), "--source", "oracle")).isEqualTo(2);
        assertThat(err.toString()).contains("--source must be files or postgres, got 'oracle'");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void quarantineReplayNeedsATableAndARuleOfIt() {
        assertThat(run("quarantine", "replay", "--pipeline", spec())).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--table=TABLE'");
        assertThat(run("quarantine", "replay", "--pipeline", spec(), "--table", "lineitem", "--rule", "quantity_rang"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--rule quantity_rang is not a rule of lineitem");
        assertThat(run("quarantine", "list", "--pipeline", spec(), "--table", "lineitm")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown table 'lineitm'");
        assertThat(run("quarantine", "--pipeline", spec())).isEqualTo(2);
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void aCommandThatCannotUseAnOptionDoesNotOfferIt() {
        assertThat(run("demo", "--run-date", "2024-01-01")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown options: '--run-date'");
        assertThat(run("demo", "--table", "orders")).isEqualTo(2);
        assertThat(run("sql", "--run-date", "2024-01-01", "SELECT 1")).isEqualTo(2);
        assertThat(SparkSession.getDefaultSession().isEmpty()).isTrue();
    }

    @Test
    void aLayerWithNoConstraintsIsReportedWithoutStartingSparkOrWritingTheLedger() {
        assertThat(run("quality", "--pipeline", spec(), "--layer", "bronze")).isZero();
        assertThat(out.toString()).contains("no quality constraints are declared for layer bronze in " + spec()
                + " (key 'quality'); nothing to check");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    @Test
    void configKeysPrintsTheCatalogWithoutASpec() {
        assertThat(run("config", "--keys")).isZero();
        assertThat(out.toString()).contains("maintenance.<layer or layer.table>.target_file_size",
                "size; default 128MB; gold: 64MB", "tables.<table>.rules[].check", "quality.<layer.table>[].severity");
        assertThat(SparkSession.getDefaultSession().isEmpty()).isTrue();
    }
}
