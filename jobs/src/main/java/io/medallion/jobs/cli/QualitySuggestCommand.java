package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.quality.SuggestedConstraints;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.LakePaths;
import io.medallion.lake.TableRef;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion quality suggest}. */
@Command(name = "suggest", mixinStandardHelpOptions = true,
        description = {
            "Profile a table and print constraints for it as a quality section of the spec, ready to paste.",
            "",
            "Uses Deequ's constraint suggestion (completeness, uniqueness, non-negative numbers, allowed values).",
            "Review the output before adopting it: it describes the data as it is, not as it should be.",
            "Example: medallion quality suggest --table silver.orders >> my-constraints.yaml"
        })
final class QualitySuggestCommand extends SparkCommand {
    @Option(names = "--table", paramLabel = "LAYER.TABLE", required = true,
            description = "The table to profile, named by layer: silver.orders, gold.fact_sales …")
    String table;

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        TableRef ref = TableRef.parse(table);
        return spark -> {
            LakeCatalog catalog = new LakeCatalog(spark, new LakePaths(spec.storage().lakeRoot()));
            if (!catalog.exists(ref)) {
                err().println(name() + ": " + ref + " does not exist in the lake at " + spec.storage().lakeRoot()
                        + " (tables: " + catalog.names() + ")");
                return ExitCode.USAGE;
            }
            out().print(SuggestedConstraints.yaml(ref.toString(), spark.read().format("delta").load(catalog.path(ref))));
            return ExitCode.OK;
        };
    }
}
