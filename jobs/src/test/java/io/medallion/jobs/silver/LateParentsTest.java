package io.medallion.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.bronze.BronzeIngestJob;
import io.medallion.run.ExitCode;
import io.medallion.run.Job;
import io.medallion.run.JobRunner;
import io.medallion.testing.TestLedger;
import io.medallion.testing.TestSpark;
import io.medallion.testing.TestSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Late parents, in the test JVM's session: line items that arrive before their order wait in
 * quarantine under {@code order_exists} with {@code retry: 3d}, and enter silver in the run their
 * order arrives in, even when no new line item comes with it; a table whose window (12h) is shorter
 * than the delay marks its row expired. Each run's row accounting balances, or it would fail.
 */
class LateParentsTest {
    @TempDir
    Path dir;

    @Test
    void lineItemsEnterSilverWhenTheirOrderArrivesAndExpireAfterTheirWindow() throws IOException {
        SparkSession spark = TestSpark.session();
        PipelineSpec spec = spec();
        write("orders/2024-01-01/o.csv", "o_id\n1\n");
        write("lines/2024-01-01/l.csv", "l_id,l_order\n1,1\n2,2\n3,3\n");
        write("short/2024-01-01/s.csv", "l_id,l_order\n1,2\n");
        write("orders/2024-01-02/o.csv", "o_id\n2\n");
        // A newer version of line item 3, pointing at an order that exists, arrives while the old one waits.
        write("lines/2024-01-02/l.csv", "l_id,l_order\n3,1\n");
        write("orders/2024-01-03/o.csv", "o_id\n3\n");

        day(spec, "2024-01-01");
        assertThat(silver(spark, "lines")).containsExactly("1 1");
        assertThat(quarantine(spark, "lines")).containsExactlyInAnyOrder("2 quarantined", "3 quarantined");

        // Order 2 arrives: line item 2 is released into silver; 3's old version still waits, its new one
        // is in silver. The 12h window has ended.
        day(spec, "2024-01-02");
        assertThat(silver(spark, "lines")).containsExactlyInAnyOrder("1 1", "2 2", "3 1");
        assertThat(quarantine(spark, "lines")).containsExactlyInAnyOrder("2 released", "3 quarantined");
        Row run = lastSilverRun(spark, "lines");
        assertThat(run.<Long>getAs("rows_read")).isEqualTo(1);
        assertThat(run.<Long>getAs("rows_written")).isEqualTo(2);
        assertThat(TestLedger.metrics(run)).containsEntry("released_from_quarantine", "1")
                .containsEntry("rows_expired", "0");
        assertThat(silver(spark, "short")).isEmpty();
        assertThat(quarantine(spark, "short")).containsExactly("1 expired");

        // Order 3 arrives: the old version of 3 passes now but is older than silver's, which stays.
        day(spec, "2024-01-03");
        assertThat(silver(spark, "lines")).containsExactlyInAnyOrder("1 1", "2 2", "3 1");
        assertThat(quarantine(spark, "lines")).containsExactlyInAnyOrder("2 released", "3 released");
        Row third = lastSilverRun(spark, "lines");
        assertThat(TestLedger.metrics(third)).containsEntry("released_from_quarantine", "1");
        assertThat(third.<Long>getAs("rows_written")).isZero();
        assertThat(third.<Long>getAs("duplicates_dropped")).as("superseded by silver's newer row").isEqualTo(1);
        assertThat(silver(spark, "short")).as("an expired row stays out, its parent here or not").isEmpty();
        assertThat(quarantine(spark, "short")).containsExactly("1 expired");
    }

    private void day(PipelineSpec spec, String date) {
        LocalDate day = LocalDate.parse(date);
        assertThat(run(spec, new BronzeIngestJob(), day)).isEqualTo(ExitCode.OK);
        assertThat(run(spec, new SilverJob(), day)).as("silver on " + date).isEqualTo(ExitCode.OK);
    }

    private PipelineSpec spec() throws IOException {
        return TestSpecs.load(dir, "late", """
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  orders:
                    source: {format: csv, path: orders}
                    schema: [{name: o_id, type: int, required: true}]
                    key: [o_id]
                  lines:
                    source: {format: csv, path: lines}
                    schema: [{name: l_id, type: int, required: true}, {name: l_order, type: int}]
                    key: [l_id]
                    quarantine: {max_rate: 1}
                    rules: [{name: order_exists, check: references, column: l_order, table: orders, to: o_id, retry: 3d}]
                  short:
                    source: {format: csv, path: short}
                    schema: [{name: l_id, type: int, required: true}, {name: l_order, type: int}]
                    key: [l_id]
                    quarantine: {max_rate: 1}
                    rules: [{name: order_exists, check: references, column: l_order, table: orders, to: o_id, retry: 12h}]
                """.formatted(dir.resolve("lake"), dir.resolve("landing")));
    }

    private int run(PipelineSpec spec, Job job, LocalDate day) {
        return new JobRunner(spec).runIn(TestSpark.session(), job, List.copyOf(spec.tables().values()), day);
    }

    private void write(String relative, String text) throws IOException {
        Path file = dir.resolve("landing").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private List<String> silver(SparkSession spark, String table) {
        return spark.read().format("delta").load(dir.resolve("lake/silver/" + table).toString())
                .select("l_id", "l_order").collectAsList().stream().map(r -> r.get(0) + " " + r.get(1)).toList();
    }

    private List<String> quarantine(SparkSession spark, String table) {
        return spark.read().format("delta").load(dir.resolve("lake/silver/_quarantine_" + table).toString())
                .selectExpr("get_json_object(raw, '$.l_id')", "status").collectAsList().stream()
                .map(r -> r.get(0) + " " + r.get(1)).toList();
    }

    private Row lastSilverRun(SparkSession spark, String table) {
        return TestLedger.last(spark, dir.resolve("lake").toString(), "silver", table);
    }
}
