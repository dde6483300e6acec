package io.medallion.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.lake.TableFiles;
import io.medallion.testing.TestSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's life cycle: open rows, closing replaces exactly them, abandoned rows are closed as failed. */
class RunLedgerTest {
    @TempDir
    Path dir;

    private static JobContext run(SparkSession spark, String runId, String job) {
        return new JobContext(runId, job, LocalDate.parse("2024-01-02"), Instant.now(), null, List.of(), spark, null);
    }

    @Test
    void closingReplacesTheRunsOpenRowsAndLeavesOtherRunsAlone() {
        SparkSession spark = TestSpark.session();
        RunLedger ledger = new RunLedger(spark, dir.resolve("runs").toString());
        JobContext bronze = run(spark, "run-a", "bronze");
        JobContext silver = run(spark, "run-b", "silver");
        ledger.open(bronze, List.of("orders", "lineitem"));
        ledger.open(silver, List.of("orders"));

        ledger.close(bronze, List.of(TableOutcome.builder("orders").rowsRead(5).rowsWritten(4).build(),
                TableOutcome.failed("lineitem", "boom")), Instant.now());

        List<Row> rows = spark.read().format("delta").load(dir.resolve("runs").toString())
                .orderBy("run_id", "table_name").select("run_id", "table_name", "status", "rows_read", "message")
                .collectAsList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).mkString("|")).isEqualTo("run-a|lineitem|failed|0|boom");
        assertThat(rows.get(1).mkString("|")).isEqualTo("run-a|orders|succeeded|5|null");
        assertThat(rows.get(2).mkString("|")).isEqualTo("run-b|orders|running|null|null");

        assertThat(ledger.closeAbandoned("silver", List.of("orders"), "run-c")).isEqualTo(1);
        Row abandoned = spark.read().format("delta").load(dir.resolve("runs").toString())
                .where("run_id = 'run-b'").select("status", "message").first();
        assertThat(abandoned.getString(0)).isEqualTo("failed");
        assertThat(abandoned.getString(1)).contains("closed by run run-c");
        assertThat(TableFiles.partitionColumns(spark, dir.resolve("runs").toString()))
                .as("each run's rows in a partition of their own, replaced without reading a file")
                .containsExactly("run_id");
    }

    @Test
    void failedSinceLastSuccessAreTheFailedAndAbandonedRunsAfterIt() {
        SparkSession spark = TestSpark.session();
        RunLedger ledger = new RunLedger(spark, dir.resolve("runs").toString());
        Instant t = Instant.parse("2024-01-02T00:00:00Z");
        String[][] runs = {{"run-1", "failed"}, {"run-2", "succeeded"}, {"run-3", "failed"}, {"run-4", "running"},
            {"run-5", "running"}};
        for (int i = 0; i < runs.length; i++) {
            JobContext c = new JobContext(runs[i][0], "bronze", LocalDate.parse("2024-01-02"), t.plusSeconds(i), null,
                    List.of(), spark, null);
            ledger.open(c, List.of("orders"));
            if (!runs[i][1].equals("running")) {
                TableOutcome.Builder o = TableOutcome.builder("orders");
                ledger.close(c, List.of(runs[i][1].equals("failed") ? TableOutcome.failed("orders", "boom")
                        : o.build()), t.plusSeconds(i));
            }
        }
        ledger.open(new JobContext("run-s", "silver", LocalDate.parse("2024-01-02"), t.plusSeconds(9), null,
                List.of(), spark, null), List.of("orders"));

        // run-5 is the run asking; run-4 never closed, so it died; run-1 came before the success.
        assertThat(ledger.failedSinceLastSuccess("bronze", "run-5"))
                .isEqualTo(java.util.Map.of("orders", java.util.Set.of("run-3", "run-4")));
    }

    @Test
    void anUnpartitionedLedgerFromAnEarlierVersionIsStillOpenedAndClosed() {
        SparkSession spark = TestSpark.session();
        String path = dir.resolve("old-runs").toString();
        spark.createDataFrame(List.of(), RunLedger.SCHEMA).write().format("delta").save(path);
        RunLedger ledger = new RunLedger(spark, path);
        JobContext gold = run(spark, "run-d", "gold");
        ledger.open(gold, List.of("fact_sales"));
        ledger.close(gold, List.of(TableOutcome.builder("fact_sales").rowsWritten(7).build()), Instant.now());

        assertThat(spark.read().format("delta").load(path).select("run_id", "status", "rows_written")
                .collectAsList()).map(r -> r.mkString("|")).containsExactly("run-d|succeeded|7");
        assertThat(TableFiles.partitionColumns(spark, path)).isEmpty();
    }
}
