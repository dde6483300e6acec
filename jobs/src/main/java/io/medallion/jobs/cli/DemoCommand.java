package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.pipeline.Pipeline;
import io.medallion.jobs.sample.Manifest;
import io.medallion.lake.LakePaths;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Run the whole pipeline on built-in sample data and print what happened.",
            "",
            "Generates TPC-H at scale 0.01 with defects, in two daily batches, into the landing root (unless",
            "landing data is there already), runs the pipeline (bronze to gold, with quality gates) for every",
            "batch date in one Spark session, and prints rows per layer and table, quarantined rows by rule,",
            "duplicates removed, gold tables, where the lake is and how to query it.",
            "Safe to run again: every stage is idempotent, so a second run changes nothing.",
            "",
            "--source postgres starts a PostgreSQL of its own instead, loads TPC-H orders and customers into it",
            "batch by batch with updates, deletes and late commits (generate --to-jdbc), runs the pipeline of",
            "conf/pipelines/tpch-postgres.yaml after each batch, and prints the reconciliation of the lake with",
            "the database."
        })
final class DemoCommand extends SparkCommand {
    /**
     * An initial load and one incremental day. The second day already carries every kind of change
     * the pipeline handles (late rows, replays, change-feed updates and a stale one, a new column), so
     * a third would repeat it at about 20 s of fixed cost per date.
     */
    static final int BATCHES = 2;

    @Option(names = "--source", paramLabel = "SOURCE", defaultValue = "files",
            description = "files: landing files (the default); postgres: a PostgreSQL the demo starts and loads.")
    String source;

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        if (source.equals("postgres")) {
            java.nio.file.Path tpch = specOptions.resolvedPipeline();
            java.nio.file.Path postgresSpec = tpch.getFileName().toString().equals("tpch.yaml")
                    ? tpch.resolveSibling("tpch-postgres.yaml") : tpch;
            PostgresDemo demo = new PostgresDemo(postgresSpec, specOptions.env, out());
            return spark -> demo.run(spark, BATCHES, LocalDate.parse("2024-01-01"));
        }
        if (!source.equals("files")) {
            throw new IllegalArgumentException("--source must be files or postgres, got '" + source + "'");
        }
        return spark -> {
            long start = System.nanoTime();
            Path manifestPath = new Path(spec.storage().landingRoot(), "manifest.json");
            FileSystem fs = manifestPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(manifestPath)) {
                int generated = MedallionCommand.commandLine().execute("generate", "--pipeline",
                        specOptions.resolvedPipeline().toString(), "--env", specOptions.env,
                        "--batches", String.valueOf(BATCHES));
                if (generated != ExitCode.OK) {
                    return generated;
                }
            } else {
                out().println("Using the landing data already in " + spec.storage().landingRoot());
            }
            Manifest manifest = Manifest.read(fs, manifestPath);
            List<LocalDate> dates = new ArrayList<>();
            manifest.batchDates.forEach(d -> dates.add(LocalDate.parse(d)));
            out().println("Running the pipeline for " + dates.size() + " batch date(s): " + manifest.batchDates);
            out().flush();
            int exit = new Pipeline(spec, List.copyOf(spec.tables().values()))
                    .run(spark, dates, PipelineCommand.stageLines(out(), "  "));
            new DemoSummary(spark, spec, new LakePaths(spec.storage().lakeRoot())).print(out());
            out().printf("%nThe demo took %.0f s; exit code %d.%n", (System.nanoTime() - start) / 1e9, exit);
            return exit;
        };
    }
}
