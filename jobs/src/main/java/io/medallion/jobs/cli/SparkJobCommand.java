package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.SpecException;
import io.medallion.config.TableSpec;
import io.medallion.run.ExitCode;
import io.medallion.run.Job;
import io.medallion.run.JobRunner;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that runs one Spark job through the {@link JobRunner}. The spec and the table
 * selection are validated first; on error it prints the problem and exits 2 without Spark.
 */
abstract class SparkJobCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Mixin
    JobOptions jobOptions;

    @Spec
    CommandSpec command;

    /**
     * The job, created once the spec is known to be valid.
     *
     * @throws IllegalArgumentException when the options do not fit the spec (exit 2)
     */
    abstract Job job(PipelineSpec spec);

    /**
     * The spec tables the job works on: those named with {@code --table}, or all. A job whose
     * {@code --table} names something else (a gold model's quality suite) overrides this.
     *
     * @throws IllegalArgumentException naming an unknown table (exit 2)
     */
    List<TableSpec> tables(PipelineSpec spec) {
        return spec.select(jobOptions.tables);
    }

    @Override
    public Integer call() {
        PipelineSpec spec;
        List<TableSpec> tables;
        Job job;
        try {
            spec = specOptions.load();
            tables = tables(spec);
            job = job(spec);
        } catch (SpecException | IllegalArgumentException e) {
            command.commandLine().getErr().println("medallion " + command.name() + ": " + e.getMessage());
            return ExitCode.USAGE;
        }
        return new JobRunner(spec, jobOptions.sparkConf).run(job, tables, jobOptions.runDateOrToday());
    }
}
