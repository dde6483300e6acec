package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.SqlColumns;
import io.medallion.jobs.archive.ArchiveTable;
import io.medallion.jobs.archive.RestoreJob;
import io.medallion.lake.TableRef;
import io.medallion.run.Job;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion restore}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {
            "Copy archived rows back into their table: the rows of archive.<layer>_<table> that match --where and",
            "are not restored yet.",
            "",
            "Rows go in through the table's identity (a silver table's key, a gold model's grain, a bronze row's",
            "landing file and line): a row whose key the table already holds with other values is counted and left",
            "in the archive, never duplicated. Restored rows stay in the archive, marked with _restored_at and",
            "_restore_run_id, so the same restore again moves nothing. Rows that the table's retain would archive",
            "again at the next maintain are refused before anything moves (exit 1), naming the setting to change.",
            "The restore is recorded in ops.runs and ops.archive_manifest. Example:",
            "  medallion restore --table silver.orders --where \"o_orderdate < DATE'1995-01-01'\" --dry-run"
        })
final class RestoreCommand extends JobCommand {
    @Option(names = "--table", required = true, paramLabel = "LAYER.TABLE",
            description = "The table to restore into, such as silver.orders.")
    String table;

    @Option(names = "--where", required = true, paramLabel = "CONDITION",
            description = {"A SQL condition on the archive's rows: the table's columns and _archived_at,",
                "_archive_run_id, _archived_from_version. Give true to restore every archived row."})
    String where;

    @Option(names = "--dry-run", description = "Count what would be restored, and what left; change nothing.")
    boolean dryRun;

    private TableRef target(PipelineSpec spec) {
        TableRef ref = TableRef.parse(table);
        if (!spec.maintenance().containsKey(ref)) {
            throw new IllegalArgumentException("unknown table '" + table + "' in --table; valid in " + spec.file() + ": "
                    + TableSelection.names(spec.maintenance().keySet()));
        }
        List<String> columns = spec.columns(ref);
        if (!columns.isEmpty()) {
            Set<String> known = new LinkedHashSet<>(columns);
            known.addAll(ArchiveTable.COLUMNS);
            List<String> unknown = SqlColumns.unknown(where, known);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("--where " + where + ": no column " + String.join(", ", unknown)
                        + " in " + ArchiveTable.sqlName(ref) + " (columns: " + String.join(", ", known) + ")");
            }
        } else {
            SqlColumns.unknown(where, Set.of()); // parses it, at least
        }
        return ref;
    }

    @Override
    List<TableRef> writes(PipelineSpec spec) {
        return dryRun ? List.of() : new ArrayList<>(List.of(target(spec)));
    }

    @Override
    Job job(PipelineSpec spec) {
        return new RestoreJob(target(spec), where, dryRun);
    }
}
