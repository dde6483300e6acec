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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarantine replay} after a range rule is widened, in the test JVM's session: exactly the
 * rows that now pass move, a replayed row older than silver's version of its key loses to it, a
 * line that did not parse stays, and a second replay moves nothing.
 */
class QuarantineReplayTest {
    private static final LocalDate DAY1 = LocalDate.parse("2024-01-01");
    private static final LocalDate DAY2 = LocalDate.parse("2024-01-02");

    @TempDir
    Path dir;

    @Test
    void aWidenedRuleReleasesExactlyTheRowsThatNowPassAndTheLatestVersionStillWins() throws IOException {
        SparkSession spark = TestSpark.session();
        String lake = dir.resolve("lake").toString();
        write("readings/2024-01-01/a.csv", "id,v\n1,1\n2,20\n3,30\n4,100\n5,x\n6,2\n");
        write("readings/2024-01-02/b.csv", "id,v\n3,5\n");
        PipelineSpec strict = spec(10);
        for (LocalDate day : List.of(DAY1, DAY2)) {
            assertThat(run(strict, new BronzeIngestJob(), day)).isEqualTo(ExitCode.OK);
            assertThat(run(strict, new SilverJob(), day)).isEqualTo(ExitCode.OK);
        }
        assertThat(silver(spark, lake)).containsExactlyInAnyOrder("1 1", "3 5", "6 2");

        PipelineSpec widened = spec(50);
        List<String> printed = new ArrayList<>();
        assertThat(replay(widened, Optional.empty(), true, printed)).isEqualTo(ExitCode.OK);
        assertThat(String.join("\n", printed)).containsPattern("v_range +3 +2 +0 +1")
                .containsPattern("parse_error +1 +0 +0 +1");
        assertThat(silver(spark, lake)).as("a dry run changes nothing").hasSize(3);

        assertThat(replay(widened, Optional.empty(), false, new ArrayList<>())).isEqualTo(ExitCode.OK);
        // 2 enters; 3's replayed day-1 version loses to silver's day-2 version; 4 and the unparsed 5 stay.
        assertThat(silver(spark, lake)).containsExactlyInAnyOrder("1 1", "2 20", "3 5", "6 2");
        assertThat(quarantine(spark, lake)).containsExactlyInAnyOrder("2 released", "3 released", "4 quarantined",
                "null quarantined");
        Row ledger = lastReplay(spark, lake);
        assertThat(ledger.<Long>getAs("rows_read")).isEqualTo(4);
        assertThat(ledger.<Long>getAs("rows_written")).isEqualTo(1);
        assertThat(ledger.<Long>getAs("rows_quarantined")).isEqualTo(2);
        assertThat(TestLedger.metrics(ledger)).containsEntry("rows_inserted", "1").containsEntry("rows_superseded", "1");

        assertThat(replay(widened, Optional.empty(), false, new ArrayList<>())).isEqualTo(ExitCode.OK);
        assertThat(lastReplay(spark, lake).<Long>getAs("rows_read")).as("only the two still waiting").isEqualTo(2);
        assertThat(lastReplay(spark, lake).<Long>getAs("rows_written")).isZero();
        assertThat(silver(spark, lake)).hasSize(4);

        List<String> onlyParse = new ArrayList<>();
        assertThat(replay(widened, Optional.of("parse_error"), true, onlyParse)).isEqualTo(ExitCode.OK);
        assertThat(String.join("\n", onlyParse)).contains("parse_error").doesNotContain("v_range");
    }

    private PipelineSpec spec(int max) throws IOException {
        return TestSpecs.load(dir, "replay", """
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  readings:
                    source: {format: csv, path: readings}
                    schema: [{name: id, type: int, required: true}, {name: v, type: int}]
                    key: [id]
                    quarantine: {max_rate: 1}
                    rules: [{name: v_range, check: range, column: v, min: 0, max: %d}]
                """.formatted(dir.resolve("lake"), dir.resolve("landing"), max));
    }

    private int run(PipelineSpec spec, Job job, LocalDate day) {
        return new JobRunner(spec).runIn(TestSpark.session(), job, List.copyOf(spec.tables().values()), day);
    }

    private int replay(PipelineSpec spec, Optional<String> rule, boolean dryRun, List<String> printed) {
        return run(spec, new QuarantineReplay(rule, Optional.empty(), dryRun, printed::add), DAY2);
    }

    private void write(String relative, String text) throws IOException {
        Path file = dir.resolve("landing").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static List<String> silver(SparkSession spark, String lake) {
        return spark.read().format("delta").load(lake + "/silver/readings").select("id", "v").collectAsList().stream()
                .map(r -> r.get(0) + " " + r.get(1)).toList();
    }

    /** Each record as the id its raw row holds (none for a line that did not parse) and its status. */
    private static List<String> quarantine(SparkSession spark, String lake) {
        return spark.read().format("delta").load(lake + "/silver/_quarantine_readings")
                .selectExpr("get_json_object(raw, '$.id')", "status").collectAsList().stream()
                .map(r -> r.get(0) + " " + r.get(1)).toList();
    }

    private static Row lastReplay(SparkSession spark, String lake) {
        return TestLedger.last(spark, lake, "quarantine-replay", "readings");
    }
}
