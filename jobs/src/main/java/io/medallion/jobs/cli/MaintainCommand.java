package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.maintain.MaintainJob;
import io.medallion.run.Job;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion maintain}. */
@Command(name = "maintain", mixinStandardHelpOptions = true,
        description = {
            "Keep the lake's tables healthy, as the spec's maintenance section says (defaults per layer).",
            "",
            "For each bronze, silver and gold table that exists: set the spec's Delta properties (log and",
            "deleted-file retention, checkpoint interval, statistics columns); archive rows older than a declared",
            "retention to Parquet and delete them from the table; OPTIMIZE the partitions that have more small",
            "files (below half the target size) than the threshold, Z-ordered where declared; and VACUUM files",
            "older than the VACUUM retention. Every figure goes to ops.runs: files and bytes before and after,",
            "partitions compacted, rows archived and deleted, files and bytes vacuumed.",
            "",
            "--run-date sets the day retention counts back from."
        })
final class MaintainCommand extends JobCommand {
    @Option(names = "--table", paramLabel = "TABLE",
            description = {"Only this table: silver.lineitem, or lineitem for every layer's table of that name",
                "(repeatable; default: every bronze, silver and gold table of the spec)."})
    List<String> tables = new ArrayList<>();

    @Option(names = "--dry-run", description = "Report what would be done; change nothing.")
    boolean dryRun;

    @Option(names = "--where", paramLabel = "CONDITION",
            description = "Only compact partitions matching this SQL condition on partition columns, e.g. "
                    + "\"_batch_date >= '2024-01-01'\".")
    String where;

    @Override
    List<io.medallion.lake.TableRef> writes(PipelineSpec spec) {
        return dryRun ? List.of() : TableSelection.maintained(spec, tables);
    }

    @Override
    Job job(PipelineSpec spec) {
        return new MaintainJob(TableSelection.maintained(spec, tables), dryRun, where);
    }
}
