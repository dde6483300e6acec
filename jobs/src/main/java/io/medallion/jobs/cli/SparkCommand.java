package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.SpecException;
import io.medallion.run.ExitCode;
import io.medallion.jobs.lock.TableLocks;
import io.medallion.lake.TableRef;
import io.medallion.run.JobRunner;
import io.medallion.run.RunIds;
import io.medallion.spark.SparkSessions;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that starts Spark. The life cycle is fixed here: load and validate the spec and
 * check the command's options against it (exit 2, Spark never started), lock the tables the
 * command writes ({@link TableLocks}; exit 1 when another run holds one), then run the command's
 * body in a session of its own ({@link JobRunner#inSession}), which is always stopped, and let go
 * of the locks.
 */
abstract class SparkCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SparkCommand.class);

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
        TableLocks.Held locks;
        try {
            locks = lock(spec);
        } catch (IllegalArgumentException e) {
            err().println(name() + ": " + e.getMessage());
            return ExitCode.USAGE;
        } catch (TableLocks.LockedException | java.io.UncheckedIOException e) {
            err().println(name() + ": " + e.getMessage());
            return ExitCode.FAILED;
        }
        try (locks) {
            int exit = JobRunner.inSession(spec, name(), specOptions.sparkConf, body, problem -> err().println(name()
                    + ": " + problem));
            out().flush();
            err().flush();
            return exit;
        }
    }

    /**
     * The lake tables this command may write, each locked for its whole run, so that two runs never
     * interleave commits on one table; none for a command that only reads or writes ops tables.
     */
    List<TableRef> writes(PipelineSpec spec) {
        return List.of();
    }

    /** How long to wait for a table another run holds ({@code --wait}). */
    Duration lockWait() {
        return Duration.ZERO;
    }

    private TableLocks.Held lock(PipelineSpec spec) {
        List<TableRef> writes = writes(spec);
        Duration wait = lockWait();
        if (writes.isEmpty()) {
            return TableLocks.Held.NONE;
        }
        Instant now = Instant.now();
        TableLocks locks = TableLocks.of(spec.storage().lakeRoot(),
                SparkSessions.hadoopConfiguration(spec.spark(), specOptions.sparkConf));
        TableLocks.Held held = locks.acquire(writes, TableLocks.self(RunIds.next(command.name(), now), name(), now),
                wait);
        LOG.info("holding the write locks of {} table(s) until this command ends", writes.size());
        return held;
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
