package io.medallion.jobs.quality;

import io.medallion.run.JobContext;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.quality_results}: one row per constraint checked, per run. It is also the metrics
 * history: the measured value of every constraint, and each table's row count, per run date,
 * which is what anomaly checks compare against.
 */
final class QualityResults {
    static final String TABLE = "quality_results";
    /** The pseudo-constraint under which each table's row count is recorded. */
    static final String ROW_COUNT = "row_count";

    static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("run_date", DataTypes.DateType, false)
            .add("table_name", DataTypes.StringType, false)
            .add("constraint_name", DataTypes.StringType, false)
            .add("kind", DataTypes.StringType, false)
            .add("severity", DataTypes.StringType, true)
            .add("status", DataTypes.StringType, false)
            .add("metric_value", DataTypes.DoubleType, true)
            .add("message", DataTypes.StringType, true)
            .add("checked_at", DataTypes.TimestampType, false);

    private QualityResults() {
    }

    /** The rows for one table: its row count, then each constraint's outcome. */
    static List<Row> rows(JobContext context, String table, long rowCount, List<ConstraintOutcome> outcomes) {
        Date runDate = Date.valueOf(context.runDate());
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        rows.add(RowFactory.create(context.runId(), runDate, table, ROW_COUNT, ROW_COUNT, null, "measured",
                (double) rowCount, null, now));
        for (ConstraintOutcome o : outcomes) {
            rows.add(RowFactory.create(context.runId(), runDate, table, o.spec().name(), o.spec().kind().specName(),
                    o.spec().severity().specName(), o.passed() ? "passed" : "failed", o.metricValue(),
                    o.message().isEmpty() ? null : o.message(), now));
        }
        return rows;
    }
}
