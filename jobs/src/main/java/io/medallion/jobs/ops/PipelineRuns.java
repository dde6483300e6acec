package io.medallion.jobs.ops;

import io.medallion.jobs.pipeline.PipelineRun;
import io.medallion.lake.LakePaths;
import io.medallion.lake.OpsTable;
import io.medallion.run.JobRunner;
import io.medallion.run.TableOutcome;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.pipeline_runs}: one row per pipeline run, with its stages' run ids (the keys into
 * {@code ops.runs}), the rows each layer wrote and where its report is. The report index and
 * {@code medallion status} read it.
 */
public final class PipelineRuns {
    public static final String TABLE = "pipeline_runs";

    static final StructType SCHEMA = StructType.fromDDL(
            "run_id STRING NOT NULL, pipeline STRING NOT NULL, run_dates STRING NOT NULL, first_date DATE NOT NULL, "
            + "last_date DATE NOT NULL, status STRING NOT NULL, exit_code INT NOT NULL, started_at TIMESTAMP NOT NULL, "
            + "ended_at TIMESTAMP NOT NULL, seconds DOUBLE NOT NULL, "
            + "stages ARRAY<STRUCT<run_id: STRING, stage: STRING, run_date: DATE, exit_code: INT, seconds: DOUBLE>>, "
            + "bronze_rows_written BIGINT, silver_rows_written BIGINT, rows_quarantined BIGINT, "
            + "gold_rows_written BIGINT, report STRING");

    private PipelineRuns() {
    }

    public static OpsTable table(SparkSession spark, LakePaths lake) {
        return OpsTable.in(spark, lake, TABLE, SCHEMA);
    }

    static void append(SparkSession spark, LakePaths lake, PipelineRun run, String report) {
        List<Row> stages = new ArrayList<>();
        for (JobRunner.Run s : run.stages()) {
            stages.add(RowFactory.create(s.runId(), s.stage(), Date.valueOf(s.runDate()), s.exitCode(),
                    seconds(s)));
        }
        Row row = RowFactory.create(run.runId(), run.pipeline(), run.dates(), Date.valueOf(run.runDates().get(0)),
                Date.valueOf(run.runDates().get(run.runDates().size() - 1)), run.status(), run.exitCode(),
                Timestamp.from(run.startedAt()), Timestamp.from(run.endedAt()), run.duration().toMillis() / 1000.0,
                stages, written(run, "bronze"), written(run, "silver"), quarantined(run), written(run, "gold"), report);
        table(spark, lake).append(List.of(row));
    }

    static double seconds(JobRunner.Run s) {
        return java.time.Duration.between(s.startedAt(), s.endedAt()).toMillis() / 1000.0;
    }

    /** The rows the layer's build stage (bronze, silver or gold, not its quality gate) wrote. */
    static long written(PipelineRun run, String job) {
        return run.stages().stream().filter(s -> s.job().equals(job)).flatMap(s -> s.outcomes().stream())
                .mapToLong(TableOutcome::rowsWritten).sum();
    }

    static long quarantined(PipelineRun run) {
        return run.stages().stream().filter(s -> s.job().equals("silver")).flatMap(s -> s.outcomes().stream())
                .mapToLong(TableOutcome::rowsQuarantined).sum();
    }
}
