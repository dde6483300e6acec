package io.medallion.jobs.cli;

import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.archive.ArchiveManifest;
import io.medallion.jobs.archive.ArchiveTable;
import io.medallion.lake.LakePaths;
import io.medallion.lake.TableRef;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion archive}. */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = {
            "Show what each table's archive holds, from ops.archive_manifest: rows archived and restored, the",
            "oldest and newest value of the retention column, archive runs, bytes, the last archive run and where",
            "the archive is. Query the rows themselves as archive.<layer>_<table> in medallion sql; bring them",
            "back with medallion restore."
        })
final class ArchiveCommand extends SparkCommand {
    @Option(names = "--table", paramLabel = "LAYER.TABLE", description = "Only this table (repeatable; default: all).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per table instead of a table.")
    boolean json;

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        List<String> selected = tables.stream().map(t -> TableRef.parse(t).toString()).toList();
        return spark -> {
            Optional<Dataset<Row>> manifest = new ArchiveManifest(spark, new LakePaths(spec.storage().lakeRoot())).read();
            if (manifest.isEmpty()) {
                out().println("No archive yet: maintain has archived no rows (retention is the maintenance section's "
                        + "retain).");
                return ExitCode.OK;
            }
            Dataset<Row> runs = manifest.get();
            if (!selected.isEmpty()) {
                runs = runs.where(col("table_name").isin(selected.toArray()));
            }
            Column archived = col("action").equalTo(ArchiveManifest.ARCHIVE);
            Dataset<Row> summary = runs.groupBy(col("table_name").as("table")).agg(
                    sum(when(archived, col("rows")).otherwise(0L)).as("rows_archived"),
                    sum(when(col("action").equalTo(ArchiveManifest.RESTORE), col("rows")).otherwise(0L)).as("rows_restored"),
                    min(when(archived, array_min(col("partitions")))).as("oldest"),
                    max(when(archived, array_max(col("partitions")))).as("newest"),
                    count(when(archived, lit(1))).as("archive_runs"),
                    sum(when(archived, col("bytes")).otherwise(0L)).as("bytes"),
                    max(when(archived, col("recorded_at"))).as("last_archived_at"),
                    max(col("location")).as("location"))
                    .withColumn("query_as", lit("")).orderBy("table");
            List<Row> rows = new ArrayList<>();
            for (Row r : summary.collectAsList()) {
                String name = ArchiveTable.sqlName(TableRef.parse(r.getString(0)));
                Object[] values = new Object[r.size()];
                for (int i = 0; i < r.size() - 1; i++) {
                    values[i] = r.get(i);
                }
                values[r.size() - 1] = name;
                rows.add(org.apache.spark.sql.RowFactory.create(values));
            }
            if (json) {
                for (String line : spark.createDataFrame(rows, summary.schema()).toJSON().collectAsList()) {
                    out().println(line);
                }
            } else {
                out().print(TextTable.render(summary.columns(), rows, rows.size()));
            }
            return ExitCode.OK;
        };
    }
}
