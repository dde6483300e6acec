package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.run.Job;
import io.medallion.run.JobRunner;
import java.util.List;
import picocli.CommandLine.Mixin;

/** A command that is one job: it runs through the {@link JobRunner}, which writes the ledger. */
abstract class JobCommand extends SparkCommand {
    @Mixin
    JobOptions jobOptions;

    /**
     * The job, created once the spec is known to be valid.
     *
     * @throws IllegalArgumentException when the options do not fit the spec (exit 2)
     */
    abstract Job job(PipelineSpec spec);

    /** The spec tables the job works on; a job that works on other targets (models, layer.tables) has none. */
    List<TableSpec> tables(PipelineSpec spec) {
        return List.of();
    }

    @Override
    java.time.Duration lockWait() {
        return jobOptions.lockWait();
    }

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        List<TableSpec> tables = tables(spec);
        Job job = job(spec);
        return spark -> new JobRunner(spec).runIn(spark, job, tables, jobOptions.runDateOrToday());
    }
}
