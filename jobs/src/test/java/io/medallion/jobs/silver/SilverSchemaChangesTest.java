package io.medallion.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.medallion.config.PipelineSpec;
import io.medallion.jobs.bronze.BronzeIngestJob;
import io.medallion.jobs.cli.MedallionCommand;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.TableFiles;
import io.medallion.run.ExitCode;
import io.medallion.run.Job;
import io.medallion.run.JobRunner;
import io.medallion.testing.TestLedger;
import io.medallion.testing.TestSpark;
import io.medallion.testing.TestSpecs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Spec changes applied to existing silver tables, in the test JVM's session: an added column is
 * added and backfilled from what bronze kept ({@code _rescued} of a CSV, a change event's image),
 * a removed one is kept and shown deprecated, a safe widening is applied, and a narrowing, a new
 * key or a new partitioning exit 2 naming {@code silver --rebuild}, which then applies them from
 * all of bronze. The files were written by hand, with a header column the first spec did not declare.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SilverSchemaChangesTest {
    private static final LocalDate DAY1 = LocalDate.parse("2024-03-01");
    private static final LocalDate DAY2 = LocalDate.parse("2024-03-02");

    @TempDir
    static Path dir;
    SparkSession spark;
    String lake;
    Path landing;

    @BeforeAll
    void setUp() {
        spark = TestSpark.session();
        lake = dir.resolve("lake").toString();
        landing = dir.resolve("landing");
    }

    @Test
    void anAddedColumnIsAddedAndItsOlderValuesAreBackfilledFromBronzeOnce() throws IOException {
        String v1 = "accounts: {source: {format: csv, path: accounts}, key: [id], schema: [%s]}"
                .formatted("{name: id, type: int, required: true}, {name: v, type: int}");
        String v2 = "accounts: {source: {format: csv, path: accounts}, key: [id], schema: [%s]}"
                .formatted("{name: id, type: int, required: true}, {name: v, type: int}, {name: tier, type: string}");
        write("accounts/2024-03-01/a.csv", "id,v,tier\n1,10,gold\n2,20,\n3,30,\"silver, plus\"\n");
        PipelineSpec before = spec("accounts1", v1);
        assertThat(run(before, new BronzeIngestJob(), DAY1)).isZero();
        assertThat(run(before, new SilverJob(), DAY1)).isZero();

        // The spec gains the column: silver adds it on its next run, even with nothing new to apply.
        PipelineSpec after = spec("accounts2", v2);
        assertThat(run(after, new SilverJob(), DAY1)).isZero();
        assertThat(columns("accounts")).contains("tier");
        assertThat(rows("accounts", "id", "tier")).containsExactlyInAnyOrder("1 null", "2 null", "3 null");

        // A new day's rows carry it directly.
        write("accounts/2024-03-02/b.csv", "id,v,tier\n4,40,bronze\n1,11,gold\n");
        assertThat(run(after, new BronzeIngestJob(), DAY2)).isZero();
        assertThat(run(after, new SilverJob(), DAY2)).isZero();
        assertThat(rows("accounts", "id", "tier")).containsExactlyInAnyOrder("1 gold", "2 null", "3 null",
                "4 bronze");

        // The backfill fills id 3 from the _rescued of its own bronze row; id 2 had none.
        assertThat(run(after, new ColumnBackfill(), DAY2)).isZero();
        assertThat(rows("accounts", "id", "v", "tier")).containsExactlyInAnyOrder("1 11 gold", "2 20 null",
                "3 30 silver, plus", "4 40 bronze");
        Row backfill = TestLedger.last(spark, lake, "silver-backfill", "accounts");
        assertThat(backfill.<Long>getAs("rows_read")).isEqualTo(5);
        assertThat(backfill.<Long>getAs("rows_written")).isEqualTo(1);
        assertThat(TestLedger.metrics(backfill)).containsEntry(ColumnBackfill.ROWS_BACKFILLED, "1")
                .containsEntry("columns_backfilled", "{tier=1}");

        // Again: nothing left to fill, and no commit.
        long version = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), lake + "/silver/accounts");
        assertThat(run(after, new ColumnBackfill(), DAY2)).isZero();
        assertThat(TestLedger.last(spark, lake, "silver-backfill", "accounts").<Long>getAs("rows_written")).isZero();
        assertThat(DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), lake + "/silver/accounts"))
                .isEqualTo(version);
    }

    @Test
    void aChangeFeedColumnIsBackfilledFromTheEventThatWroteTheRow() throws IOException {
        String feed = "members: {source: {format: jsonl, path: members}, cdc: {op: op, sequence: seq, before: before, "
                + "after: after}, key: [id], schema: [%s]}";
        write("members/2024-03-01/e.jsonl", """
                {"op": "c", "seq": 1, "before": null, "after": {"id": 1, "v": 1, "tier": "gold"}}
                {"op": "c", "seq": 2, "before": null, "after": {"id": 2, "v": 2}}
                {"op": "u", "seq": 3, "before": {"id": 1, "v": 1}, "after": {"id": 1, "v": 3, "tier": "platinum"}}
                {"op": "c", "seq": 4, "before": null, "after": {"id": 3, "v": 4, "tier": "silver"}}
                """);
        PipelineSpec before = spec("members1", feed.formatted("{name: id, type: int, required: true}, "
                + "{name: v, type: int}"));
        assertThat(run(before, new BronzeIngestJob(), DAY1)).isZero();
        assertThat(run(before, new SilverJob(), DAY1)).isZero();

        PipelineSpec after = spec("members2", feed.formatted("{name: id, type: int, required: true}, "
                + "{name: v, type: int}, {name: tier, type: string}"));
        assertThat(run(after, new ColumnBackfill(), DAY1)).isZero();
        // Id 1 takes its latest event's value (seq 3), not the first one's.
        assertThat(rows("members", "id", "v", "tier")).containsExactlyInAnyOrder("1 3 platinum", "2 2 null",
                "3 4 silver");
        assertThat(TestLedger.last(spark, lake, "silver-backfill", "members").<Long>getAs("rows_written"))
                .isEqualTo(2);
        assertThat(run(after, new ColumnBackfill(), DAY1)).isZero();
        assertThat(TestLedger.last(spark, lake, "silver-backfill", "members").<Long>getAs("rows_written")).isZero();
        // And silver's own runs go on with the column.
        write("members/2024-03-02/e.jsonl", """
                {"op": "u", "seq": 5, "before": {"id": 2, "v": 2}, "after": {"id": 2, "v": 5, "tier": "gold"}}
                """);
        assertThat(run(after, new BronzeIngestJob(), DAY2)).isZero();
        assertThat(run(after, new SilverJob(), DAY2)).isZero();
        assertThat(rows("members", "id", "v", "tier")).containsExactlyInAnyOrder("1 3 platinum", "2 5 gold",
                "3 4 silver");
    }

    @Test
    void aRemovedColumnIsKeptAndShownDeprecated() throws IOException {
        String table = "notes: {source: {format: csv, path: notes}, key: [id], schema: [%s]}";
        write("notes/2024-03-01/a.csv", "id,v,note\n1,10,first\n");
        PipelineSpec before = spec("notes1", table.formatted("{name: id, type: int}, {name: v, type: int}, "
                + "{name: note, type: string}"));
        assertThat(run(before, new BronzeIngestJob(), DAY1)).isZero();
        assertThat(run(before, new SilverJob(), DAY1)).isZero();

        PipelineSpec after = spec("notes2", table.formatted("{name: id, type: int}, {name: v, type: int}"));
        write("notes/2024-03-02/b.csv", "id,v,note\n2,20,second\n1,11,again\n");
        assertThat(run(after, new BronzeIngestJob(), DAY2)).isZero();
        assertThat(run(after, new SilverJob(), DAY2)).isZero();
        // Kept: the old row's note stays (its update does not clear it), the new row has none.
        assertThat(rows("notes", "id", "v", "note")).containsExactlyInAnyOrder("1 11 first", "2 20 null");

        StringWriter out = new StringWriter();
        CommandLine config = MedallionCommand.commandLine();
        config.setOut(new PrintWriter(out, true));
        config.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(config.execute("config", "--pipeline", dir.resolve("conf/pipelines/notes2.yaml").toString())).isZero();
        assertThat(out.toString()).contains("# deprecated columns", "silver.notes: note");
    }

    @Test
    void aWideningIsAppliedAndANarrowingIsRefusedNamingTheRebuild() throws IOException {
        String table = "widths: {source: {format: csv, path: widths}, key: [id], schema: [%s]}";
        write("widths/2024-03-01/a.csv", "id,v,amount\n1,10,1.50\n2,20,2.25\n");
        PipelineSpec v1 = spec("widths1", table.formatted("{name: id, type: int}, {name: v, type: int}, "
                + "{name: amount, type: 'decimal(5,2)'}"));
        assertThat(run(v1, new BronzeIngestJob(), DAY1)).isZero();
        assertThat(run(v1, new SilverJob(), DAY1)).isZero();

        PipelineSpec wider = spec("widths2", table.formatted("{name: id, type: int}, {name: v, type: bigint}, "
                + "{name: amount, type: 'decimal(9,3)'}"));
        assertThat(run(wider, new SilverJob(), DAY1)).isZero();
        TableFiles.Shape shape = TableFiles.shape(spark, lake + "/silver/widths");
        assertThat(shape.schema().apply("v").dataType()).isEqualTo(DataTypes.LongType);
        assertThat(shape.schema().apply("amount").dataType()).isEqualTo(DataTypes.createDecimalType(9, 3));
        assertThat(rows("widths", "id", "v", "amount")).containsExactlyInAnyOrder("1 10 1.500", "2 20 2.250");

        PipelineSpec narrower = spec("widths3", table.formatted("{name: id, type: int}, {name: v, type: int}, "
                + "{name: amount, type: 'decimal(9,3)'}"));
        JobRunner.Run refused = new JobRunner(narrower).run(spark, new SilverJob(),
                List.of(narrower.tables().get("widths")), DAY1);
        assertThat(refused.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(refused.outcomes().get(0).message()).contains("column v is stored as bigint",
                "declares int", "medallion silver --rebuild --table widths");
        assertThat(TableFiles.shape(spark, lake + "/silver/widths").schema().apply("v").dataType())
                .isEqualTo(DataTypes.LongType);

        assertThat(SilverSchemaChanges.widens(DataTypes.IntegerType, DataTypes.createDecimalType(10, 0))).isTrue();
        assertThat(SilverSchemaChanges.widens(DataTypes.IntegerType, DataTypes.createDecimalType(10, 2))).isFalse();
        assertThat(SilverSchemaChanges.widens(DataTypes.LongType, DataTypes.DoubleType)).isFalse();
        assertThat(SilverSchemaChanges.widens(DataTypes.createDecimalType(5, 2), DataTypes.createDecimalType(5, 3)))
                .isFalse();
        assertThat(SilverSchemaChanges.widens(DataTypes.StringType, DataTypes.IntegerType)).isFalse();
    }

    @Test
    void aNewKeyOrPartitioningIsRefusedUntilTheRebuildAppliesItWithAccounting() throws IOException {
        String table = "lines: {source: {format: csv, path: lines}, key: [%s], partition_by: [%s], schema: [%s]}";
        String columns = "{name: id, type: int}, {name: sub, type: int}, {name: v, type: int}";
        write("lines/2024-03-01/a.csv", "id,sub,v\n1,1,10\n1,2,20\n2,1,30\n2,1,30\n");
        PipelineSpec v1 = spec("lines1", table.formatted("id", "", columns));
        assertThat(run(v1, new BronzeIngestJob(), DAY1)).isZero();
        assertThat(run(v1, new SilverJob(), DAY1)).isZero();
        assertThat(rows("lines", "id")).hasSize(2);
        assertThat(TableFiles.properties(spark, lake + "/silver/lines")).containsEntry("medallion.key", "id");

        PipelineSpec rekeyed = spec("lines2", table.formatted("id, sub", "sub", columns));
        JobRunner.Run refused = new JobRunner(rekeyed).run(spark, new SilverJob(),
                List.of(rekeyed.tables().get("lines")), DAY1);
        assertThat(refused.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(refused.outcomes().get(0).message()).contains("deduplicated by [id]", "key [id,sub]",
                "partitioned by []", "partition_by [sub]", "medallion silver --rebuild --table lines");
        assertThat(rows("lines", "id")).hasSize(2);

        assertThat(run(rekeyed, new SilverJob(Set.of("lines")), DAY1)).isZero();
        assertThat(rows("lines", "id", "sub", "v")).containsExactlyInAnyOrder("1 1 10", "1 2 20", "2 1 30");
        TableFiles.Shape shape = TableFiles.shape(spark, lake + "/silver/lines");
        assertThat(shape.partitionColumns()).containsExactly("sub");
        assertThat(shape.properties()).containsEntry("medallion.key", "id,sub");
        Row rebuild = TestLedger.last(spark, lake, "silver", "lines");
        assertThat(rebuild.<Long>getAs("rows_read")).isEqualTo(4);
        assertThat(rebuild.<Long>getAs("rows_written")).isEqualTo(3);
        assertThat(rebuild.<Long>getAs("duplicates_dropped")).isEqualTo(1);

        // After the rebuild the spec and the table agree: silver runs as usual, with nothing pending.
        assertThat(run(rekeyed, new SilverJob(), DAY1)).isZero();
        assertThat(TestLedger.last(spark, lake, "silver", "lines").<Long>getAs("rows_read")).isZero();
        write("lines/2024-03-02/b.csv", "id,sub,v\n1,2,21\n3,1,40\n");
        assertThat(run(rekeyed, new BronzeIngestJob(), DAY2)).isZero();
        assertThat(run(rekeyed, new SilverJob(), DAY2)).isZero();
        assertThat(rows("lines", "id", "sub", "v")).containsExactlyInAnyOrder("1 1 10", "1 2 21", "2 1 30", "3 1 40");
    }

    private PipelineSpec spec(String name, String table) throws IOException {
        return TestSpecs.load(dir, name, "storage: {lake_root: %s, landing_root: %s}\ntables:\n  %s\n"
                .formatted(lake, landing, table));
    }

    private int run(PipelineSpec spec, Job job, LocalDate day) {
        return new JobRunner(spec).runIn(spark, job, List.copyOf(spec.tables().values()), day);
    }

    private void write(String relative, String text) throws IOException {
        Path file = landing.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private List<String> columns(String table) {
        return List.of(spark.read().format("delta").load(lake + "/silver/" + table).columns());
    }

    private List<String> rows(String table, String... columns) {
        return spark.read().format("delta").load(lake + "/silver/" + table).selectExpr(columns).collectAsList()
                .stream().map(r -> {
                    StringBuilder s = new StringBuilder();
                    for (int i = 0; i < r.size(); i++) {
                        s.append(i == 0 ? "" : " ").append(r.get(i));
                    }
                    return s.toString();
                }).toList();
    }
}
