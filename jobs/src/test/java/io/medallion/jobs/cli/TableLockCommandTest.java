package io.medallion.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.jobs.lock.TableLocks;
import io.medallion.run.ExitCode;
import io.medallion.testing.TestSpecs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI against a table another live run holds: writers refuse or wait, before Spark starts; readers go on. */
class TableLockCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void noSparkSession() {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
        SparkSession.clearDefaultSession();
        SparkSession.clearActiveSession();
    }

    private int run(String... args) {
        CommandLine cmd = MedallionCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** A lock as a live run on this host leaves it: this test's own process, which is alive. */
    private void heldByAnotherRun(String table) throws Exception {
        Instant now = Instant.now();
        TableLocks.Holder live = TableLocks.self("20240102T030405Z-pipeline-abc123", "medallion pipeline", now);
        Files.createDirectories(dir.resolve("lake/_locks"));
        Files.writeString(dir.resolve("lake/_locks/" + table + ".lock"),
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(live));
    }

    private String spec() throws Exception {
        return TestSpecs.write(dir, "shop", """
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  orders:
                    source: {format: delimited, path: orders}
                    schema: [{name: id, type: bigint}]
                    key: [id]
                """.formatted(dir.resolve("lake"), dir.resolve("landing"))).toString();
    }

    @Test
    void aWriterOfAHeldTableExitsOneAtOnceNamingTheRunWithoutStartingSpark() throws Exception {
        String spec = spec();
        heldByAnotherRun("silver.orders");
        long start = System.nanoTime();
        assertThat(run("silver", "--pipeline", spec, "--run-date", "2024-01-01")).isEqualTo(ExitCode.FAILED);
        assertThat(err.toString()).startsWith("medallion silver: table silver.orders is being written by run "
                + "20240102T030405Z-pipeline-abc123 (medallion pipeline, started ").contains(", host "
                + TableLocks.host() + ", pid " + ProcessHandle.current().pid() + ")");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();

        err.getBuffer().setLength(0);
        start = System.nanoTime();
        assertThat(run("pipeline", "--pipeline", spec, "--run-date", "2024-01-01", "--wait", "2s"))
                .isEqualTo(ExitCode.FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(err.toString()).contains("table silver.orders is being written by run");
        assertThat(dir.resolve("lake/_locks/bronze.orders.lock")).as("the refused run let go of bronze.orders")
                .doesNotExist();
    }

    @Test
    void aLakeRootThatCannotBeWrittenIsRefusedBeforeSparkStarts() throws Exception {
        // A file where the lake's folder should be: no user, root included, can write below it.
        Files.writeString(dir.resolve("lake"), "not a folder");
        assertThat(run("bronze", "--pipeline", spec(), "--run-date", "2024-01-01")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).startsWith("medallion bronze: the lake at " + dir.resolve("lake")
                + " cannot be written: ").contains("Not a directory");
        assertThat(SparkSession.getDefaultSession().isEmpty()).as("Spark was never started").isTrue();

        // A folder without write permission, for a user that permissions bind (not root).
        Files.delete(dir.resolve("lake"));
        Path readOnly = Files.createDirectories(dir.resolve("lake"));
        readOnly.toFile().setWritable(false, false);
        try {
            if (!Files.isWritable(readOnly)) { // root writes anyway: the case above stands for it
                err.getBuffer().setLength(0);
                assertThat(run("bronze", "--pipeline", spec(), "--run-date", "2024-01-01")).isEqualTo(ExitCode.USAGE);
                assertThat(err.toString()).contains("cannot be written: permission denied on " + readOnly);
            }
        } finally {
            readOnly.toFile().setWritable(true, false);
        }
    }

    @Test
    void aWaitThatIsNotADurationIsAUsageError() throws Exception {
        assertThat(run("bronze", "--pipeline", spec(), "--wait", "soon")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("soon");
    }

    @Test
    void aReaderDoesNotWaitForAWriter() throws Exception {
        String spec = spec();
        heldByAnotherRun("silver.orders");
        assertThat(run("sql", "--pipeline", spec, "SELECT 41 + 1 AS answer")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("42");
    }
}
