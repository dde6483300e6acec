package io.medallion.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.config.SpecException;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.LakePaths;
import io.medallion.lake.Layer;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.testing.TestSpark;
import io.medallion.testing.TestSpecs;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freshness with a fixed clock: the last bronze load (not a later OPTIMIZE) or a column's largest
 * value, judged fresh, warning and error; the silver quality run records it in
 * ops.quality_results and exits 3 past error_after; the spec refuses thresholds out of order and
 * a loaded_at that is not a date or timestamp column.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FreshnessTest {
    private static final String SPEC = """
            pipeline: fresh
            storage: {lake_root: %s, landing_root: %s}
            tables:
              orders:
                source: {format: delimited, path: orders}
                schema:
                  - {name: id, type: bigint, required: true}
                key: [id]
                freshness: {warn_after: 6h, error_after: 24h}
              events:
                source: {format: jsonl, path: events}
                schema:
                  - {name: id, type: bigint, required: true}
                  - {name: event_time, type: timestamp}
                key: [id]
                freshness: {warn_after: 1h, error_after: 3h, loaded_at: event_time}
            """;

    @TempDir
    static Path dir;
    SparkSession spark;
    PipelineSpec spec;
    String lake;
    Configuration hadoop;
    Instant loaded;

    @BeforeAll
    void setUp() throws Exception {
        spark = TestSpark.session();
        hadoop = spark.sparkContext().hadoopConfiguration();
        lake = dir.resolve("lake").toUri().toString();
        spec = load(SPEC);
        String bronze = lake + "/bronze/orders";
        StructType id = new StructType().add("id", DataTypes.LongType);
        spark.createDataFrame(List.of(RowFactory.create(1L), RowFactory.create(2L)), id).write().format("delta")
                .save(bronze);
        loaded = DeltaLogFiles.latestCommit(hadoop, bronze).timestamp();
        Thread.sleep(20);
        spark.sql("OPTIMIZE delta.`" + bronze + "`").collect();
        StructType events = id.add("event_time", DataTypes.TimestampType);
        spark.createDataFrame(List.of(RowFactory.create(1L, Timestamp.from(Instant.parse("2024-01-01T09:00:00Z"))),
                RowFactory.create(2L, Timestamp.from(Instant.parse("2024-01-01T10:00:00Z")))), events)
                .write().format("delta").save(lake + "/silver/events");
    }

    private PipelineSpec load(String yaml) throws Exception {
        Path file = TestSpecs.write(dir, "fresh", yaml.formatted(lake, dir.resolve("landing")));
        return new PipelineSpecLoader(Map.of(), dir).load(file, "local");
    }

    private Freshness.Result check(String table, Instant at) {
        return new Freshness(Clock.fixed(at, ZoneOffset.UTC)).check(spec.tables().get(table), hadoop,
                new LakePaths(lake), spark);
    }

    @Test
    void theLastBronzeLoadCountsNotALaterOptimize() {
        assertThat(DeltaLogFiles.latestCommit(hadoop, lake + "/bronze/orders").operation()).isEqualTo("OPTIMIZE");
        Freshness.Result fresh = check("orders", loaded.plus(Duration.ofHours(3)));
        assertThat(fresh.loadedAt()).contains(loaded);
        assertThat(fresh.status()).isEqualTo(Freshness.Status.FRESH);
        assertThat(fresh.ageHours()).isEqualTo(3.0);
        Freshness.Result warning = check("orders", loaded.plus(Duration.ofHours(7)));
        assertThat(warning.status()).isEqualTo(Freshness.Status.WARNING);
        assertThat(warning.message()).contains("7.0 h old", "over warn_after 6.0 h");
        Freshness.Result error = check("orders", loaded.plus(Duration.ofHours(25)));
        assertThat(error.status()).isEqualTo(Freshness.Status.ERROR);
        assertThat(error.message()).contains("over error_after 24.0 h");
    }

    @Test
    void aColumnsLargestValueCounts() {
        assertThat(check("events", Instant.parse("2024-01-01T10:30:00Z")).status()).isEqualTo(Freshness.Status.FRESH);
        Freshness.Result warning = check("events", Instant.parse("2024-01-01T12:00:00Z"));
        assertThat(warning.status()).isEqualTo(Freshness.Status.WARNING);
        assertThat(warning.loadedAt()).contains(Instant.parse("2024-01-01T10:00:00Z"));
        assertThat(check("events", Instant.parse("2024-01-01T13:30:00Z")).status())
                .isEqualTo(Freshness.Status.ERROR);
    }

    @Test
    void aTableNeverLoadedIsAnError() throws Exception {
        PipelineSpec other = load(SPEC.replace("orders", "returns"));
        Freshness.Result never = new Freshness(Clock.systemUTC()).check(other.tables().get("returns"), hadoop,
                new LakePaths(lake), spark);
        assertThat(never.status()).isEqualTo(Freshness.Status.ERROR);
        assertThat(never.loadedAt()).isEmpty();
        assertThat(never.message()).contains("never been loaded");
    }

    @Test
    void theSilverQualityRunRecordsFreshnessAndFailsPastErrorAfter() {
        Instant late = Instant.parse("2024-01-01T20:00:00Z");
        QualityJob job = new QualityJob(Layer.SILVER, Map.of(), List.copyOf(spec.tables().values()),
                Clock.fixed(late, ZoneOffset.UTC));
        assertThat(new JobRunner(spec).runIn(spark, job, List.of(), LocalDate.parse("2024-01-01")))
                .isEqualTo(ExitCode.QUALITY_GATE);
        QualityJob early = new QualityJob(Layer.SILVER, Map.of(), List.of(spec.tables().get("orders")),
                Clock.fixed(loaded.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        assertThat(new JobRunner(spec).runIn(spark, early, List.of(), LocalDate.parse("2024-01-02")))
                .isEqualTo(ExitCode.OK);
        List<Row> rows = spark.read().format("delta").load(lake + "/ops/quality_results")
                .where("kind = 'freshness'").orderBy("run_date", "table_name")
                .select("run_date", "table_name", "status", "severity", "metric_value").collectAsList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).getString(1)).isEqualTo("silver.events");
        assertThat(rows.get(0).getString(2)).isEqualTo("failed");
        assertThat(rows.get(0).getDouble(4)).isEqualTo(10.0);
        assertThat(rows.get(2).getString(1)).isEqualTo("silver.orders");
        assertThat(rows.get(2).getString(2)).isEqualTo("passed");
        assertThat(rows.get(2).getDouble(4)).isEqualTo(1.0);
        List<Row> ledger = spark.read().format("delta").load(lake + "/ops/runs").where("job = 'quality'")
                .orderBy("run_date", "table_name").select("table_name", "status", "message").collectAsList();
        assertThat(ledger.get(0).getString(1)).isEqualTo("quality_failed");
        assertThat(ledger.get(0).getString(2)).contains("freshness", "over error_after 3.0 h");
    }

    @Test
    void theSpecRefusesThresholdsOutOfOrderAndANonTimeColumn() {
        assertThatThrownBy(() -> load(SPEC.replace("warn_after: 6h, error_after: 24h", "warn_after: 2d, error_after: 24h")))
                .isInstanceOf(SpecException.class).hasMessageContaining("tables.orders.freshness.warn_after")
                .hasMessageContaining("shorter than error_after");
        assertThatThrownBy(() -> load(SPEC.replace("loaded_at: event_time", "loaded_at: id")))
                .isInstanceOf(SpecException.class).hasMessageContaining("tables.events.freshness.loaded_at")
                .hasMessageContaining("valid: ingest, event_time");
        assertThatThrownBy(() -> load(SPEC.replace("{warn_after: 6h, error_after: 24h}", "{loaded_at: ingest}")))
                .isInstanceOf(SpecException.class).hasMessageContaining("declare warn_after, error_after or both");
    }
}
