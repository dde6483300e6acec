package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.SpecException;
import io.medallion.config.SqlRelations;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.ScanMetrics;
import io.medallion.run.ExitCode;
import io.medallion.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code medallion sql}. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {
            "Run a Spark SQL statement over the lake's tables, named by layer (silver.orders, gold.fact_sales).",
            "",
            "Tables: bronze.lineitem, silver.orders, silver._quarantine_orders, silver.dim_customer,",
            "gold.fact_sales, ops.runs ...",
            "Prints a table (at most --limit rows), or JSON lines with --json. Nothing is written unless the",
            "statement writes. Example:",
            "  medallion sql \"SELECT table_name, status, rows_read FROM ops.runs WHERE job = 'silver'\""
        })
final class SqlCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Parameters(index = "0", paramLabel = "STATEMENT", description = "The SQL statement, quoted as one argument.")
    String statement;

    @Option(names = "--json", description = "One JSON object per row instead of a table.")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Print at most N rows (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--stats", description = "Also print, to stderr, the files and bytes the query's scans read "
            + "(after partition pruning and data skipping) and its time.")
    boolean stats;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable).")
    Map<String, String> sparkConf = new java.util.LinkedHashMap<>();

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        PipelineSpec spec;
        List<String> referenced;
        try {
            spec = specOptions.load();
            referenced = SqlRelations.of(statement);
        } catch (SpecException | IllegalArgumentException e) {
            err.println("medallion sql: " + e.getMessage());
            return ExitCode.USAGE;
        }
        SparkSession spark = SparkSessions.create(spec.spark(), "medallion sql", sparkConf);
        try {
            LakeCatalog catalog = new LakeCatalog(spark, new io.medallion.lake.LakePaths(spec.storage().lakeRoot()));
            // Register what the statement reads; a statement that names no table (SHOW TABLES IN silver) sees all.
            List<String> names = referenced.isEmpty() ? catalog.tables() : referenced;
            for (String name : names) {
                if (!name.contains(".") || !LakeCatalog.LAYERS.contains(name.substring(0, name.indexOf('.')))) {
                    continue; // not a lake table (a CTE, a view the statement creates): Spark decides
                }
                if (!catalog.exists(name)) {
                    err.println("medallion sql: " + name + " does not exist in the lake at " + spec.storage().lakeRoot()
                            + " (tables: " + String.join(", ", catalog.tables()) + ")");
                    return ExitCode.USAGE;
                }
                catalog.register(name);
            }
            long start = System.nanoTime();
            Dataset<Row> result = spark.sql(statement);
            org.apache.spark.sql.execution.QueryExecution executed;
            if (json) {
                Dataset<String> lines = result.limit(limit).toJSON();
                for (String line : lines.collectAsList()) {
                    out.println(line);
                }
                executed = lines.queryExecution();
            } else {
                Dataset<Row> shown = result.limit(limit + 1);
                out.print(TextTable.render(result.columns(), shown.collectAsList(), limit));
                executed = shown.queryExecution();
            }
            out.flush();
            if (stats) {
                ScanMetrics scanned = ScanMetrics.of(executed.executedPlan());
                err.printf("scanned %d file(s), %.1f MB, in %.2f s%n", scanned.files(), scanned.bytes() / 1e6,
                        (System.nanoTime() - start) / 1e9);
            }
            return ExitCode.OK;
        } catch (RuntimeException e) {
            err.println("medallion sql: " + io.medallion.run.JobRunner.rootMessage(e).lines().findFirst().orElse(""));
            return ExitCode.FAILED;
        } finally {
            spark.stop();
        }
    }
}
