package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.SqlRelations;
import io.medallion.jobs.archive.ArchiveTable;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.LakePaths;
import io.medallion.lake.TableRef;
import io.medallion.lake.ScanMetrics;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.spark.SparkSessions;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medallion sql}. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {
            "Run a Spark SQL statement over the lake's tables, named by layer (silver.orders, gold.fact_sales).",
            "",
            "Tables: bronze.lineitem, silver.orders, silver._quarantine_orders, silver.dim_customer,",
            "gold.fact_sales, ops.runs ..., and archived rows as archive.<layer>_<table> (archive.silver_orders).",
            "Prints a table (at most --limit rows), or JSON lines with --json. Nothing is written unless the",
            "statement writes. Example:",
            "  medallion sql \"SELECT table_name, status, rows_read FROM ops.runs WHERE job = 'silver'\""
        })
final class SqlCommand extends SparkCommand {
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

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        List<String> relations = SqlRelations.of(statement);
        List<TableRef> referenced = relations.stream().filter(TableRef::isQualified).map(TableRef::parse).toList();
        List<TableRef> archives = relations.stream().map(ArchiveTable::parseSqlName).flatMap(Optional::stream)
                .toList();
        // A table the lake does not hold is a usage error, found in the Delta logs before Spark starts.
        LakePaths paths = new LakePaths(spec.storage().lakeRoot());
        Configuration hadoop = SparkSessions.hadoopConfiguration(spec.spark(), specOptions.sparkConf);
        for (TableRef table : referenced) {
            if (DeltaLogFiles.latestVersion(hadoop, paths.path(table)) < 0) {
                String held = String.join(", ", LakeCatalog.tables(paths, hadoop).stream().map(TableRef::toString)
                        .toList());
                throw new IllegalArgumentException(table + " does not exist in the lake at "
                        + spec.storage().lakeRoot() + " (tables: " + held + ")");
            }
        }
        return spark -> {
            LakeCatalog catalog = new LakeCatalog(spark, new LakePaths(spec.storage().lakeRoot()));
            // Register what the statement reads; a statement that names no table (SHOW TABLES IN silver)
            // sees all. Names without a layer (a CTE, a view the statement creates) are Spark's to resolve.
            boolean all = referenced.isEmpty() && archives.isEmpty();
            for (TableRef table : all ? spec.maintenance().keySet() : archives) {
                ArchiveTable archive = ArchiveTable.of(spark, spec, table);
                if (archive.exists()) {
                    archive.register();
                } else if (!all) {
                    err().println(name() + ": " + archive.sqlName() + " does not exist: " + table + " has no archive"
                            + " at " + archive.location() + " (maintain archives rows older than a table's retain)");
                    return ExitCode.USAGE;
                }
            }
            for (TableRef table : all ? catalog.tables() : referenced) {
                catalog.register(table);
            }
            long start = System.nanoTime();
            Dataset<Row> result = spark.sql(statement);
            org.apache.spark.sql.execution.QueryExecution executed;
            if (json) {
                Dataset<String> lines = result.limit(limit).toJSON();
                for (String line : lines.collectAsList()) {
                    out().println(line);
                }
                executed = lines.queryExecution();
            } else {
                Dataset<Row> shown = result.limit(limit + 1);
                out().print(TextTable.render(result.columns(), shown.collectAsList(), limit));
                executed = shown.queryExecution();
            }
            out().flush();
            if (stats) {
                ScanMetrics scanned = ScanMetrics.of(executed.executedPlan());
                err().printf("scanned %d file(s), %.1f MB, in %.2f s%n", scanned.files(), scanned.bytes() / 1e6,
                        (System.nanoTime() - start) / 1e9);
            }
            return ExitCode.OK;
        };
    }
}
