package io.medallion.jobs.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import io.medallion.config.PipelineSpec;
import io.medallion.config.RuleSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.silver.QuarantineReplay;
import io.medallion.lake.Layer;
import io.medallion.lake.LakePaths;
import io.medallion.lake.TableRef;
import io.medallion.run.ExitCode;
import io.medallion.run.Job;
import io.medallion.run.JobRunner;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medallion quarantine list | replay}. */
@Command(name = "quarantine", mixinStandardHelpOptions = true,
        subcommands = {QuarantineCommand.ListCommand.class, QuarantineCommand.ReplayCommand.class},
        description = {
            "What silver kept out, and bringing it back after a fix: 'list' shows each table's quarantined rows by",
            "rule and status with their age; 'replay' judges the waiting rows again against today's spec."
        })
final class QuarantineCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say list or replay");
    }

    /** {@code medallion quarantine list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {
                "Each table's quarantine by rule and status: rows, the oldest and newest batch date, when the",
                "oldest was quarantined and its age in days. A row that broke two rules counts under each. Status",
                "quarantined is waiting; held is a batch the quality gate held; released left quarantine (a late",
                "parent arrived, or a replay); expired waited longer than its rule's retry; dropped left by replay."
            })
    static final class ListCommand extends SparkCommand {
        @Option(names = "--table", paramLabel = "TABLE", description = "Only this spec table (repeatable; default: all).")
        List<String> tables = new ArrayList<>();

        @Override
        JobRunner.SessionBody prepare(PipelineSpec spec) {
            List<TableSpec> selected = TableSelection.specTables(spec, tables, Layer.SILVER);
            LakePaths lake = new LakePaths(spec.storage().lakeRoot());
            return spark -> {
                List<Row> rows = new ArrayList<>();
                String[] columns = {"table", "rule", "status", "rows", "oldest_batch", "newest_batch",
                    "oldest_quarantined_at", "age_days"};
                for (TableSpec t : selected) {
                    String path = lake.path(TableRef.silver(t.name()).quarantine());
                    if (!DeltaTable.isDeltaTable(spark, path)) {
                        continue;
                    }
                    Dataset<Row> q = spark.read().format("delta").load(path);
                    boolean hasStatus = java.util.Arrays.asList(q.columns()).contains("status");
                    rows.addAll(q.select(explode(col("rules")).as("rule"),
                                    hasStatus ? coalesce(col("status"), lit("quarantined")).as("status")
                                            : lit("quarantined").as("status"),
                                    col("_batch_date"), col("quarantined_at"))
                            .groupBy("rule", "status")
                            .agg(count(lit(1)), min("_batch_date"), max("_batch_date"), min("quarantined_at"))
                            .select(lit("silver." + t.name()), col("rule"), col("status"), col("count(1)"),
                                    col("min(_batch_date)"), col("max(_batch_date)"), col("min(quarantined_at)"),
                                    floor(current_timestamp().cast("long").minus(col("min(quarantined_at)").cast("long"))
                                            .divide(86_400)))
                            .orderBy("rule", "status").collectAsList());
                }
                if (rows.isEmpty()) {
                    out().println("Nothing in quarantine.");
                } else {
                    out().print(TextTable.render(columns, rows, rows.size()));
                }
                return ExitCode.OK;
            };
        }
    }

    /** {@code medallion quarantine replay}. */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {
                "Judge a table's waiting quarantined rows again against today's spec: after a rule was widened, a",
                "bound fixed, or a reference's parents arrived. Rows that now pass are read from bronze and enter",
                "silver through the normal deduplication and MERGE, so the latest version of a key still wins;",
                "their records are marked released (dropped when a drop rule now leaves them out), so a second",
                "replay moves nothing. Lines that did not parse in bronze stay. Accounted for in the ledger as job",
                "quarantine-replay: read = inserted + updated + unchanged + superseded + dropped + still",
                "quarantined. Prints per rule how many rows pass; --dry-run only prints."
            })
    static final class ReplayCommand extends JobCommand {
        @Option(names = "--table", paramLabel = "TABLE", required = true,
                description = "The spec table whose quarantine to replay (repeatable).")
        List<String> tables = new ArrayList<>();

        @Option(names = "--rule", paramLabel = "RULE", description = "Only rows that broke this rule.")
        String rule;

        @Option(names = "--since", paramLabel = "yyyy-MM-dd", description = "Only rows quarantined on or after this day.")
        LocalDate since;

        @Option(names = "--dry-run", description = "Print what would move, by rule; change nothing.")
        boolean dryRun;

        @Override
        List<TableSpec> tables(PipelineSpec spec) {
            List<TableSpec> selected = TableSelection.specTables(spec, tables, Layer.SILVER);
            if (rule != null) {
                boolean declared = selected.stream().anyMatch(t -> t.rules().stream().map(RuleSpec::name)
                        .anyMatch(rule::equals) || rule.equals("parse_error") || rule.startsWith("required_"));
                if (!declared) {
                    throw new IllegalArgumentException("--rule " + rule + " is not a rule of " + String.join(", ",
                            selected.stream().map(TableSpec::name).toList()));
                }
            }
            return selected;
        }

        @Override
        List<TableRef> writes(PipelineSpec spec) {
            return dryRun ? List.of() : tables(spec).stream().map(t -> TableRef.silver(t.name())).toList();
        }

        @Override
        Job job(PipelineSpec spec) {
            return new QuarantineReplay(Optional.ofNullable(rule), Optional.ofNullable(since), dryRun, out()::println);
        }
    }
}
