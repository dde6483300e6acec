package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.SpecException;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that starts Spark. The life cycle is fixed here: load and validate the spec and
 * check the command's options against it (exit 2, Spark never started), then run the command's
 * body in a session of its own ({@link JobRunner#inSession}), which is always stopped.
 */
abstract class SparkCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Spec
    CommandSpec command;

    /**
     * Checks the options against the spec and returns what to do in the session, or nothing when
     * there is nothing to do (after saying so on {@link #out()}); Spark has not started yet.
     *
     * @throws IllegalArgumentException when the options do not fit the spec (exit 2)
     */
    abstract JobRunner.SessionBody prepare(PipelineSpec spec);

    @Override
    public final Integer call() {
        PipelineSpec spec;
        JobRunner.SessionBody body;
        try {
            spec = specOptions.load();
            body = prepare(spec);
        } catch (SpecException | IllegalArgumentException e) {
            err().println(name() + ": " + e.getMessage());
            return ExitCode.USAGE;
        }
        if (body == null) {
            out().flush();
            return ExitCode.OK;
        }
        int exit = JobRunner.inSession(spec, name(), specOptions.sparkConf, body, problem -> err().println(name() + ": "
                + problem));
        out().flush();
        err().flush();
        return exit;
    }

    /** {@code medallion <command>}, as messages start. */
    String name() {
        return command.qualifiedName();
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }
}
