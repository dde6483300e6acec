package io.medallion.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
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
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The silver quality gate, in the test JVM's session: with {@code quarantine.on_gate: hold} (the
 * default) a failed gate merges nothing of the batch, writes its quarantine marked held and leaves
 * it pending, so the run after a fix of the spec applies it once; with {@code commit} the valid
 * rows are merged and the batch is applied, as before. Each table allows 25 % quarantined, and its
 * rule wants {@code v} from 0 to 10; the fix widens that to 60 (for the committed table too, where it
 * has nothing left to apply).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SilverGateTest {
    private static final LocalDate DAY1 = LocalDate.parse("2024-01-01");
    private static final LocalDate DAY2 = LocalDate.parse("2024-01-02");
    private static final LocalDate DAY3 = LocalDate.parse("2024-01-03");
    private static final String SPEC = """
            storage: {lake_root: %s, landing_root: %s}
            tables:
              held:
                source: {format: csv, path: held}
                schema: [{name: id, type: int, required: true}, {name: v, type: int}]
                key: [id]
                quarantine: {max_rate: 0.25}
                rules: [{name: v_range, check: range, column: v, min: 0, max: %3$d}]
              committed:
                source: {format: csv, path: committed}
                schema: [{name: id, type: int, required: true}, {name: v, type: int}]
                key: [id]
                quarantine: {max_rate: 0.25, on_gate: commit}
                rules: [{name: v_range, check: range, column: v, min: 0, max: %3$d}]
              older:
                source: {format: csv, path: older}
                schema: [{name: id, type: int, required: true}, {name: v, type: int}]
                key: [id]
                quarantine: {max_rate: 0.25}
                rules: [{name: v_range, check: range, column: v, min: 0, max: %3$d}]
              feed:
                source: {format: jsonl, path: feed}
                cdc: {op: op, sequence: seq, before: before, after: after}
                schema: [{name: id, type: int, required: true}, {name: v, type: int}]
                key: [id]
                quarantine: {max_rate: 0.25}
                rules: [{name: v_range, check: range, column: v, min: 0, max: %3$d}]
            """;

    @TempDir
    static Path dir;
    SparkSession spark;
    String lake;
    Path landing;

    @BeforeAll
    void setUp() throws IOException {
        spark = TestSpark.session();
        lake = dir.resolve("lake").toString();
        landing = dir.resolve("landing");
    }

    @Test
    void aFailedGateHoldsTheBatchAndTheRunAfterTheFixAppliesItOnce() throws IOException {
        PipelineSpec strict = spec(10);
        write("held/2024-01-01/a.csv", "id,v\n1,1\n2,2\n3,50\n4,60\n");
        assertThat(run(strict, new BronzeIngestJob(), DAY1, "held")).isEqualTo(ExitCode.OK);
        assertThat(run(strict, new SilverJob(), DAY1, "held")).isEqualTo(ExitCode.QUALITY_GATE);
        // 2 of 4 quarantined: nothing reaches silver, the table is not even created.
        assertThat(DeltaTable.isDeltaTable(spark, lake + "/silver/held")).isFalse();
        assertThat(quarantine("held")).containsExactlyInAnyOrder("3 held", "4 held");
        assertThat(applied("held")).isZero();
        Row first = lastSilverRun("held");
        assertThat(first.<String>getAs("status")).isEqualTo("quality_failed");
        assertThat(first.<String>getAs("message")).contains("quarantined 50.00 %", "the batch is held");
        assertThat(first.<Long>getAs("rows_read")).isEqualTo(4);
        assertThat(first.<Long>getAs("rows_written")).isZero();
        assertThat(first.<Long>getAs("rows_quarantined")).isEqualTo(2);
        assertThat(TestLedger.metrics(first)).containsEntry("rows_held", "2");

        // The next day does not carry the held batch along: both are judged together, 3 of 7, held again.
        write("held/2024-01-02/b.csv", "id,v\n5,5\n6,6\n7,70\n");
        assertThat(run(strict, new BronzeIngestJob(), DAY2, "held")).isEqualTo(ExitCode.OK);
        assertThat(run(strict, new SilverJob(), DAY2, "held")).isEqualTo(ExitCode.QUALITY_GATE);
        assertThat(DeltaTable.isDeltaTable(spark, lake + "/silver/held")).isFalse();
        assertThat(quarantine("held")).containsExactlyInAnyOrder("3 held", "4 held", "7 held");
        String heldRun = lastSilverRun("held").getAs("run_id");
        assertThat(spark.read().format("delta").load(lake + "/silver/_quarantine_held")
                .select("run_id").distinct().collectAsList()).extracting(r -> r.getString(0)).containsExactly(heldRun);
        assertThat(TestLedger.metrics(lastSilverRun("held"))).containsEntry("rows_held", "4");

        // The rule widened to 60: 50 and 60 now pass and enter silver; 70 stays out, now quarantined for good.
        PipelineSpec fixed = spec(60);
        assertThat(run(fixed, new SilverJob(), DAY2, "held")).isEqualTo(ExitCode.OK);
        assertThat(silver("held")).containsExactlyInAnyOrder("1 1", "2 2", "3 50", "4 60", "5 5", "6 6");
        assertThat(quarantine("held")).containsExactly("7 quarantined");
        Row fix = lastSilverRun("held");
        assertThat(fix.<Long>getAs("rows_read")).isEqualTo(7);
        assertThat(fix.<Long>getAs("rows_written")).isEqualTo(6);
        assertThat(fix.<Long>getAs("rows_quarantined")).isEqualTo(1);
        assertThat(spark.read().format("delta").load(lake + "/silver/_quarantine_held").first()
                .<String>getAs("run_id")).isEqualTo(fix.getAs("run_id"));
        assertThat(applied("held")).isEqualTo(2);

        // A rerun finds nothing pending and changes nothing.
        assertThat(run(fixed, new SilverJob(), DAY2, "held")).isEqualTo(ExitCode.OK);
        assertThat(lastSilverRun("held").<Long>getAs("rows_read")).isZero();
        assertThat(silver("held")).hasSize(6);

        // On an existing table the gate holds too: id 1's update waits with the two bad rows.
        write("held/2024-01-03/c.csv", "id,v\n1,9\n9,99\n10,98\n");
        assertThat(run(fixed, new BronzeIngestJob(), DAY3, "held")).isEqualTo(ExitCode.OK);
        assertThat(run(fixed, new SilverJob(), DAY3, "held")).isEqualTo(ExitCode.QUALITY_GATE);
        assertThat(silver("held")).contains("1 1").hasSize(6);
        assertThat(quarantine("held")).containsExactlyInAnyOrder("7 quarantined", "9 held", "10 held");
        assertThat(applied("held")).isEqualTo(2);
    }

    @Test
    void onGateCommitMergesTheValidRowsAndMarksTheBatchApplied() throws IOException {
        PipelineSpec strict = spec(10);
        write("committed/2024-01-01/a.csv", "id,v\n1,1\n2,2\n3,50\n4,60\n");
        assertThat(run(strict, new BronzeIngestJob(), DAY1, "committed")).isEqualTo(ExitCode.OK);
        assertThat(run(strict, new SilverJob(), DAY1, "committed")).isEqualTo(ExitCode.QUALITY_GATE);
        assertThat(silver("committed")).containsExactlyInAnyOrder("1 1", "2 2");
        assertThat(quarantine("committed")).containsExactlyInAnyOrder("3 quarantined", "4 quarantined");
        assertThat(lastSilverRun("committed").<String>getAs("message")).doesNotContain("held");
        assertThat(applied("committed")).isEqualTo(1);
        // Applied: the run after a fix has nothing to do, the two rows stay out.
        assertThat(run(spec(60), new SilverJob(), DAY1, "committed")).isEqualTo(ExitCode.OK);
        assertThat(lastSilverRun("committed").<Long>getAs("rows_read")).isZero();
        assertThat(silver("committed")).hasSize(2);
    }

    @Test
    void aChangeFeedIsHeldTooAndAppliedWithItsHistoryAfterTheFix() throws IOException {
        PipelineSpec strict = spec(10);
        write("feed/2024-01-01/e.jsonl", """
                {"op": "c", "seq": 1, "before": null, "after": {"id": 1, "v": 1}}
                {"op": "c", "seq": 2, "before": null, "after": {"id": 2, "v": 20}}
                {"op": "u", "seq": 3, "before": {"id": 1, "v": 1}, "after": {"id": 1, "v": 30}}
                """);
        assertThat(run(strict, new BronzeIngestJob(), DAY1, "feed")).isEqualTo(ExitCode.OK);
        assertThat(run(strict, new SilverJob(), DAY1, "feed")).isEqualTo(ExitCode.QUALITY_GATE);
        assertThat(DeltaTable.isDeltaTable(spark, lake + "/silver/feed")).isFalse();
        assertThat(DeltaTable.isDeltaTable(spark, lake + "/silver/dim_feed")).isFalse();
        assertThat(quarantine("feed")).containsExactlyInAnyOrder("2 held", "1 held");
        assertThat(TestLedger.metrics(lastSilverRun("feed"))).containsEntry("rows_held", "1");

        assertThat(run(spec(60), new SilverJob(), DAY1, "feed")).isEqualTo(ExitCode.OK);
        assertThat(silver("feed")).containsExactlyInAnyOrder("1 30", "2 20");
        assertThat(spark.read().format("delta").load(lake + "/silver/dim_feed").count()).isEqualTo(3);
        assertThat(quarantine("feed")).isEmpty();
        assertThat(applied("feed")).isEqualTo(1);
    }

    @Test
    void aQuarantineWrittenBeforeRecordsHadAStatusGetsOneAndKeepsItsRecords() throws IOException {
        spark.sql("SELECT 'an-earlier-run' AS run_id, 'an-earlier-ingest' AS _ingest_run_id, 'old.csv' AS _source_file, "
                + "2L AS _source_line, DATE'2023-12-31' AS _batch_date, array('v_range') AS rules, "
                + "CAST(NULL AS STRING) AS reason, '{\"id\":99}' AS raw, current_timestamp() AS quarantined_at")
                .write().format("delta").save(lake + "/silver/_quarantine_older");
        write("older/2024-01-01/a.csv", "id,v\n1,1\n2,2\n3,3\n4,4\n5,50\n");
        PipelineSpec strict = spec(10);
        assertThat(run(strict, new BronzeIngestJob(), DAY1, "older")).isEqualTo(ExitCode.OK);
        assertThat(run(strict, new SilverJob(), DAY1, "older")).isEqualTo(ExitCode.OK);
        assertThat(quarantine("older")).containsExactlyInAnyOrder("99 quarantined", "5 quarantined");
        assertThat(silver("older")).hasSize(4);
    }

    /** The spec with the rules' upper bound for {@code v}. */
    private PipelineSpec spec(int max) throws IOException {
        return TestSpecs.load(dir, "gate", SPEC.formatted(lake, landing, max));
    }

    private int run(PipelineSpec spec, Job job, LocalDate day, String table) {
        return new JobRunner(spec).runIn(spark, job, List.of(spec.tables().get(table)), day);
    }

    private void write(String relative, String text) throws IOException {
        Path file = landing.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private List<String> silver(String table) {
        return spark.read().format("delta").load(lake + "/silver/" + table).select("id", "v").collectAsList()
                .stream().map(r -> r.get(0) + " " + r.get(1)).toList();
    }

    /** Each record as the id its raw row holds and its status. */
    private List<String> quarantine(String table) {
        Dataset<Row> q = spark.read().format("delta").load(lake + "/silver/_quarantine_" + table);
        return q.selectExpr("get_json_object(raw, '$.id')", "status").collectAsList().stream()
                .map(r -> r.get(0) + " " + r.get(1)).toList();
    }

    private long applied(String table) {
        Path progress = dir.resolve("lake/ops/silver_progress");
        return Files.exists(progress) ? spark.read().format("delta").load(progress.toString())
                .where("table_name = '" + table + "'").count() : 0;
    }

    private Row lastSilverRun(String table) {
        return TestLedger.last(spark, lake, "silver", table);
    }
}
