package io.medallion.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.run.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * One mistake at a time in a copy of the shipped TPC-H spec: {@code medallion pipeline} must exit
 * 2, the code an orchestrator does not retry, with the file, the key and the value in its message,
 * and without starting Spark.
 */
class BadConfigurationTest {
    @TempDir
    Path dir;

    /** A change to one file of the spec's folder: the first {@code from} becomes {@code to}. */
    record Edit(String file, String from, String to) {
    }

    private static Arguments mistake(String name, Edit edit, String key, String value) {
        return Arguments.of(name, edit, List.of(), key, value);
    }

    private static Edit spec(String from, String to) {
        return new Edit("pipelines/tpch.yaml", from, to);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                mistake("a duplicate table", spec("  customer:\n", """
                          orders:
                            source: {format: delimited, path: orders_v2}
                            schema: [{name: o_orderkey, type: bigint}]
                            key: [o_orderkey]
                          customer:
                        """), "tables.orders", "'orders' is declared twice"),
                mistake("a key column missing from the schema", spec("key: [o_orderkey]", "key: [o_order_key]"),
                        "tables.orders.key[0]", "o_order_key"),
                mistake("a rule on an unknown column", spec("column: l_quantity, min: 1", "column: l_qty, min: 1"),
                        "tables.lineitem.rules[0].column", "l_qty"),
                mistake("cyclic references", spec("      - {name: totalprice_not_negative",
                        "      - {name: has_lines, check: references, column: o_orderkey, table: lineitem, to: "
                                + "l_orderkey}\n      - {name: totalprice_not_negative"),
                        "tables.lineitem.rules[6].table", "lineitem -> orders -> lineitem"),
                mistake("a gold model that reads itself", new Edit("gold/pricing_daily.sql", "FROM silver.lineitem",
                        "FROM gold.pricing_daily"), "gold.pricing_daily.sql", "gold.pricing_daily"),
                Arguments.of("an overlay that does not exist", new Edit("pipelines/tpch.yaml", "", ""),
                        List.of("--env", "local,prodd"), "", "'prodd'"),
                mistake("an ${ENV} left unset with no default", spec("${MEDALLION_LANDING_ROOT:-data/landing}",
                        "${MEDALLION_TEST_LANDING}"), "storage.landing_root", "MEDALLION_TEST_LANDING"),
                mistake("a negative max_rate", spec("max_rate: 0.01", "max_rate: -0.01"),
                        "tables.lineitem.quarantine.max_rate", "-0.01"),
                mistake("a retention shorter than the VACUUM safety minimum", spec("maintenance:\n",
                        "maintenance:\n  silver: {vacuum_retention: 1d}\n"), "maintenance.silver.vacuum_retention",
                        "24 hours"),
                mistake("a partition column not in the schema", spec("key: [o_orderkey]",
                        "key: [o_orderkey]\n    partition_by: [o_order_month]"), "tables.orders.partition_by[0]",
                        "o_order_month"),
                mistake("zorder_by together with cluster_by", spec("silver.orders: {zorder_by: [o_orderdate]}",
                        "silver.orders: {zorder_by: [o_orderdate], cluster_by: [o_orderdate]}"),
                        "maintenance.silver.orders.cluster_by", "silver.orders declares both"),
                mistake("an invalid regex", spec("regex: '^[0-9]{2}-", "regex: '^[0-9]{2-"),
                        "tables.customer.rules[0].regex", "^[0-9]{2-"),
                mistake("a misspelt column in a rule's SQL", spec("predicate: \"l_shipdate <= l_receiptdate\", action",
                        "predicate: \"l_shipdate <= l_recieptdate\", action"), "tables.lineitem.rules[5].predicate",
                        "l_recieptdate"),
                mistake("a misspelt column in a quality constraint", spec("{check: complete, column: o_custkey}",
                        "{check: complete, column: o_cust_key}"), "quality.silver.orders[2].column", "o_cust_key"),
                mistake("a misspelt column in a constraint's SQL", spec("predicate: \"l_shipdate <= l_receiptdate\"}",
                        "predicate: \"l_shipdate <= l_recieptdate\"}"), "quality.silver.lineitem[9].predicate",
                        "l_recieptdate"),
                mistake("a misspelt column in zorder_by", spec("zorder_by: [l_shipdate]", "zorder_by: [l_shipdat]"),
                        "maintenance.silver.lineitem", "l_shipdat"),
                mistake("a misspelt column in a gold model's zorder_by", spec("zorder_by: [custkey]",
                        "zorder_by: [cust_key]"), "maintenance.gold.fact_sales", "cust_key"),
                mistake("a table without a key", spec("    key: [o_orderkey]\n", ""), "tables.orders.key",
                        "required key is missing"));
    }

    @BeforeEach
    void noSparkSession() {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
        SparkSession.clearDefaultSession();
        SparkSession.clearActiveSession();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void exitsTwoNamingFileKeyAndValueWithoutStartingSpark(String name, Edit edit, List<String> options,
                                                           String key, String value) throws IOException {
        Path conf = dir.resolve("conf");
        copy(Path.of("..", "conf", "pipelines"), conf.resolve("pipelines"));
        copy(Path.of("..", "conf", "gold"), conf.resolve("gold"));
        copy(Path.of("..", "conf", "env"), conf.resolve("env"));
        Path edited = conf.resolve(edit.file());
        String before = Files.readString(edited);
        String after = before.replaceFirst(java.util.regex.Pattern.quote(edit.from()),
                java.util.regex.Matcher.quoteReplacement(edit.to()));
        assertThat(after.equals(before)).as("the edit changes the spec").isEqualTo(edit.from().isEmpty());
        Files.writeString(edited, after);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = MedallionCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("pipeline", "--pipeline",
                conf.resolve("pipelines/tpch.yaml").toString(), "--run-date", "2024-01-01"));
        args.addAll(options);
        int exit = cmd.execute(args.toArray(new String[0]));

        assertThat(exit).as(err.toString()).isEqualTo(ExitCode.USAGE);
        String message = err.toString();
        assertThat(message).startsWith("medallion pipeline: ").contains(edit.file().isEmpty() ? "tpch.yaml"
                : Path.of(edit.file()).getFileName().toString()).contains(value);
        if (!key.isEmpty()) {
            assertThat(message).contains(": " + key + ": ");
        }
        assertThat(message.lines().count()).as("one line, no stack trace: " + message).isEqualTo(1);
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
