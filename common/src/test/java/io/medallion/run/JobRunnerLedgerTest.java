package io.medallion.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.testing.TestSpark;
import io.medallion.testing.TestSpecs;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner closes the ledger rows a crashed process left open on its first run of a job and
 * table, and does not look again on later runs in the same process (a pipeline's stages and
 * dates), since only another process could have left one.
 */
class JobRunnerLedgerTest {
    @TempDir
    Path dir;

    /** A job that succeeds on one table. */
    private static final Job PROBE = new Job() {
        @Override
        public String name() {
            return "probe";
        }

        @Override
        public List<String> targets(JobContext context) {
            return List.of("orders");
        }

        @Override
        public List<TableOutcome> run(JobContext context) {
            return List.of(TableOutcome.builder("orders").rowsRead(1).rowsWritten(1).build());
        }
    };

    private PipelineSpec spec() throws Exception {
        Path file = TestSpecs.write(dir, "shop", """
                pipeline: shop
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  orders:
                    source: {format: delimited, path: orders}
                    schema:
                      - {name: o_orderkey, type: bigint, required: true}
                    key: [o_orderkey]
                """.formatted(dir.resolve("lake"), dir.resolve("landing")));
        return new PipelineSpecLoader(Map.of(), dir).load(file, "local");
    }

    private static void leaveOpen(SparkSession spark, RunLedger ledger, String runId) {
        ledger.open(new JobContext(runId, "probe", LocalDate.parse("2024-01-01"), Instant.now(), null, List.of(),
                spark, null), List.of("orders"));
    }

    private static String status(SparkSession spark, String ledgerPath, String runId) {
        return spark.read().format("delta").load(ledgerPath).where("run_id = '" + runId + "'")
                .select("status").first().getString(0);
    }

    @Test
    void abandonedRowsAreClosedOnTheFirstRunOfAJobAndTableInAProcess() throws Exception {
        SparkSession spark = TestSpark.session();
        PipelineSpec spec = spec();
        String ledgerPath = dir.resolve("lake/ops/runs").toString();
        RunLedger ledger = new RunLedger(spark, ledgerPath);
        LocalDate day = LocalDate.parse("2024-01-02");
        leaveOpen(spark, ledger, "crashed-before");

        JobRunner runner = new JobRunner(spec);
        assertThat(runner.runIn(spark, PROBE, List.of(), day)).isZero();
        assertThat(status(spark, ledgerPath, "crashed-before")).isEqualTo("failed");

        // Only a second process running the same job at once could leave this; the runner does not look again.
        leaveOpen(spark, ledger, "overlapping");
        assertThat(runner.runIn(spark, PROBE, List.of(), day)).isZero();
        assertThat(status(spark, ledgerPath, "overlapping")).isEqualTo("running");

        // The next process looks again.
        assertThat(new JobRunner(spec).runIn(spark, PROBE, List.of(), day)).isZero();
        assertThat(status(spark, ledgerPath, "overlapping")).isEqualTo("failed");
        assertThat(spark.read().format("delta").load(ledgerPath).where("status = 'succeeded'").count()).isEqualTo(3);
    }
}
