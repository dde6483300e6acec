package io.medallion.jobs.cli;

import io.medallion.config.TableSpec;
import io.medallion.jobs.silver.SilverSchemaChanges;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.TableRef;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.config.Secrets;
import io.medallion.config.SpecException;
import io.medallion.config.SpecKeys;
import io.medallion.run.ExitCode;
import io.medallion.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medallion config}: the spec as the jobs would see it, secrets masked. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {
            "Print the effective pipeline spec (overlays merged, environment substituted) and the Spark",
            "settings a job would start with, then exit. Validates like every job; starts no Spark.",
            "",
            "Values of secret settings (names with secret, password, token, access key or salt) are",
            "printed as " + Secrets.MASK + ", so the output is safe to paste into a ticket. Example:",
            "  medallion config --env local,s3",
            "medallion config --keys prints the reference of every key a spec may hold."
        })
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Option(names = "--keys", description = "Print the reference of every spec key instead: key, type, default, "
            + "meaning (from the key catalog; needs no spec).")
    boolean keys;

    @Option(names = "--markdown", description = "With --keys: as a Markdown table, as in the README.")
    boolean markdown;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        if (keys) {
            out.print(markdown ? SpecKeys.markdown() : SpecKeys.text());
            out.flush();
            return ExitCode.OK;
        }
        PipelineSpec spec;
        try {
            spec = specOptions.load();
        } catch (SpecException e) {
            command.commandLine().getErr().println("medallion config: " + e.getMessage());
            return ExitCode.USAGE;
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        out.println("# " + specOptions.resolvedPipeline() + " with --env " + specOptions.env
                + " (secrets masked)");
        out.print(yaml.writeValueAsString(Secrets.masked(
                PipelineSpecLoader.fromProcess().effective(specOptions.resolvedPipeline(), specOptions.env))));
        out.println();
        out.println("# resolved storage");
        out.println("lake_root: " + spec.storage().lakeRoot());
        out.println("landing_root: " + spec.storage().landingRoot());
        printDeprecated(spec, out);
        out.println();
        out.println("# Spark settings a job starts with: the " + spec.spark().profile().name().toLowerCase(Locale.ROOT)
                + " profile's, then the spec's spark.conf, then --conf");
        Secrets.masked(SparkSessions.settings(spec.spark(), specOptions.sparkConf)).forEach((k, v) -> out.println(k + " = " + v));
        out.flush();
        return ExitCode.OK;
    }

    /**
     * Silver columns the spec no longer declares, read from the tables' Delta logs: silver keeps
     * them, so a column removed from the spec is shown here rather than dropped.
     */
    private void printDeprecated(PipelineSpec spec, PrintWriter out) {
        org.apache.hadoop.conf.Configuration hadoop = SparkSessions.hadoopConfiguration(spec.spark(),
                specOptions.sparkConf);
        io.medallion.lake.LakePaths lake = new io.medallion.lake.LakePaths(spec.storage().lakeRoot());
        List<String> lines = new java.util.ArrayList<>();
        for (TableSpec t : spec.tables().values()) {
            try {
                DeltaLogFiles.columnNames(hadoop, lake.path(TableRef.silver(t.name()))).ifPresent(columns -> {
                    List<String> deprecated = SilverSchemaChanges.deprecated(t, columns);
                    if (!deprecated.isEmpty()) {
                        lines.add("silver." + t.name() + ": " + String.join(", ", deprecated));
                    }
                });
            } catch (RuntimeException e) {
                lines.add("silver." + t.name() + ": cannot read its Delta log (" + e.getMessage() + ")");
            }
        }
        if (!lines.isEmpty()) {
            out.println();
            out.println("# deprecated columns: in silver, no longer in the spec; kept, and new rows leave them null");
            lines.forEach(out::println);
        }
    }
}
