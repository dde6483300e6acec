package io.medallion.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.PipelineSpec;
import io.medallion.lake.Layer;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.testing.TestSpark;
import io.medallion.testing.TestSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality job in the test JVM's session on a small lake: exit 0 with warnings only, exit 3
 * on an error, results and metrics kept in ops.quality_results and ops.quality_metrics across runs,
 * the row-count anomaly check
 * against the history of earlier run dates only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QualityJobTest {
    private static final StructType NATION = new StructType()
            .add("n_nationkey", DataTypes.LongType)
            .add("n_name", DataTypes.StringType)
            .add("n_comment", DataTypes.StringType);

    @TempDir
    static Path dir;
    SparkSession spark;
    PipelineSpec spec;
    String lake;

    @BeforeAll
    void setUp() throws Exception {
        spark = TestSpark.session();
        lake = dir.resolve("lake").toString();
        Path file = TestSpecs.write(dir, "shop", """
                pipeline: shop
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  nation:
                    source: {format: delimited, path: nation}
                    schema:
                      - {name: n_nationkey, type: bigint, required: true}
                      - {name: n_name, type: string}
                      - {name: n_comment, type: string}
                    key: [n_nationkey]
                quality:
                  silver.nation:
                    - {check: unique, column: n_nationkey}
                    - {check: complete, column: n_comment, severity: warning}
                    - {check: anomaly, metric: row_count, max_decrease: 0.3}
                """.formatted(lake, dir.resolve("landing")));
        spec = new PipelineSpecLoader(Map.of(), dir).load(file, "local");
    }

    private void writeNation(int rows, boolean duplicateKey) {
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(RowFactory.create(duplicateKey && i == 1 ? 0L : (long) i, "nation " + i,
                    i % 2 == 0 ? "comment" : null));
        }
        spark.createDataFrame(list, NATION).write().format("delta").mode("overwrite").save(lake + "/silver/nation");
    }

    private int quality(String date) {
        QualityJob job = new QualityJob(Layer.SILVER, spec.quality());
        return new JobRunner(spec).runIn(spark, job, List.of(), LocalDate.parse(date));
    }

    private List<Row> results(String date) {
        return spark.read().format("delta").load(lake + "/ops/quality_results")
                .where("run_date = DATE'" + date + "'").orderBy("checked_at")
                .select("constraint_name", "status", "metric_value", "message").collectAsList();
    }

    private double metric(String date, String metric) {
        return spark.read().format("delta").load(lake + "/ops/quality_metrics")
                .where("run_date = DATE'" + date + "' AND metric = '" + metric + "'").select("value").first()
                .getDouble(0);
    }

    private Row result(String date, String constraint) {
        return results(date).stream().filter(r -> r.getString(0).equals(constraint)).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void warningsAloneExitZeroAndEveryOutcomeIsRecorded() {
        writeNation(10, false);
        assertThat(quality("2024-01-02")).isEqualTo(ExitCode.OK);
        assertThat(results("2024-01-02")).extracting(r -> r.getString(0) + " " + r.getString(1))
                .containsExactlyInAnyOrder("unique(n_nationkey) passed", "complete(n_comment) failed",
                        "anomaly(row_count) passed");
        assertThat(result("2024-01-02", "complete(n_comment)").getDouble(2)).isEqualTo(0.5);
        assertThat(metric("2024-01-02", "row_count")).isEqualTo(10.0);
        assertThat(metric("2024-01-02", "complete(n_comment)")).isEqualTo(0.5);
    }

    @Test
    @Order(2)
    void aRowCountCutByHalfIsAnAnomalyAndFailsTheGate() {
        writeNation(5, false);
        assertThat(quality("2024-01-03")).isEqualTo(ExitCode.QUALITY_GATE);
        Row anomaly = result("2024-01-03", "anomaly(row_count)");
        assertThat(anomaly.getString(1)).isEqualTo("failed");
        assertThat(anomaly.getString(3)).contains("row_count is 5 against 10 on 2024-01-02: a change of -50.0%",
                "down 30%");
        assertThat(results("2024-01-02")).as("earlier results survive").hasSize(3);
        assertThat(metric("2024-01-02", "row_count")).as("earlier metrics survive").isEqualTo(10.0);
        Row ledger = spark.read().format("delta").load(lake + "/ops/runs")
                .where("job = 'quality' AND run_date = DATE'2024-01-03'").select("status", "message").first();
        assertThat(ledger.getString(0)).isEqualTo("quality_failed");
        assertThat(ledger.getString(1)).contains("anomaly(row_count)");

        // The run's report: the failed anomaly, and the row count of both run dates in the chart.
        try (var reports = Files.list(Path.of(lake, "ops", "quality_reports", "2024-01-03"))) {
            // Hadoop's local file system adds hidden .crc files beside them.
            List<Path> files = reports.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
            assertThat(files).extracting(f -> f.getFileName().toString().replaceAll(".*\\.", ""))
                    .containsExactly("html", "json");
            String html = Files.readString(files.get(0));
            assertThat(html).contains("silver.nation", "anomaly(row_count)", "a change of -50.0%",
                    "10 &rarr; 5", "2 run date(s)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @Order(3)
    void aBackfillComparesWithEarlierDatesOnly() {
        // 5 rows on 2024-01-01: later dates (10 rows) are not its history, so no anomaly.
        assertThat(quality("2024-01-01")).isEqualTo(ExitCode.OK);
        assertThat(result("2024-01-01", "anomaly(row_count)").getString(1)).isEqualTo("passed");
    }

    @Test
    @Order(4)
    void aFailedErrorConstraintExitsThree() {
        writeNation(5, true);
        assertThat(quality("2024-01-04")).isEqualTo(ExitCode.QUALITY_GATE);
        Row unique = result("2024-01-04", "unique(n_nationkey)");
        assertThat(unique.getString(1)).isEqualTo("failed");
        assertThat(unique.getDouble(2)).isEqualTo(0.6);
        assertThat(result("2024-01-04", "anomaly(row_count)").getString(1)).as("5 rows after 5").isEqualTo("passed");
    }
}
