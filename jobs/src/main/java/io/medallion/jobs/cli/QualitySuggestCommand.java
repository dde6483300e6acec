package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.SpecException;
import io.medallion.jobs.quality.SuggestedConstraints;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.LakePaths;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medallion quality suggest}. */
@Command(name = "suggest", mixinStandardHelpOptions = true,
        description = {
            "Profile a table and print constraints for it as a quality section of the spec, ready to paste.",
            "",
            "Uses Deequ's constraint suggestion (completeness, uniqueness, non-negative numbers, allowed values).",
            "Review the output before adopting it: it describes the data as it is, not as it should be.",
            "Example: medallion quality suggest --table silver.orders >> my-constraints.yaml"
        })
final class QualitySuggestCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Option(names = "--table", paramLabel = "LAYER.TABLE", required = true,
            description = "The table to profile, named by layer: silver.orders, gold.fact_sales …")
    String table;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A Spark setting that wins over the profile and the spec (repeatable).")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        PipelineSpec spec;
        try {
            spec = specOptions.load();
        } catch (SpecException e) {
            err.println("medallion quality suggest: " + e.getMessage());
            return ExitCode.USAGE;
        }
        SparkSession spark = SparkSessions.create(spec.spark(), "medallion quality suggest", sparkConf);
        try {
            LakeCatalog catalog = new LakeCatalog(spark, new LakePaths(spec.storage().lakeRoot()));
            String path;
            try {
                path = catalog.path(table);
            } catch (IllegalArgumentException e) {
                err.println("medallion quality suggest: " + e.getMessage());
                return ExitCode.USAGE;
            }
            if (!catalog.exists(table)) {
                err.println("medallion quality suggest: " + table + " does not exist in the lake at "
                        + spec.storage().lakeRoot() + " (tables: " + String.join(", ", catalog.tables()) + ")");
                return ExitCode.USAGE;
            }
            out.print(SuggestedConstraints.yaml(table, spark.read().format("delta").load(path)));
            out.flush();
            return ExitCode.OK;
        } catch (RuntimeException e) {
            err.println("medallion quality suggest: " + JobRunner.rootMessage(e).lines().findFirst().orElse(""));
            return ExitCode.FAILED;
        } finally {
            spark.stop();
        }
    }
}
